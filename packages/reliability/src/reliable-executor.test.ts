import { EXECUTOR, EXECUTOR_FACTORY, querySimple, runtime } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../test/collect.ts';
import { lines } from '../test/lines.ts';
import { CLI_CIRCUIT_BREAKER, LIMITER } from './defaults.ts';
import { createReliableExecutor } from './reliable-executor.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  runtime.reset(LIMITER);
  runtime.reset(CLI_CIRCUIT_BREAKER);
  runtime.reset(EXECUTOR);
});

const ok = (text = 'hi') => [mockLines.init(), mockLines.text(text), mockLines.result({ result: text })];

describe('the reliable executor', () => {
  it('goes through the process-wide limiter and breaker, read on each call', async () => {
    const inner = new MockExecutor([ok(), ok()]);
    const executor = createReliableExecutor({ inner });
    await collect(executor.execute({ prompt: 'p' }));
    expect(runtime.get(LIMITER).getStats().acquired).toBe(1);
    expect(runtime.get(CLI_CIRCUIT_BREAKER).getStats().totalSuccesses).toBe(1);
    runtime.reset(LIMITER);
    runtime.reset(CLI_CIRCUIT_BREAKER);
    await collect(executor.execute({ prompt: 'p' }));
    expect(runtime.get(LIMITER).getStats().acquired).toBe(1);
    expect(runtime.get(CLI_CIRCUIT_BREAKER).getStats().totalSuccesses).toBe(1);
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
    expect(runtime.get(LIMITER).getStats().acquired).toBe(2);
    expect(runtime.get(CLI_CIRCUIT_BREAKER).getStats()).toMatchObject({
      totalFailures: 1,
      totalSuccesses: 1,
    });
  });

  it('as the process-wide factory, the query functions use it and the process-wide limiter', async () => {
    const inner = new MockExecutor([ok('installed'), ok('after reset')]);
    runtime.set(EXECUTOR_FACTORY, () => createReliableExecutor({ inner }));
    runtime.reset(EXECUTOR);
    expect(await querySimple('p')).toBe('installed');
    expect(runtime.get(LIMITER).getStats().acquired).toBe(1);
    runtime.reset(EXECUTOR);
    expect(await querySimple('p')).toBe('after reset');
    expect(runtime.get(LIMITER).getStats().acquired).toBe(2);
    runtime.reset(EXECUTOR_FACTORY);
    runtime.reset(EXECUTOR);
  });
});
