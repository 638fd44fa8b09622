/**
 * What every limiter shares: `acquire()` gives a `Lease`, held for as long as the limited work runs. Rate limiters
 * spend a permit when they grant it (releasing does nothing); a concurrency limiter frees its slot on release.
 * All durations are milliseconds.
 */

export interface AcquireOptions {
  /** Leaves the queue when aborted: the promise rejects with the signal's reason and takes no slot. */
  signal?: AbortSignal;
  /** Overrides the limiter's `waitTimeoutMs` for this call. */
  waitTimeoutMs?: number;
}

/**
 * A granted permit. Release it exactly once when the work ends (more calls do nothing); `using lease = await
 * limiter.acquire()` releases it at the end of the block, also when the block throws.
 */
export interface Lease extends Disposable {
  /** How long the caller waited for it. */
  readonly waitedMs: number;
  release(): void;
}

export interface LimiterStats {
  /** Permits granted. */
  acquired: number;
  /** Callers turned away because their wait timed out. */
  rejected: number;
  /** Callers that left the queue because their signal aborted. */
  aborted: number;
  /** Permits granted after a wait (the others were free at once). */
  waited: number;
  /** Summed over the permits granted. */
  totalWaitMs: number;
  maxWaitMs: number;
  /**
   * The level now: tokens in the bucket (token bucket), permits spent in the current window (sliding window),
   * leases held (concurrency).
   */
  current: number;
  /** Callers queued now. */
  waiting: number;
}

export interface Limiter {
  /** Waits, first come first served, for a permit. */
  acquire(options?: AcquireOptions): Promise<Lease>;
  /** Runs `fn` holding a permit, and releases it however `fn` ends. */
  run<T>(fn: (lease: Lease) => T | Promise<T>, options?: AcquireOptions): Promise<T>;
  getStats(): LimiterStats;
}

/** A lease that runs `onRelease` once. */
export class LimiterLease implements Lease {
  #onRelease: (() => void) | undefined;

  constructor(
    readonly waitedMs: number,
    onRelease?: () => void,
  ) {
    this.#onRelease = onRelease ?? noop;
  }

  release(): void {
    const onRelease = this.#onRelease;
    this.#onRelease = undefined;
    onRelease?.();
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

function noop(): void {}

/** `acquire`, then `fn`, then release, however `fn` ends. */
export async function runWithLease<T>(
  limiter: Pick<Limiter, 'acquire'>,
  fn: (lease: Lease) => T | Promise<T>,
  options?: AcquireOptions,
): Promise<T> {
  const lease = await limiter.acquire(options);
  try {
    return await fn(lease);
  } finally {
    lease.release();
  }
}
