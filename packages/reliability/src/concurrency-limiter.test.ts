import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import { ConcurrencyLimitExceededError } from './errors.ts';
import { FakeClock } from './testing/fake-clock.ts';

describe('ConcurrencyLimiter', () => {
  it('holds at most maxConcurrent leases; a release hands the slot to the first waiter', async () => {
    const clock = new FakeClock();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 2, clock });
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((l) => {
      order.push('c');
      return l;
    });
    const d = limiter.acquire().then((l) => {
      order.push('d');
      return l;
    });
    expect(limiter.getStats()).toMatchObject({ current: 2, waiting: 2 });
    await clock.advance(40);
    a.release();
    a.release(); // a second release does nothing
    const cLease = await c;
    expect(cLease.waitedMs).toBe(40);
    expect(order).toEqual(['c']);
    expect(limiter.getStats()).toMatchObject({ current: 2, waiting: 1 });
    b.release();
    await d;
    expect(order).toEqual(['c', 'd']);
    expect(limiter.getStats()).toMatchObject({ acquired: 4, waited: 2, totalWaitMs: 80, maxWaitMs: 40 });
  });

  it('`using` releases at the end of the block, also when it throws', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    {
      using lease = await limiter.acquire();
      expect(lease.waitedMs).toBe(0);
      expect(limiter.active).toBe(1);
    }
    expect(limiter.active).toBe(0);
    const fails = async () => {
      using _lease = await limiter.acquire();
      throw new Error('boom');
    };
    await expect(fails()).rejects.toThrow('boom');
    expect(limiter.active).toBe(0);
  });

  it('run() holds a lease for fn and releases it however fn ends', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    expect(await limiter.run(() => limiter.active)).toBe(1);
    await expect(limiter.run(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(limiter.active).toBe(0);
    const ac = new AbortController();
    const holder = await limiter.acquire();
    const waiting = limiter.run(() => 'never', { signal: ac.signal });
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    holder.release();
    expect(limiter.getStats()).toMatchObject({ current: 0, waiting: 0, aborted: 1 });
  });

  it('an aborted waiter takes no slot: the slot goes to the next waiter', async () => {
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1 });
    const holder = await limiter.acquire();
    const ac = new AbortController();
    const aborted = limiter.acquire({ signal: ac.signal });
    const next = limiter.acquire();
    ac.abort();
    await expect(aborted).rejects.toMatchObject({ name: 'AbortError' });
    holder.release();
    (await next).release();
    expect(limiter.getStats()).toMatchObject({ acquired: 2, aborted: 1, current: 0 });
  });

  it('a wait over waitTimeoutMs ends in ConcurrencyLimitExceededError', async () => {
    const clock = new FakeClock();
    const limiter = new ConcurrencyLimiter({ maxConcurrent: 1, waitTimeoutMs: 50, clock });
    await limiter.acquire();
    const caught = limiter.acquire().catch((e: unknown) => e);
    await clock.advance(50);
    const error = await caught;
    expect(ConcurrencyLimitExceededError.isInstance(error)).toBe(true);
    expect((error as ConcurrencyLimitExceededError).isRetryable).toBe(true);
    expect(limiter.getStats()).toMatchObject({ rejected: 1, waiting: 0 });
  });
});
