import {
  AbortedError,
  CCFlowError,
  CliAuthenticationError,
  CliExecutionError,
  CliNotFoundError,
  CliTimeoutError,
  ConfigurationError,
} from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { CircuitBreakerError, ConcurrencyLimitExceededError, RateLimitExceededError } from './errors.ts';
import { isAbortError, isCircuitFailure, isRetryableError, retryAfterMs } from './failure-policy.ts';

/** An error of another package (an API client's 502, say) that says another try may help. */
class TransientError extends CCFlowError {
  static override readonly code = 'TRANSIENT_TEST';
  override get isRetryable(): boolean {
    return true;
  }
}

const status = (s: number) => new CliExecutionError({ message: `API Error: ${s}`, apiErrorStatus: s });

describe('failure policy', () => {
  it('aborts: AbortedError and anything named AbortError', () => {
    expect(isAbortError(new AbortedError({ message: 'x' }))).toBe(true);
    expect(isAbortError(AbortSignal.abort().reason)).toBe(true);
    expect(isAbortError(new Error('x'))).toBe(false);
    expect(isAbortError(undefined)).toBe(false);
  });

  it('retryable by default: ccflow errors marked retryable, never an abort', () => {
    for (const e of [
      status(429),
      status(529),
      status(500),
      new CliTimeoutError({ message: 't', timeoutMs: 1 }),
      new RateLimitExceededError({ message: 'r' }),
    ]) {
      expect(isRetryableError(e)).toBe(true);
    }
    for (const e of [
      status(400),
      new CliExecutionError({ message: 'crashed', exitCode: 1 }),
      new CliAuthenticationError({ message: '401' }),
      new CircuitBreakerError({ message: 'open', circuit: 'cli' }),
      new AbortedError({ message: 'stop' }),
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
      new CliExecutionError({ message: 'claude exited with code 1 without a result', exitCode: 1 }),
      new CliExecutionError({ message: 'ended', subtype: 'error_during_execution' }),
      new CliTimeoutError({ message: 'slow', timeoutMs: 10 }),
      new TransientError({ message: 'bad gateway' }),
    ]) {
      expect(isCircuitFailure(e), e.message).toBe(true);
    }
    for (const e of [
      status(400),
      status(413),
      new CliExecutionError({ message: 'max turns', subtype: 'error_max_turns' }),
      new CliExecutionError({ message: 'budget', subtype: 'error_max_budget_usd' }),
      new CliAuthenticationError({ message: '401' }),
      new CliNotFoundError({ message: 'no claude' }),
      new ConfigurationError({ field: 'model', problem: 'bad' }),
      new RateLimitExceededError({ message: 'local' }),
      new ConcurrencyLimitExceededError({ message: 'local' }),
      new AbortedError({ message: 'stop' }),
      new TypeError('bug'),
    ]) {
      expect(isCircuitFailure(e), e.message).toBe(false);
    }
  });

  it('retryAfterMs, when usable', () => {
    expect(retryAfterMs(new RateLimitExceededError({ message: 'r', retryAfterMs: 1500 }))).toBe(1500);
    expect(retryAfterMs({ retryAfterMs: -1 })).toBeUndefined();
    expect(retryAfterMs(new Error('x'))).toBeUndefined();
  });
});
