import type {
  CircuitBreaker,
  CircuitBreakerStats,
  CircuitPermit,
  CircuitRunOptions,
  CircuitStateChange,
} from './circuit-breaker.ts';
import { CircuitState } from './circuit-state.ts';
import { type Clock, systemClock } from './clock.ts';
import { CircuitBreakerError } from './errors.ts';
import { isAbortError, isCircuitFailure } from './failure-policy.ts';
import { positiveInteger, positiveNumber } from './validate.ts';

export interface CircuitBreakerOptions {
  /** Consecutive failures, while closed, that open the circuit. Default 5. */
  failureThreshold?: number;
  /** Successful trial calls, while half-open, that close it. Default 2. */
  successThreshold?: number;
  /** How long it stays open before letting trial calls through. Default 30 000 ms. */
  resetTimeoutMs?: number;
  /** Trial calls in flight at once while half-open; more are refused. Default 1. */
  halfOpenMaxCalls?: number;
  /**
   * Whether an error counts as a failure. Default {@link isCircuitFailure}. Errors that do not count neither trip
   * nor heal the circuit. An abort never counts, whatever this says.
   */
  isFailure?: (error: unknown) => boolean;
  /** Called on every change of state (after it happened). */
  onStateChange?: (change: CircuitStateChange) => void;
  clock?: Clock;
}

/**
 * Stops calling a CLI or API that keeps failing, so failures do not cascade: after `failureThreshold` consecutive
 * failures the circuit opens and calls fail at once with `CircuitBreakerError` (with `retryAfterMs`); after
 * `resetTimeoutMs` it lets up to `halfOpenMaxCalls` trial calls through at a time; `successThreshold` successes
 * close it, one failure opens it again. Time is read lazily: an open circuit turns half-open when next looked at.
 * The circuit lives in this process; see {@link CircuitBreaker} for one shared by many.
 */
export class MemoryCircuitBreaker implements CircuitBreaker {
  readonly name: string;
  readonly failureThreshold: number;
  readonly successThreshold: number;
  readonly resetTimeoutMs: number;
  readonly halfOpenMaxCalls: number;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #onStateChange: ((change: CircuitStateChange) => void) | undefined;
  readonly #clock: Clock;

  #state: CircuitState = CircuitState.CLOSED;
  /** Bumped on every change of state, so late reports from permits of an earlier state are ignored. */
  #generation = 0;
  #failures = 0;
  #successes = 0;
  #halfOpenCalls = 0;
  #openedAt: number | undefined;
  #lastFailure: unknown;
  #totals = { totalCalls: 0, totalSuccesses: 0, totalFailures: 0, totalRejected: 0, totalIgnored: 0 };

  constructor(config: CircuitBreakerOptions = {}, name = 'default') {
    this.name = name;
    this.failureThreshold = positiveInteger('failureThreshold', config.failureThreshold ?? 5);
    this.successThreshold = positiveInteger('successThreshold', config.successThreshold ?? 2);
    this.resetTimeoutMs = positiveNumber('resetTimeoutMs', config.resetTimeoutMs ?? 30_000);
    this.halfOpenMaxCalls = positiveInteger('halfOpenMaxCalls', config.halfOpenMaxCalls ?? 1);
    this.#isFailure = config.isFailure ?? isCircuitFailure;
    this.#onStateChange = config.onStateChange;
    this.#clock = config.clock ?? systemClock;
  }

  /** The state now (an open circuit whose reset timeout has passed reads as half-open). */
  get state(): CircuitState {
    if (
      this.#state === CircuitState.OPEN &&
      this.#clock.now() - (this.#openedAt ?? 0) >= this.resetTimeoutMs
    ) {
      this.#transition(CircuitState.HALF_OPEN);
    }
    return this.#state;
  }

  /**
   * Lets one call through, or throws `CircuitBreakerError` (open, or half-open with all trial slots taken).
   * Synchronous: the breaker never waits. Prefer `run()`, which reports the outcome itself.
   */
  call(): CircuitPermit {
    const state = this.state;
    if (state === CircuitState.OPEN) {
      this.#totals.totalRejected++;
      const left = this.resetTimeoutMs - (this.#clock.now() - (this.#openedAt ?? 0));
      throw new CircuitBreakerError({
        message: `circuit ${this.name} is open after ${this.failureThreshold} consecutive failures`,
        circuit: this.name,
        retryAfterMs: Math.max(0, left),
      });
    }
    if (state === CircuitState.HALF_OPEN) {
      if (this.#halfOpenCalls >= this.halfOpenMaxCalls) {
        this.#totals.totalRejected++;
        throw new CircuitBreakerError({
          message: `circuit ${this.name} is half-open and its ${this.halfOpenMaxCalls} trial call(s) are in flight`,
          circuit: this.name,
        });
      }
      this.#halfOpenCalls++;
    }
    this.#totals.totalCalls++;
    return this.#permit(state, this.#generation);
  }

  /** Runs `fn` through the breaker: its result is a success, its error a failure if `isFailure` says so. */
  async run<T>(fn: () => T | Promise<T>, options: CircuitRunOptions = {}): Promise<T> {
    using permit = this.call();
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      if (!options.signal?.aborted) permit.failure(error);
      throw error;
    }
    permit.success();
    return result;
  }

  getStats(): CircuitBreakerStats {
    return {
      name: this.name,
      state: this.state,
      failures: this.#failures,
      successes: this.#successes,
      halfOpenCalls: this.#halfOpenCalls,
      ...this.#totals,
      openedAt: this.#openedAt,
      lastFailure: this.#lastFailure,
    };
  }

  /** Closes the circuit and forgets the counts of the current state (totals are kept). */
  reset(): void {
    this.#transition(CircuitState.CLOSED);
  }

  #permit(state: CircuitState, generation: number): CircuitPermit {
    let settled = false;
    /** True when this permit's report still applies: first report, same state as when it was let through. */
    const settle = () => {
      if (settled) return false;
      settled = true;
      const current = generation === this.#generation;
      if (current && state === CircuitState.HALF_OPEN) this.#halfOpenCalls--;
      return current;
    };
    const release = () => {
      if (!settled) this.#totals.totalIgnored++;
      settle();
    };
    return {
      state,
      success: () => {
        if (settled) return;
        this.#totals.totalSuccesses++;
        if (settle()) this.#onSuccess();
      },
      failure: (error) => {
        if (settled) return false;
        if (isAbortError(error) || !this.#isFailure(error)) {
          release();
          return false;
        }
        this.#totals.totalFailures++;
        this.#lastFailure = error;
        if (settle()) this.#onFailure();
        return true;
      },
      release,
      [Symbol.dispose]: release,
    };
  }

  #onSuccess(): void {
    if (this.#state === CircuitState.CLOSED) {
      this.#failures = 0;
    } else if (this.#state === CircuitState.HALF_OPEN) {
      this.#successes++;
      if (this.#successes >= this.successThreshold) this.#transition(CircuitState.CLOSED);
    }
  }

  #onFailure(): void {
    if (this.#state === CircuitState.CLOSED) {
      this.#failures++;
      if (this.#failures >= this.failureThreshold) this.#transition(CircuitState.OPEN);
    } else if (this.#state === CircuitState.HALF_OPEN) {
      this.#transition(CircuitState.OPEN);
    }
  }

  #transition(to: CircuitState): void {
    const from = this.#state;
    const at = this.#clock.now();
    this.#state = to;
    this.#generation++;
    this.#failures = 0;
    this.#successes = 0;
    this.#halfOpenCalls = 0;
    if (to === CircuitState.OPEN) this.#openedAt = at;
    if (from !== to) this.#onStateChange?.({ name: this.name, from, to, at });
  }
}
