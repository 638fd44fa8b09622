import { type Clock, systemClock } from './clock.ts';
import {
  type AcquireOptions,
  type Lease,
  type Limiter,
  LimiterLease,
  type LimiterStats,
  runWithLease,
} from './limiter.ts';
import { optionalDuration } from './validate.ts';

/** The reason timers of this module are stopped with: a plain value, as a `DOMException` per stop is costly. */
const STOPPED = Symbol('stopped');

interface Waiter {
  enqueuedAt: number;
  /** Set once it was granted, timed out or aborted: it is then skipped where it still sits in the queue. */
  done: boolean;
  grant(waitedMs: number): void;
  /** Stops its timeout timer and abort listener. */
  cleanup(): void;
}

export interface FifoLimiterOptions {
  /** How long a caller may wait for a permit before it is turned away. Default: no limit. */
  waitTimeoutMs?: number;
  /** Default: real time. */
  clock?: Clock;
}

/**
 * The queue every limiter here shares, so they all behave the same: callers are served strictly first come, first
 * served (a newcomer never overtakes a waiter, even when a permit is free); a caller whose signal aborts or whose
 * wait times out leaves the queue and takes nothing. Subclasses say when a permit is free (`tryTake`) and, for
 * limits that free up with time, when to look again (`retryInMs`); those freed by a release call `drain()`.
 */
export abstract class FifoLimiter implements Limiter {
  protected readonly clock: Clock;
  protected readonly waitTimeoutMs: number | undefined;
  /** A queue with a moving head; entries that left are skipped (`done`), so leaving is O(1). */
  #queue: Waiter[] = [];
  #head = 0;
  #waiting = 0;
  #wake: { at: number; stop: AbortController } | undefined;
  #stats = { acquired: 0, rejected: 0, aborted: 0, waited: 0, totalWaitMs: 0, maxWaitMs: 0 };

  constructor(options: FifoLimiterOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.waitTimeoutMs = optionalDuration('waitTimeoutMs', options.waitTimeoutMs);
  }

  /** Takes a permit if one is free at `now`. */
  protected abstract tryTake(now: number): boolean;
  /** When a permit may next be free, for limits that free up with time; `undefined` when only a release frees one. */
  protected abstract retryInMs(now: number): number | undefined;
  /** What a release does (nothing for rate limits, whose permits are spent). */
  protected abstract onRelease(): void;
  /** The error for a caller whose wait timed out after `waitedMs`. */
  protected abstract rejection(waitedMs: number): Error;
  /** See `LimiterStats.current`. */
  protected abstract level(now: number): number;

  acquire(options: AcquireOptions = {}): Promise<Lease> {
    const { signal } = options;
    if (signal?.aborted) {
      this.#stats.aborted++;
      return Promise.reject(signal.reason);
    }
    const timeoutMs = optionalDuration('waitTimeoutMs', options.waitTimeoutMs) ?? this.waitTimeoutMs;
    const now = this.clock.now();
    if (this.#waiting === 0 && this.tryTake(now)) return Promise.resolve(this.#lease(0));
    if (timeoutMs === 0) {
      this.#stats.rejected++;
      return Promise.reject(this.rejection(0));
    }
    return new Promise<Lease>((resolve, reject) => {
      const timed = timeoutMs !== undefined && timeoutMs !== Number.POSITIVE_INFINITY;
      const stopTimeout = timed ? new AbortController() : undefined;
      const onAbort = () => {
        if (!leave()) return;
        this.#stats.aborted++;
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        enqueuedAt: now,
        done: false,
        grant: (waitedMs) => resolve(this.#lease(waitedMs)),
        cleanup: () => {
          stopTimeout?.abort(STOPPED);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      /** Takes the waiter out; false when it had already left. */
      const leave = () => {
        if (waiter.done) return false;
        waiter.done = true;
        waiter.cleanup();
        this.#waiting--;
        // The head may have changed, or the queue emptied: serve or stop the timer.
        this.drain();
        return true;
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (stopTimeout) {
        this.clock.sleep(timeoutMs!, stopTimeout.signal).then(
          () => {
            if (!leave()) return;
            this.#stats.rejected++;
            reject(this.rejection(this.clock.now() - now));
          },
          () => {},
        );
      }
      this.#queue.push(waiter);
      this.#waiting++;
      this.drain();
    });
  }

  run<T>(fn: (lease: Lease) => T | Promise<T>, options?: AcquireOptions): Promise<T> {
    return runWithLease(this, fn, options);
  }

  getStats(): LimiterStats {
    return { ...this.#stats, current: this.level(this.clock.now()), waiting: this.#waiting };
  }

  /** Serves waiters from the head while permits are free; then sleeps until one may be, if time frees them. */
  protected drain(): void {
    for (;;) {
      const head = this.#peek();
      if (head === undefined) {
        this.#wake?.stop.abort(STOPPED);
        this.#wake = undefined;
        return;
      }
      const now = this.clock.now();
      if (!this.tryTake(now)) break;
      this.#head++;
      this.#waiting--;
      head.done = true;
      head.cleanup();
      head.grant(now - head.enqueuedAt);
    }
    const now = this.clock.now();
    const inMs = this.retryInMs(now);
    if (inMs === undefined || this.#wake) return;
    const wake = { at: now + inMs, stop: new AbortController() };
    this.#wake = wake;
    this.clock.sleep(inMs, wake.stop.signal).then(
      () => {
        if (this.#wake !== wake) return;
        this.#wake = undefined;
        this.drain();
      },
      () => {},
    );
  }

  /** The first waiter still waiting, dropping those that left from the front. */
  #peek(): Waiter | undefined {
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.done) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return this.#queue[this.#head];
  }

  #lease(waitedMs: number): Lease {
    const s = this.#stats;
    s.acquired++;
    if (waitedMs > 0) {
      s.waited++;
      s.totalWaitMs += waitedMs;
      s.maxWaitMs = Math.max(s.maxWaitMs, waitedMs);
    }
    return new LimiterLease(waitedMs, () => this.onRelease());
  }
}
