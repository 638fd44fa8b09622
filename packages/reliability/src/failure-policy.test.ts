import {
  AbortedError,
  APIClientError,
  CircuitBreakerError,
  CLIAuthenticationError,
  CLIExecutionError,
  CLINotFoundError,
  CLITimeoutError,
  ConcurrencyLimitExceededError,
  ConfigurationError,
  RateLimitExceededError,
} from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { isAbortError, isCircuitFailure, isRetryableError, retryAfterMs } from './failure-policy.ts';

const status = (s: number) => new CLIExecutionError(`API Error: ${s}`, { apiErrorStatus: s });

describe('failure policy', () => {
  it('aborts: AbortedError and anything named AbortError', () => {
    expect(isAbortError(new AbortedError('x'))).toBe(true);
    expect(isAbortError(AbortSignal.abort().reason)).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });

  it('retryable by default: ccflow errors marked retryable, never an abort', () => {
    for (const e of [
      status(429),
      status(529),
      status(500),
      new CLITimeoutError('t', 1),
      new RateLimitExceededError('r'),
    ]) {
      expect(isRetryableError(e)).toBe(true);
    }
    for (const e of [
      status(400),
      new CLIExecutionError('crashed', { exitCode: 1 }),
      new CLIAuthenticationError('401'),
      new CircuitBreakerError('open', 'cli'),
      new AbortedError('stop'),
      new Error('plain'),
    ]) {
      expect(isRetryableError(e)).toBe(false);
    }
  });

  it('circuit failures: transient API errors, crashes, timeouts; not the request, the caller or local limits', () => {
    for (const e of [
      status(529),
      status(429),
      status(503),
      new CLIExecutionError('claude exited with code 1 without a result', { exitCode: 1 }),
      new CLIExecutionError('ended', { subtype: 'error_during_execution' }),
      new CLITimeoutError('slow', 10),
      new APIClientError('bad gateway', 502),
    ]) {
      expect(isCircuitFailure(e), e.message).toBe(true);
    }
    for (const e of [
      status(400),
      status(413),
      new CLIExecutionError('max turns', { subtype: 'error_max_turns' }),
      new CLIExecutionError('budget', { subtype: 'error_max_budget_usd' }),
      new CLIAuthenticationError('401'),
      new CLINotFoundError('no claude'),
      new ConfigurationError('model', 'bad'),
      new RateLimitExceededError('local'),
      new ConcurrencyLimitExceededError('local'),
      new AbortedError('stop'),
      new TypeError('bug'),
    ]) {
      expect(isCircuitFailure(e), e.message).toBe(false);
    }
  });

  it('retryAfterMs, when usable', () => {
    expect(retryAfterMs(new RateLimitExceededError('r', 1500))).toBe(1500);
    expect(retryAfterMs({ retryAfterMs: -1 })).toBeUndefined();
    expect(retryAfterMs(new Error('x'))).toBeUndefined();
  });
});
