import { CCFlowError, type CCFlowErrorOptions } from '@ccflow/core';

/** The codes of `@ccflow/reliability`'s errors. */
export type ReliabilityErrorCode =
  | 'RATE_LIMIT_EXCEEDED'
  | 'CONCURRENCY_LIMIT_EXCEEDED'
  | 'CIRCUIT_OPEN'
  | 'RETRY_EXHAUSTED';

/** A rate limiter had no slot within the caller's wait: local back-pressure, not a fault of the CLI. */
export class RateLimitExceededError extends CCFlowError {
  static override readonly code = 'RATE_LIMIT_EXCEEDED';
  declare readonly code: 'RATE_LIMIT_EXCEEDED';
  /** Milliseconds until a slot is expected, when known. */
  readonly retryAfterMs: number | undefined;
  constructor(init: CCFlowErrorOptions & { retryAfterMs?: number }) {
    super(init);
    this.retryAfterMs = init.retryAfterMs;
  }
  override get isRetryable(): boolean {
    return true;
  }
}

/** A concurrency limiter had no free slot within the caller's wait: local back-pressure. */
export class ConcurrencyLimitExceededError extends CCFlowError {
  static override readonly code = 'CONCURRENCY_LIMIT_EXCEEDED';
  declare readonly code: 'CONCURRENCY_LIMIT_EXCEEDED';
  override get isRetryable(): boolean {
    return true;
  }
}

/** The circuit is open: the call was refused without running. */
export class CircuitBreakerError extends CCFlowError {
  static override readonly code = 'CIRCUIT_OPEN';
  declare readonly code: 'CIRCUIT_OPEN';
  readonly circuit: string;
  /** Milliseconds until the circuit lets a trial call through. */
  readonly retryAfterMs: number | undefined;
  constructor(init: CCFlowErrorOptions & { circuit: string; retryAfterMs?: number }) {
    super(init);
    this.circuit = init.circuit;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** Every attempt failed; `cause` is the last attempt's error. */
export class RetryExhaustedError extends CCFlowError {
  static override readonly code = 'RETRY_EXHAUSTED';
  declare readonly code: 'RETRY_EXHAUSTED';
  /** Every attempt's error, in order. */
  readonly errors: readonly unknown[];
  constructor(init: { message: string; errors: readonly unknown[] }) {
    super({ message: init.message, cause: init.errors.at(-1) });
    this.errors = init.errors;
  }
}
