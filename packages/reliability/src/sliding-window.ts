import { ConfigurationError } from '@ccflow/core';
import { RateLimitExceededError } from './errors.ts';
import { FifoLimiter, type FifoLimiterOptions } from './fifo-limiter.ts';
import { positiveNumber } from './validate.ts';

export interface SlidingWindowOptions extends FifoLimiterOptions {
  /** Permits per second, averaged over the window: the window holds `floor(rate * windowMs / 1000)` permits. */
  rate: number;
  /** Default 60 000 (a minute, as account limits are counted). */
  windowMs?: number;
}

const EPSILON_MS = 1e-3;

/**
 * A sliding window log: at most `limit = floor(rate * windowMs / 1000)` permits in any `windowMs` span, with no
 * boundary effects (a fixed window lets twice the limit through around its edge). Keeps the last `limit` grant times.
 * A rejected caller (`waitTimeoutMs`) gets `RateLimitExceededError` with `retryAfterMs`.
 */
export class SlidingWindowRateLimiter extends FifoLimiter {
  readonly rate: number;
  readonly windowMs: number;
  /** Permits per window. */
  readonly limit: number;
  /** Grant times still inside the window, oldest first, from `#head`. */
  #grants: number[] = [];
  #head = 0;

  constructor(options: SlidingWindowOptions) {
    super(options);
    this.rate = positiveNumber('rate', options.rate);
    this.windowMs = positiveNumber('windowMs', options.windowMs ?? 60_000);
    // The small addend absorbs rounding: 0.1/s over 30 s is 3 permits, not 2.9999999999999996.
    this.limit = Math.floor((this.rate * this.windowMs) / 1000 + 1e-9);
    if (this.limit < 1) {
      throw new ConfigurationError({
        field: 'windowMs',
        problem: `${this.windowMs} ms at ${this.rate}/s holds no whole permit: use a window of at least ${Math.ceil(1000 / this.rate)} ms`,
      });
    }
  }

  protected tryTake(now: number): boolean {
    this.#expire(now);
    if (this.#grants.length - this.#head >= this.limit) return false;
    this.#grants.push(now);
    return true;
  }

  protected retryInMs(now: number): number {
    this.#expire(now);
    const oldest = this.#grants[this.#head];
    return oldest === undefined ? 0 : Math.max(0, oldest + this.windowMs - now);
  }

  protected onRelease(): void {}

  protected rejection(waitedMs: number): Error {
    const retryAfterMs = this.retryInMs(this.clock.now());
    return new RateLimitExceededError({
      message: `rate limit: no permit within ${Math.round(waitedMs)} ms (${this.limit} per ${this.windowMs} ms)`,
      retryAfterMs,
    });
  }

  /** Permits spent in the current window. */
  protected level(now: number): number {
    this.#expire(now);
    return this.#grants.length - this.#head;
  }

  #expire(now: number): void {
    const grants = this.#grants;
    while (this.#head < grants.length && grants[this.#head]! + this.windowMs <= now + EPSILON_MS)
      this.#head++;
    if (this.#head > 1024 && this.#head * 2 > grants.length) {
      this.#grants = grants.slice(this.#head);
      this.#head = 0;
    }
  }
}
