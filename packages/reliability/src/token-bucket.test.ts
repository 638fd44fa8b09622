import { CCFlowError, ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { RateLimitExceededError } from './errors.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucketRateLimiter } from './token-bucket.ts';

/** Starts `n` acquisitions at once; returns the time each was granted (in call order), once all are. */
async function grantTimes(limiter: TokenBucketRateLimiter, clock: FakeClock, n: number): Promise<number[]> {
  const times: number[] = [];
  const all = Array.from({ length: n }, (_, i) =>
    limiter.acquire().then((lease) => {
      times[i] = clock.now();
      lease.release();
    }),
  );
  await clock.runAll();
  await Promise.all(all);
  return times;
}

describe('TokenBucketRateLimiter', () => {
  it('grants a burst at once, then one permit every 1000/rate ms', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 2, burst: 3, clock });
    expect(await grantTimes(limiter, clock, 6)).toEqual([0, 0, 0, 500, 1000, 1500]);
    const stats = limiter.getStats();
    expect(stats).toMatchObject({ acquired: 6, waited: 3, totalWaitMs: 3000, maxWaitMs: 1500, waiting: 0 });
    expect(stats.current).toBe(0);
    await clock.advance(750);
    expect(limiter.getStats().current).toBeCloseTo(1.5);
    await clock.advance(10_000);
    expect(limiter.getStats().current).toBe(3);
  });

  it('burst defaults to floor(rate), at least 1', () => {
    expect(new TokenBucketRateLimiter({ rate: 10 }).burst).toBe(10);
    expect(new TokenBucketRateLimiter({ rate: 0.5 }).burst).toBe(1);
  });

  it('a wait over waitTimeoutMs ends in RateLimitExceededError with retryAfterMs, and takes no permit', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 1, burst: 1, waitTimeoutMs: 300, clock });
    (await limiter.acquire()).release();
    const late = limiter.acquire();
    const caught = late.catch((e: unknown) => e);
    await clock.advance(300);
    const error = (await caught) as RateLimitExceededError;
    expect(RateLimitExceededError.isInstance(error)).toBe(true);
    expect(error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(error.isRetryable).toBe(true);
    expect(error.retryAfterMs).toBeCloseTo(700);
    expect(limiter.getStats()).toMatchObject({ acquired: 1, rejected: 1, waiting: 0 });
    // The permit due at 1000 ms is still there for the next caller.
    await clock.advance(700);
    const lease = await limiter.acquire({ waitTimeoutMs: 0 });
    expect(lease.waitedMs).toBe(0);
  });

  it('waitTimeoutMs 0 refuses at once when no permit is free', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 1, waitTimeoutMs: 0, clock });
    await limiter.acquire();
    await expect(limiter.acquire()).rejects.toSatisfy((e) => RateLimitExceededError.isInstance(e));
  });

  it('serves waiters first come, first served; a newcomer never overtakes them', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 1, burst: 1, clock });
    const order: string[] = [];
    await limiter.acquire();
    void limiter.acquire().then(() => order.push('a'));
    void limiter.acquire().then(() => order.push('b'));
    await clock.advance(1000); // one permit: a's
    void limiter.acquire().then(() => order.push('c'));
    await clock.runAll();
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('an aborted waiter leaves the queue with the reason and takes no permit', async () => {
    const clock = new FakeClock();
    const limiter = new TokenBucketRateLimiter({ rate: 1, burst: 1, clock });
    await limiter.acquire();
    const ac = new AbortController();
    const aborted = limiter.acquire({ signal: ac.signal });
    const next = limiter.acquire();
    ac.abort(new Error('user stop'));
    await expect(aborted).rejects.toThrow('user stop');
    await clock.advance(1000);
    expect((await next).waitedMs).toBe(1000);
    expect(limiter.getStats()).toMatchObject({ acquired: 2, aborted: 1, rejected: 0 });
    const already = AbortSignal.abort(new Error('already'));
    await expect(limiter.acquire({ signal: already })).rejects.toThrow('already');
  });

  it('bad options are ConfigurationError', () => {
    for (const options of [{ rate: 0 }, { rate: -1 }, { rate: Number.NaN }, { rate: 1, burst: 1.5 }]) {
      expect(() => new TokenBucketRateLimiter(options)).toThrow(ConfigurationError);
    }
    expect(() => new TokenBucketRateLimiter({ rate: 1, waitTimeoutMs: -1 })).toThrow(CCFlowError);
  });

  it('runs on real time by default', async () => {
    const limiter = new TokenBucketRateLimiter({ rate: 50, burst: 1 });
    const started = performance.now();
    await limiter.acquire();
    await limiter.acquire();
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });
});
