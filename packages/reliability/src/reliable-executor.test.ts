import { getExecutor, querySimple, resetExecutor, setDefaultExecutorFactory } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/core/test';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../test/collect.ts';
import { lines } from '../test/lines.ts';
import { getCliCircuitBreaker, getLimiter, resetCliCircuitBreaker, resetLimiter } from './defaults.ts';
import { createReliableExecutor, installReliableExecutor } from './reliable-executor.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  resetLimiter();
  resetCliCircuitBreaker();
  resetExecutor();
});

const ok = (text = 'hi') => [mockLines.init(), mockLines.text(text), mockLines.result({ result: text })];

describe('the reliable executor', () => {
  it('goes through the process-wide limiter and breaker, read on each call', async () => {
    const inner = new MockExecutor([ok(), ok()]);
    const executor = createReliableExecutor({ inner });
    await collect(executor.execute({ prompt: 'p' }));
    expect(getLimiter().getStats().acquired).toBe(1);
    expect(getCliCircuitBreaker().getStats().totalSuccesses).toBe(1);
    resetLimiter();
    resetCliCircuitBreaker();
    await collect(executor.execute({ prompt: 'p' }));
    expect(getLimiter().getStats().acquired).toBe(1);
    expect(getCliCircuitBreaker().getStats().totalSuccesses).toBe(1);
  });

  it('retries a turn that failed before any output, each attempt through the breaker and the limiter', async () => {
    const inner = new MockExecutor([
      [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)],
      ok('again'),
    ]);
    const executor = createReliableExecutor({ inner, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
    const r = await collect(executor.execute({ prompt: 'p' }));
    expect(r.error).toBeUndefined();
    expect(r.messages.filter((m) => m.type === 'text').map((m) => m.type === 'text' && m.content)).toEqual([
      'again',
    ]);
    expect(getLimiter().getStats().acquired).toBe(2);
    expect(getCliCircuitBreaker().getStats()).toMatchObject({ totalFailures: 1, totalSuccesses: 1 });
  });

  it('installReliableExecutor makes it the process-wide executor the query functions use', async () => {
    const inner = new MockExecutor([ok('installed'), ok('after reset')]);
    installReliableExecutor({ inner });
    expect(await querySimple('p')).toBe('installed');
    expect(getLimiter().getStats().acquired).toBe(1);
    resetExecutor();
    expect(await querySimple('p')).toBe('after reset');
    setDefaultExecutorFactory();
    expect(getExecutor()).not.toBe(undefined);
  });
});
