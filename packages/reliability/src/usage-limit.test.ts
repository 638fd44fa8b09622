import { CliExecutionError, UsageLimitError } from '@ccflow/core';
import { MessageParser } from '@ccflow/parser';
import { MockExecutor, mockLines, readFixture } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { collect, shape } from '../test/collect.ts';
import { RetryExhaustedError } from './errors.ts';
import { isCircuitFailure } from './failure-policy.ts';
import { MemoryCircuitBreaker } from './memory-circuit-breaker.ts';
import { decideRetry, retryPolicy } from './retry.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { withCircuitBreaker } from './with-circuit-breaker.ts';
import { isPreamble, withRetry } from './with-retry.ts';

/** The real CLI's usage-limit transcript (recorded), its reset moved to `resetsInMs` from now. */
function usageLimitRun(resetsInMs: number): Record<string, unknown>[] {
  const lines = readFixture('usage-limit');
  for (const l of lines)
    if (l.type === 'rate_limit_event')
      (l.rate_limit_info as { resetsAt: number }).resetsAt = Math.ceil((Date.now() + resetsInMs) / 1000);
  return lines;
}
const ok = () => [mockLines.init(), mockLines.text('hi'), mockLines.result()];
const limit = (resetsInMs?: number) =>
  new UsageLimitError({
    message: 'limit',
    apiErrorStatus: 429,
    resetsAt: resetsInMs && Date.now() + resetsInMs,
  });

describe('a usage limit and the retry decorator', () => {
  it('waits until the reset, within maxUsageLimitWaitMs (default maxDelayMs); a later reset ends retries at once', () => {
    const policy = retryPolicy({ jitter: false, baseDelayMs: 100 });
    const soon = decideRetry(policy, limit(10_000), 1);
    expect(soon.kind).toBe('retry');
    expect(soon.kind === 'retry' && soon.delayMs).toBeGreaterThan(9_900);
    expect(decideRetry(policy, limit(3_600_000), 1)).toMatchObject({
      kind: 'exhausted',
      reason: expect.stringContaining('maxUsageLimitWaitMs (30000 ms)'),
    });
    const patient = retryPolicy({ maxUsageLimitWaitMs: 2 * 3_600_000 });
    expect(decideRetry(patient, limit(3_600_000), 1).kind).toBe('retry');
    // A plain 429 keeps maxDelayMs as its bound: the new bound is for usage limits only.
    expect(
      decideRetry(
        patient,
        Object.assign(new CliExecutionError({ message: '429', apiErrorStatus: 429 }), {
          retryAfterMs: 60_000,
        }),
        1,
      ).kind,
    ).toBe('exhausted');
  });

  it('without a known reset it is not retried (the CLI would be refused again at once)', () => {
    expect(decideRetry(retryPolicy(), limit(undefined), 1)).toEqual({ kind: 'rethrow' });
  });

  it('withRetry over the CLI’s usage-limit transcript: the rate_limit_event is held, the retry waits for the reset', async () => {
    const event = usageLimitRun(20_000).find((l) => l.type === 'rate_limit_event');
    expect(new MessageParser().parse(event).map(isPreamble)).toEqual([true]);
    const clock = new FakeClock();
    const delays: number[] = [];
    const mock = new MockExecutor([usageLimitRun(20_000), ok()]);
    const executor = withRetry(mock, { clock, onRetry: (e) => delays.push(e.delayMs) });
    const done = collect(executor.execute({ prompt: 'p' }));
    await clock.runAll();
    const r = await done;
    expect(r.error).toBeUndefined();
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:hi', 'result']);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeGreaterThan(18_000);
    expect(delays[0]).toBeLessThanOrEqual(21_000);
    expect(mock.requests).toHaveLength(2);
  });

  it('withRetry with a reset hours away: one attempt, then RetryExhaustedError with the UsageLimitError as cause', async () => {
    const mock = new MockExecutor([usageLimitRun(3 * 3_600_000), ok()]);
    const r = await collect(withRetry(mock, { clock: new FakeClock() }).execute({ prompt: 'p' }));
    expect(mock.requests).toHaveLength(1);
    expect(RetryExhaustedError.isInstance(r.error)).toBe(true);
    const cause = (r.error as Error).cause as UsageLimitError;
    expect(UsageLimitError.isInstance(cause)).toBe(true);
    expect(cause.resetsAt!.getTime()).toBeGreaterThan(Date.now() + 3 * 3_600_000 - 2_000);
  });
});

describe('a usage limit and the circuit breaker', () => {
  it('is not a failure of the CLI: the circuit stays closed, where a 429 without it would open it', async () => {
    expect(isCircuitFailure(limit(1000))).toBe(false);
    expect(isCircuitFailure(new CliExecutionError({ message: '429', apiErrorStatus: 429 }))).toBe(true);
    const breaker = new MemoryCircuitBreaker({ failureThreshold: 1, clock: new FakeClock() }, 'cli');
    const executor = withCircuitBreaker(
      new MockExecutor([usageLimitRun(1000), usageLimitRun(1000)]),
      breaker,
    );
    for (let i = 0; i < 2; i++) {
      const r = await collect(executor.execute({ prompt: 'p' }));
      expect(r.messages.at(-1)).toMatchObject({
        type: 'result',
        isError: true,
        apiError: 'usage_limit_reached',
      });
    }
    expect(breaker.getStats()).toMatchObject({ state: 'closed', totalFailures: 0 });
  });
});
