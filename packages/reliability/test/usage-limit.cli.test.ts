import { CliExecutor, UsageLimitError } from '@ccflow/core';
import { GATEWAY_ENV, reply, usageLimitReply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, expect, it } from 'vitest';
import { RetryExhaustedError } from '../src/errors.ts';
import { MemoryCircuitBreaker } from '../src/memory-circuit-breaker.ts';
import { withCircuitBreaker } from '../src/with-circuit-breaker.ts';
import { withRetry } from '../src/with-retry.ts';
import { collect, shape } from './collect.ts';

// A usage limit the real CLI reports (as a gateway client, the only way without an account), through the retry
// decorator and the circuit breaker. Three CLI runs.

const sandbox = useClaudeSandbox();
let cli: CliExecutor;

beforeAll(() => {
  cli = new CliExecutor({
    ...sandbox.executorOptions,
    env: { ...sandbox.executorOptions.env, ...GATEWAY_ENV },
  });
});

it('a reset seconds away: the retry waits for it, then the turn succeeds; the breaker counts no failure', async () => {
  const resetsAt = (Math.floor(Date.now() / 1000) + 3) * 1000;
  let retriedAt = 0;
  sandbox.api.enqueue(usageLimitReply(resetsAt), () => {
    retriedAt = Date.now();
    return reply.text('After the reset.');
  });
  const breaker = new MemoryCircuitBreaker({ failureThreshold: 1 }, 'cli');
  const retryDelays: number[] = [];
  const executor = withRetry(withCircuitBreaker(cli, breaker), {
    maxRetries: 1,
    onRetry: (e) => retryDelays.push(e.delayMs),
  });
  const r = await collect(executor.execute({ prompt: 'hi' }));
  expect(r.error).toBeUndefined();
  // The failed attempt is gone; the CLI of the second reports the limit lifted.
  expect(shape(r.messages)).toEqual([
    'system/init',
    'assistant',
    'text:After the reset.',
    'rate_limit_event',
    'result',
  ]);
  expect(r.messages.find((m) => m.type === 'rate_limit_event')).toMatchObject({ status: 'allowed' });
  expect(sandbox.api.messageRequests).toHaveLength(2);
  expect(retryDelays).toHaveLength(1);
  // The second request went out once the limit had reset, not after the default backoff of about a second.
  expect(retriedAt).toBeGreaterThanOrEqual(resetsAt);
  expect(breaker.getStats()).toMatchObject({ state: 'closed', totalFailures: 0 });
});

it('a reset hours away: no retry against it (one request), RetryExhaustedError caused by UsageLimitError', async () => {
  const resetsAt = (Math.floor(Date.now() / 1000) + 5 * 3600) * 1000;
  sandbox.api.enqueue(usageLimitReply(resetsAt), reply.text('never'));
  const r = await collect(withRetry(cli, { maxRetries: 3 }).execute({ prompt: 'hi' }));
  expect(sandbox.api.messageRequests).toHaveLength(1);
  expect(RetryExhaustedError.isInstance(r.error)).toBe(true);
  const cause = (r.error as Error).cause as UsageLimitError;
  expect(UsageLimitError.isInstance(cause)).toBe(true);
  expect(cause.resetsAt?.getTime()).toBe(resetsAt);
  // The caller still sees what the CLI said: the notice and the failed result (held, then given back).
  expect(r.messages.at(-1)).toMatchObject({ type: 'result', isError: true, apiError: 'usage_limit_reached' });
});
