import { AbortedError, CCFlowError, CliExecutionError, CliTimeoutError, UsageLimitError } from '@ccflow/core';
import { ConcurrencyLimitExceededError, RateLimitExceededError } from './errors.ts';

/**
 * Which errors say what. Kept in one place because the breaker and the retries must agree on the basics: a user's
 * abort is never a failure and never retried.
 */

/** The caller stopped the work: `AbortedError`, or any error named `AbortError` (what an `AbortSignal` throws). */
export function isAbortError(error: unknown): boolean {
  if (AbortedError.isInstance(error)) return true;
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/** The default of `RetryOptions.retryableErrors`: a ccflow error that says another try may succeed. */
export function isRetryableError(error: unknown): boolean {
  if (isAbortError(error) || !CCFlowError.isInstance(error)) return false;
  return (error as CCFlowError).isRetryable;
}

/** Result subtypes for limits the caller set: reaching one says nothing about the CLI's health. */
const CALLER_LIMITS = new Set(['error_max_turns', 'error_max_budget_usd']);

/**
 * The default of `CircuitBreakerOptions.isFailure`: does this error say the CLI or the API is unwell?
 * - `CliExecutionError`: yes for a transient API status (429, 5xx, 529) and for a CLI that crashed or ended without
 *   a result (no status); no for other API statuses (400, 413: the request's fault) and for the caller's own limits
 *   (`error_max_turns`, `error_max_budget_usd`).
 * - `UsageLimitError`: no. The account's usage limit says nothing of the CLI's health (and an open circuit would
 *   only add its own wait to the reset).
 * - `CliTimeoutError`: yes.
 * - Other ccflow errors: when retryable (an API client's 5xx, say), except this package's own
 *   `RateLimitExceededError` / `ConcurrencyLimitExceededError`, which are local back-pressure.
 * - No for aborts, `ConfigurationError`, `CliNotFoundError`, `CliAuthenticationError` (not transient: an open
 *   circuit would not help) and for anything that is not a ccflow error (a bug in the caller's code).
 */
export function isCircuitFailure(error: unknown): boolean {
  if (isAbortError(error) || !CCFlowError.isInstance(error)) return false;
  if (UsageLimitError.isInstance(error)) return false;
  if (CliExecutionError.isInstance(error)) {
    const e = error as CliExecutionError;
    if (e.apiErrorStatus !== null) return e.isRetryable;
    return e.subtype === undefined || !CALLER_LIMITS.has(e.subtype);
  }
  if (CliTimeoutError.isInstance(error)) return true;
  if (RateLimitExceededError.isInstance(error) || ConcurrencyLimitExceededError.isInstance(error))
    return false;
  return (error as CCFlowError).isRetryable;
}

/** The error's `retryAfterMs` (every ccflow error that knows when to try again carries one), when usable. */
export function retryAfterMs(error: unknown): number | undefined {
  const value =
    typeof error === 'object' && error !== null
      ? (error as { retryAfterMs?: unknown }).retryAfterMs
      : undefined;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
