import { ConfigurationError } from '@ccflow/core';
import { type Clock, systemClock } from './clock.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import {
  type AcquireOptions,
  type Lease,
  type Limiter,
  LimiterLease,
  type LimiterStats,
  runWithLease,
} from './limiter.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';
import { TokenBucketRateLimiter } from './token-bucket.ts';
import { optionalDuration } from './validate.ts';

export const RATE_TYPES = ['sliding_window', 'token_bucket'] as const;
export type RateType = (typeof RATE_TYPES)[number];

export interface CombinedLimiterOptions {
  /** Permits per second; omit for no rate limit. */
  rate?: number;
  /** Leases held at once; omit for no concurrency limit. */
  maxConcurrent?: number;
  /** Default `sliding_window`. */
  rateType?: RateType;
  /** For `token_bucket`: see `TokenBucketOptions.burst`. */
  burst?: number;
  /** For `sliding_window`: see `SlidingWindowOptions.windowMs`. */
  windowMs?: number;
  /** The longest wait for both limits together. Default: no limit. */
  waitTimeoutMs?: number;
  clock?: Clock;
}

export interface CombinedLimiterStats extends LimiterStats {
  rate: LimiterStats | undefined;
  concurrency: LimiterStats | undefined;
}

/**
 * A rate limit and a concurrency limit as one. The concurrency slot is taken first and the rate permit second, so
 * each call starts right after its permit: taking permits first would let calls that queued for a slot start
 * together later, over the rate. A failed wait for the permit gives the slot back. `waitTimeoutMs` bounds both
 * waits together. `current` in the stats is the leases held (or the rate level without a concurrency limit).
 */
export class CombinedLimiter implements Limiter {
  readonly rateLimiter: TokenBucketRateLimiter | SlidingWindowRateLimiter | undefined;
  readonly concurrencyLimiter: ConcurrencyLimiter | undefined;
  readonly #clock: Clock;
  readonly #waitTimeoutMs: number | undefined;
  #stats = { acquired: 0, rejected: 0, aborted: 0, waited: 0, totalWaitMs: 0, maxWaitMs: 0 };

  constructor(options: CombinedLimiterOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.#clock = clock;
    this.#waitTimeoutMs = optionalDuration('waitTimeoutMs', options.waitTimeoutMs);
    const rateType = options.rateType ?? 'sliding_window';
    if (!RATE_TYPES.includes(rateType)) {
      throw new ConfigurationError({
        field: 'rateType',
        problem: `must be one of ${RATE_TYPES.join(', ')}, got ${String(rateType)}`,
      });
    }
    if (options.rate !== undefined) {
      this.rateLimiter =
        rateType === 'token_bucket'
          ? new TokenBucketRateLimiter({ rate: options.rate, burst: options.burst, clock })
          : new SlidingWindowRateLimiter({ rate: options.rate, windowMs: options.windowMs, clock });
    }
    if (options.maxConcurrent !== undefined) {
      this.concurrencyLimiter = new ConcurrencyLimiter({ maxConcurrent: options.maxConcurrent, clock });
    }
  }

  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const { signal } = options;
    const timeoutMs = optionalDuration('waitTimeoutMs', options.waitTimeoutMs) ?? this.#waitTimeoutMs;
    const started = this.#clock.now();
    let slot: Lease | undefined;
    try {
      slot = await this.concurrencyLimiter?.acquire({ signal, waitTimeoutMs: timeoutMs });
      const left =
        timeoutMs === undefined ? undefined : Math.max(0, timeoutMs - (this.#clock.now() - started));
      await this.rateLimiter?.acquire({ signal, waitTimeoutMs: left });
    } catch (error) {
      slot?.release();
      if (signal?.aborted) this.#stats.aborted++;
      else this.#stats.rejected++;
      throw error;
    }
    const waitedMs = this.#clock.now() - started;
    const s = this.#stats;
    s.acquired++;
    if (waitedMs > 0) {
      s.waited++;
      s.totalWaitMs += waitedMs;
      s.maxWaitMs = Math.max(s.maxWaitMs, waitedMs);
    }
    return new LimiterLease(waitedMs, () => slot?.release());
  }

  run<T>(fn: (lease: Lease) => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return runWithLease(this, fn, options);
  }

  getStats(): CombinedLimiterStats {
    const rate = this.rateLimiter?.getStats();
    const concurrency = this.concurrencyLimiter?.getStats();
    return {
      ...this.#stats,
      current: concurrency?.current ?? rate?.current ?? 0,
      waiting: (concurrency?.waiting ?? 0) + (rate?.waiting ?? 0),
      rate,
      concurrency,
    };
  }
}
