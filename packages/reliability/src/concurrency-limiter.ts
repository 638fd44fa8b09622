import { ConcurrencyLimitExceededError } from './errors.ts';
import { FifoLimiter, type FifoLimiterOptions } from './fifo-limiter.ts';
import { positiveInteger } from './validate.ts';

export interface ConcurrencyLimiterOptions extends FifoLimiterOptions {
  /** How many leases may be held at once. */
  maxConcurrent: number;
}

/**
 * A semaphore: at most `maxConcurrent` leases held at once; a release hands the slot straight to the first waiter,
 * so a newcomer never takes it first. A rejected caller (`waitTimeoutMs`) gets `ConcurrencyLimitExceededError`.
 */
export class ConcurrencyLimiter extends FifoLimiter {
  readonly maxConcurrent: number;
  #active = 0;

  constructor(options: ConcurrencyLimiterOptions) {
    super(options);
    this.maxConcurrent = positiveInteger('maxConcurrent', options.maxConcurrent);
  }

  /** Leases held now. */
  get active(): number {
    return this.#active;
  }

  protected tryTake(): boolean {
    if (this.#active >= this.maxConcurrent) return false;
    this.#active++;
    return true;
  }

  protected retryInMs(): undefined {
    return undefined;
  }

  protected onRelease(): void {
    this.#active--;
    this.drain();
  }

  protected rejection(waitedMs: number): Error {
    return new ConcurrencyLimitExceededError({
      message: `concurrency limit: no slot within ${Math.round(waitedMs)} ms (${this.maxConcurrent} at once)`,
    });
  }

  protected level(): number {
    return this.#active;
  }
}
