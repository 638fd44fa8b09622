import { UsageLimitError } from '@ccflow/core';
import { type Clock, systemClock } from './clock.ts';
import { RetryExhaustedError } from './errors.ts';
import { isAbortError, isRetryableError, retryAfterMs } from './failure-policy.ts';
import { nonNegativeInteger, positiveNumber } from './validate.ts';

/** A class of errors, matched with its `isInstance` when it has one (ccflow's errors), else `instanceof`. */
// biome-ignore lint/suspicious/noExplicitAny: any constructor, whatever its parameters
export type ErrorClass = abstract new (...args: any[]) => unknown;

export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** The backoff cap of the first retry. Default 1000 ms. */
  baseDelayMs?: number;
  /** No backoff cap exceeds this, nor a wait an error asks for (`retryAfterMs`). Default 30 000 ms. */
  maxDelayMs?: number;
  /**
   * The longest wait for an account's usage limit to reset (`UsageLimitError.resetsAt`) before the retry; a later
   * reset ends the retries at once rather than trying again before it. Default: `maxDelayMs`.
   */
  maxUsageLimitWaitMs?: number;
  /** Each retry's cap is this times the last one's. Default 2. */
  exponentialBase?: number;
  /**
   * Which errors are retried: a predicate, or error classes (ccflow classes match with `isInstance`, so across
   * copies of the package; others with `instanceof`). Default {@link isRetryableError}: ccflow errors whose
   * `isRetryable` is true (429 / 5xx / 529 from the API, timeouts, this package's limiter rejections). An abort
   * is never retried.
   */
  retryableErrors?: readonly ErrorClass[] | ((error: unknown) => boolean);
  /** Full jitter (default): each delay is uniform in [0, cap]. `false`: exactly the cap. */
  jitter?: boolean;
  /** In [0, 1); default `Math.random`. */
  random?: () => number;
  /** Called before each backoff sleep. */
  onRetry?: (event: RetryEvent) => void;
  clock?: Clock;
}

export interface RetryEvent {
  /** The retry about to happen: 1 for the first retry. */
  retry: number;
  /** The error that caused it. */
  error: unknown;
  delayMs: number;
}

export interface RetryAttempt {
  /** 1 for the first attempt. */
  attempt: number;
  signal: AbortSignal | undefined;
}

export interface RetryRunOptions {
  /** Stops retrying: aborts the backoff sleep, and no attempt starts after it aborted. */
  signal?: AbortSignal;
}

/** Resolved `RetryOptions`: what `retryWithBackoff` and `withRetry` work from. */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxUsageLimitWaitMs: number;
  exponentialBase: number;
  isRetryable(error: unknown): boolean;
  jitter: boolean;
  random: () => number;
  onRetry: ((event: RetryEvent) => void) | undefined;
  clock: Clock;
}

/** Validates a `RetryOptions` and fills in its defaults. */
export function retryPolicy(config: RetryOptions = {}): RetryPolicy {
  const retryable = config.retryableErrors;
  let isRetryable: (error: unknown) => boolean;
  if (typeof retryable === 'function') isRetryable = retryable;
  else if (retryable) isRetryable = (error) => retryable.some((c) => matches(c, error));
  else isRetryable = isRetryableError;
  const maxDelayMs = positiveNumber('maxDelayMs', config.maxDelayMs ?? 30_000);
  return {
    maxRetries: nonNegativeInteger('maxRetries', config.maxRetries ?? 3),
    baseDelayMs: positiveNumber('baseDelayMs', config.baseDelayMs ?? 1000),
    maxDelayMs,
    maxUsageLimitWaitMs: positiveNumber('maxUsageLimitWaitMs', config.maxUsageLimitWaitMs ?? maxDelayMs),
    exponentialBase: positiveNumber('exponentialBase', config.exponentialBase ?? 2),
    isRetryable: (error) => !isAbortError(error) && isRetryable(error),
    jitter: config.jitter ?? true,
    random: config.random ?? Math.random,
    onRetry: config.onRetry,
    clock: config.clock ?? systemClock,
  };
}

function matches(errorClass: ErrorClass, error: unknown): boolean {
  // A ccflow error class (from any copy of ccflow): its static `isInstance` reads codes, not class identity.
  const { isInstance, code } = errorClass as { isInstance?: unknown; code?: unknown };
  if (typeof isInstance === 'function' && typeof code === 'string') {
    return (isInstance as (e: unknown) => boolean).call(errorClass, error);
  }
  return error instanceof errorClass;
}

/**
 * What to do after a failed attempt: `retry` after `delayMs`, `rethrow` the error as it is (not retryable), or
 * `exhausted` (retryable, but no retries left, or the error asks for a longer wait than `maxDelayMs`).
 */
export type RetryDecision =
  | { kind: 'retry'; delayMs: number }
  | { kind: 'rethrow' }
  | { kind: 'exhausted'; reason: string };

/**
 * The backoff before retry number `retry` (1-based): full jitter over `min(maxDelayMs, baseDelayMs *
 * exponentialBase^(retry-1))`, and never less than the error's own `retryAfterMs` (a 429's; for a `UsageLimitError`,
 * the time until the limit resets). A `retryAfterMs` above `maxDelayMs` (`maxUsageLimitWaitMs` for a usage limit) ends
 * the retries: retrying sooner would only be refused again, and waiting longer was not allowed.
 */
export function decideRetry(policy: RetryPolicy, error: unknown, retry: number): RetryDecision {
  if (!policy.isRetryable(error)) return { kind: 'rethrow' };
  if (retry > policy.maxRetries) return { kind: 'exhausted', reason: `${retry} attempts failed` };
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.exponentialBase ** (retry - 1));
  const backoff = policy.jitter ? policy.random() * cap : cap;
  const asked = retryAfterMs(error);
  const [bound, name] = UsageLimitError.isInstance(error)
    ? [policy.maxUsageLimitWaitMs, 'maxUsageLimitWaitMs']
    : [policy.maxDelayMs, 'maxDelayMs'];
  if (asked !== undefined && asked > bound) {
    return {
      kind: 'exhausted',
      reason: `retry-after of ${Math.round(asked)} ms is more than ${name} (${bound} ms)`,
    };
  }
  return { kind: 'retry', delayMs: Math.max(backoff, asked ?? 0) };
}

/** The error that ends retrying: every attempt's error, in order, the last one as its `cause`. */
export function exhaustedError(errors: readonly unknown[], reason: string): RetryExhaustedError {
  const last = errors.at(-1);
  const message = last instanceof Error ? last.message : String(last);
  return new RetryExhaustedError({ message: `gave up retrying (${reason}): ${message}`, errors });
}

/**
 * Calls `fn` until it succeeds, retrying retryable errors with exponential backoff and full jitter. A
 * non-retryable error is thrown as it is; when retries run out, `RetryExhaustedError` carries every attempt's error.
 * The signal stops it: no attempt starts once it aborted (its reason is thrown), the backoff sleep ends early with
 * its reason, and an attempt that fails after it aborted is not retried (its error is thrown as it is). `fn` gets
 * the signal to pass on.
 */
export async function retryWithBackoff<T>(
  fn: (attempt: RetryAttempt) => T | Promise<T>,
  config: RetryOptions = {},
  options: RetryRunOptions = {},
): Promise<T> {
  const policy = retryPolicy(config);
  const { signal } = options;
  const errors: unknown[] = [];
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn({ attempt, signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      errors.push(error);
      const decision = decideRetry(policy, error, attempt);
      if (decision.kind === 'rethrow') throw error;
      if (decision.kind === 'exhausted') throw exhaustedError(errors, decision.reason);
      policy.onRetry?.({ retry: attempt, error, delayMs: decision.delayMs });
      await policy.clock.sleep(decision.delayMs, signal);
    }
  }
}
