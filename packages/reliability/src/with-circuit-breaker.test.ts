import { CliExecutionError, CliTimeoutError } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { collect } from '../test/collect.ts';
import { lines } from '../test/lines.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { CircuitBreakerError } from './errors.ts';
import { MemoryCircuitBreaker } from './memory-circuit-breaker.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { withCircuitBreaker } from './with-circuit-breaker.ts';

const ok = () => [mockLines.init(), mockLines.text('hi'), mockLines.result()];
const overloaded = () => [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)];

function setup(threshold = 2) {
  const clock = new FakeClock();
  const breaker = new MemoryCircuitBreaker(
    { failureThreshold: threshold, successThreshold: 1, resetTimeoutMs: 1000, clock },
    'cli',
  );
  const inner = new MockExecutor();
  return { clock, breaker, inner, executor: withCircuitBreaker(inner, breaker) };
}

describe('withCircuitBreaker', () => {
  it('failed results from the CLI (529) are failures; once open, calls fail before any message', async () => {
    const { breaker, inner, executor } = setup();
    inner.enqueue(overloaded(), overloaded(), ok());
    for (let i = 0; i < 2; i++) {
      const r = await collect(executor.execute({ prompt: 'p' }));
      expect(r.error).toBeUndefined(); // the stream itself is passed on as it was
      expect(r.messages.at(-1)).toMatchObject({ type: 'result', isError: true, apiErrorStatus: 529 });
    }
    expect(breaker.state).toBe('open');
    const refused = await collect(executor.execute({ prompt: 'p' }));
    expect(CircuitBreakerError.isInstance(refused.error)).toBe(true);
    expect(refused.messages).toEqual([]);
    expect(inner.requests).toHaveLength(2);
  });

  it('takes any CircuitBreaker, one whose calls are async (as a shared one is) included', async () => {
    const local = setup(1).breaker;
    // A stand-in for a breaker kept elsewhere: every call answers later.
    const remote: CircuitBreaker = {
      name: 'shared',
      call: async () => local.call(),
      run: (fn, options) => local.run(fn, options),
      getStats: async () => local.getStats(),
      reset: async () => local.reset(),
    };
    const inner = new MockExecutor([overloaded(), ok()]);
    const executor = withCircuitBreaker(inner, remote);
    await collect(executor.execute({ prompt: 'p' }));
    expect((await remote.getStats()).state).toBe('open');
    const refused = await collect(executor.execute({ prompt: 'p' }));
    expect(CircuitBreakerError.isInstance(refused.error)).toBe(true);
    expect(inner.requests).toHaveLength(1);
  });

  it('a thrown error after ccflow’s synthetic result counts once, by the thrown error', async () => {
    const { breaker, inner, executor } = setup(1);
    inner.enqueue({
      lines: [mockLines.init(), lines.syntheticResult()],
      thenThrow: new CliTimeoutError({ message: 'slow', timeoutMs: 5 }),
    });
    const r = await collect(executor.execute({ prompt: 'p' }));
    expect(r.error).toBeInstanceOf(CliTimeoutError);
    expect(breaker.getStats()).toMatchObject({ state: 'open', totalFailures: 1 });
    expect(breaker.getStats().lastFailure).toBeInstanceOf(CliTimeoutError);
  });

  it('a successful result is a success as it arrives: a consumer may stop at the result and still heal the circuit', async () => {
    const { breaker, clock, inner, executor } = setup(1);
    inner.enqueue(overloaded(), ok());
    await collect(executor.execute({ prompt: 'p' }));
    await clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    await collect(executor.execute({ prompt: 'p' }), (m) => m.type === 'result');
    expect(breaker.state).toBe('closed');
  });

  it('an abort, a consumer leaving before the result, and errors that are not failures count for nothing', async () => {
    const { breaker, inner, executor } = setup(1);
    const ac = new AbortController();
    ac.abort();
    inner.enqueue(ok(), ok(), [mockLines.init(), lines.apiErrorNotice(400), lines.apiErrorResult(400)], {
      lines: [mockLines.init(), lines.syntheticResult()],
      thenThrow: new CliExecutionError({ message: 'max turns', subtype: 'error_max_turns' }),
    });
    expect((await collect(executor.execute({ prompt: 'p', signal: ac.signal }))).error).toMatchObject({
      name: 'AbortError',
    });
    await collect(executor.execute({ prompt: 'p' }), (m) => m.type === 'text');
    await collect(executor.execute({ prompt: 'p' }));
    await collect(executor.execute({ prompt: 'p' }));
    expect(breaker.getStats()).toMatchObject({ state: 'closed', totalFailures: 0, totalIgnored: 4 });
  });
});
