import { RateLimitExceededError } from './errors.ts';
import { FifoLimiter, type FifoLimiterOptions } from './fifo-limiter.ts';
import { positiveInteger, positiveNumber } from './validate.ts';

export interface TokenBucketOptions extends FifoLimiterOptions {
  /** Permits per second, refilled continuously. */
  rate: number;
  /** The bucket's size: how many permits may go at once after a quiet spell. Default `max(1, floor(rate))`. */
  burst?: number;
}

/** Floating-point slack: a permit due within a microsecond counts as due, so a wake-up never misses by a rounding. */
const EPSILON_MS = 1e-3;

/**
 * A token bucket: smooth rate with bursts. In any span of `d` ms at most `burst + d * rate / 1000` permits are
 * granted. Kept as one number, the theoretical arrival time of the next permit (GCRA), so there is no refill loop
 * and no drift. A rejected caller (`waitTimeoutMs`) gets `RateLimitExceededError` with `retryAfterMs`.
 */
export class TokenBucketRateLimiter extends FifoLimiter {
  readonly rate: number;
  readonly burst: number;
  /** Ms between permits. */
  readonly #interval: number;
  /** How far ahead of now the next permit's time may be and still be granted (the burst). */
  readonly #tolerance: number;
  #nextAt = Number.NEGATIVE_INFINITY;

  constructor(options: TokenBucketOptions) {
    super(options);
    this.rate = positiveNumber('rate', options.rate);
    this.burst = positiveInteger('burst', options.burst ?? Math.max(1, Math.floor(this.rate)));
    this.#interval = 1000 / this.rate;
    this.#tolerance = (this.burst - 1) * this.#interval;
  }

  protected tryTake(now: number): boolean {
    if (this.#nextAt - this.#tolerance > now + EPSILON_MS) return false;
    this.#nextAt = Math.max(this.#nextAt, now) + this.#interval;
    return true;
  }

  protected retryInMs(now: number): number {
    return Math.max(0, this.#nextAt - this.#tolerance - now);
  }

  protected onRelease(): void {}

  protected rejection(waitedMs: number): Error {
    const retryAfterMs = this.retryInMs(this.clock.now());
    return new RateLimitExceededError({
      message: `rate limit: no permit within ${Math.round(waitedMs)} ms (${this.rate}/s, burst ${this.burst})`,
      retryAfterMs,
    });
  }

  /** Tokens in the bucket now (fractional while refilling). */
  protected level(now: number): number {
    const owed = Math.max(0, this.#nextAt - now) / this.#interval;
    return Math.max(0, this.burst - owed);
  }
}
