import { CCFlowError } from '@ccflow/core';
import { type Span, trace } from '@opentelemetry/api';

/**
 * The span attributes the decorators set, on whatever span is active when they run: the `invoke_agent` span when
 * `withTracing` wraps them (it runs its inner executor inside that span), else the caller's own span, if any.
 */
export const RELIABILITY_ATTR = {
  /** How long the call waited for the rate / concurrency limiter, ms. */
  rateLimitWaitMs: 'ccflow.rate_limit.wait_ms',
  /** True when the limiter turned the call away (its wait timed out). */
  rateLimitRejected: 'ccflow.rate_limit.rejected',
  circuitName: 'ccflow.circuit.name',
  /** The circuit's state when the call was let through, or `open` when it was refused. */
  circuitState: 'ccflow.circuit.state',
  /** The attempt running (1 for the first); its last value is the number of attempts. */
  retryAttempt: 'ccflow.retry.attempt',
  /** On a retry event: the backoff before it, ms. */
  retryDelayMs: 'ccflow.retry.delay_ms',
  /** True when retries ran out (`RetryExhaustedError`). */
  retryExhausted: 'ccflow.retry.exhausted',
  errorType: 'error.type',
} as const;

/** The span event added for each retry, with `ccflow.retry.attempt` (the attempt that failed), delay and error. */
export const RETRY_EVENT = 'ccflow.retry';

export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}

/** `error.type` as ccflow's tracing writes it: the error's code, else `Error`. */
export function errorType(error: unknown): string {
  return CCFlowError.isInstance(error) ? (error as CCFlowError).code : 'Error';
}
