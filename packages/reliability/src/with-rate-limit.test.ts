import { CLI_CAPABILITIES, CliTimeoutError, type ExecuteRequest, type Executor } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { collect } from '../test/collect.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import { RateLimitExceededError } from './errors.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucketRateLimiter } from './token-bucket.ts';
import { withRateLimit } from './with-rate-limit.ts';

const ok = () => [mockLines.init(), mockLines.text('hi'), mockLines.result()];

/** An executor that reports when it starts and waits for `release` before finishing. */
function gated(log: string[]) {
  const gates: (() => void)[] = [];
  const executor: Executor = {
    specificationVersion: 'v1',
    capabilities: CLI_CAPABILITIES,
    async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
      log.push(`start ${request.prompt}`);
      await new Promise<void>((r) => gates.push(r));
      yield* new MockExecutor([ok()]).execute(request);
      log.push(`end ${request.prompt}`);
    },
  };
  return { executor, open: () => gates.shift()?.() };
}

describe('withRateLimit', () => {
  it('an execution starts only with a lease, and holds it until its stream ends', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const log: string[] = [];
    const { executor, open } = gated(log);
    const limited = withRateLimit(executor, limiter);
    const a = collect(limited.execute({ prompt: 'a' }));
    const b = collect(limited.execute({ prompt: 'b' }));
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['start a']);
    expect(limiter.getStats()).toMatchObject({ current: 1, waiting: 1 });
    open();
    await a;
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['start a', 'end a', 'start b']);
    open();
    await b;
    expect(limiter.getStats()).toMatchObject({ current: 0, acquired: 2, waited: 1 });
  });

  it('the lease is released however the stream ends: an error, a consumer leaving, an abort while waiting', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const failing = new MockExecutor([
      { lines: [mockLines.init()], thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 1 }) },
      ok(),
    ]);
    expect((await collect(withRateLimit(failing, limiter).execute({ prompt: 'p' }))).error).toBeInstanceOf(
      CliTimeoutError,
    );
    expect(limiter.active).toBe(0);
    await collect(withRateLimit(failing, limiter).execute({ prompt: 'p' }), (m) => m.type === 'text');
    expect(limiter.active).toBe(0);

    const holder = await limiter.acquire();
    const ac = new AbortController();
    const inner = new MockExecutor([ok()]);
    const waiting = collect(withRateLimit(inner, limiter).execute({ prompt: 'p', signal: ac.signal }));
    ac.abort(new Error('user stop'));
    expect((await waiting).error).toMatchObject({ message: 'user stop' });
    expect(inner.requests).toHaveLength(0);
    holder.release();
    expect(limiter.getStats()).toMatchObject({ current: 0, waiting: 0, aborted: 1 });
  });

  it('a limiter that turns the call away throws its error before any message; the inner never runs', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 1, burst: 1, waitTimeoutMs: 0, clock });
    const inner = new MockExecutor([ok(), ok()]);
    const limited = withRateLimit(inner, limiter);
    expect((await collect(limited.execute({ prompt: 'p' }))).error).toBeUndefined();
    const refused = await collect(limited.execute({ prompt: 'p' }));
    expect(RateLimitExceededError.isInstance(refused.error)).toBe(true);
    expect(refused.messages).toEqual([]);
    expect(inner.requests).toHaveLength(1);
  });

  it('a provider function is read on each call', async () => {
    let limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const limited = withRateLimit(new MockExecutor([ok(), ok()]), () => limiter);
    await collect(limited.execute({ prompt: 'p' }));
    const first = limiter;
    limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    await collect(limited.execute({ prompt: 'p' }));
    expect([first.getStats().acquired, limiter.getStats().acquired]).toEqual([1, 1]);
  });
});
