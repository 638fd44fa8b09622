import type { CircuitState } from './circuit-state.ts';

/**
 * What `withCircuitBreaker` needs of a breaker. `MemoryCircuitBreaker` keeps the circuit in this process; a breaker
 * shared by many processes (in Redis, say) implements the same contract, which is why the calls may be async.
 */
export interface CircuitBreaker {
  readonly name: string;
  /**
   * Lets one call through, or fails with `CircuitBreakerError` (open, or half-open with all trial slots taken).
   * Report the outcome on the permit.
   */
  call(): CircuitPermit | Promise<CircuitPermit>;
  /** Runs `fn` through the breaker: its result is a success, its error a failure if the breaker counts it. */
  run<T>(fn: () => T | Promise<T>, options?: CircuitRunOptions): Promise<T>;
  getStats(): CircuitBreakerStats | Promise<CircuitBreakerStats>;
  /** Closes the circuit and forgets the counts of the current state. */
  reset(): void | Promise<void>;
}

export interface CircuitStateChange {
  name: string;
  from: CircuitState;
  to: CircuitState;
  /** `clock.now()` when it changed. */
  at: number;
}

export interface CircuitBreakerStats {
  name: string;
  state: CircuitState;
  /** Consecutive failures counted while closed. */
  failures: number;
  /** Successful trial calls while half-open. */
  successes: number;
  /** Trial calls in flight while half-open. */
  halfOpenCalls: number;
  /** Calls let through. */
  totalCalls: number;
  totalSuccesses: number;
  totalFailures: number;
  /** Calls refused with `CircuitBreakerError`. */
  totalRejected: number;
  /** Calls that ended without an outcome that counts (aborted, an error that is not a failure, released). */
  totalIgnored: number;
  /** `clock.now()` when the circuit last opened. */
  openedAt: number | undefined;
  lastFailure: unknown;
}

/**
 * One call let through the breaker. Report how it ended exactly once: `success()`, `failure(error)`, or `release()`
 * for no outcome (what disposing does when nothing was reported, e.g. when the block threw before reporting).
 * Reports on a permit from an earlier state (the circuit changed meanwhile) are ignored.
 */
export interface CircuitPermit extends Disposable {
  /** The state it was let through in. */
  readonly state: CircuitState;
  success(): void;
  /** Counts the error if the breaker's `isFailure` says so (an abort never does); returns whether it counted. */
  failure(error: unknown): boolean;
  release(): void;
}

export interface CircuitRunOptions {
  /** When it has aborted, the call's error is not a failure. */
  signal?: AbortSignal;
}
