import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { CombinedLimiter } from './combined-limiter.ts';
import { ConcurrencyLimitExceededError, RateLimitExceededError } from './errors.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucketRateLimiter } from './token-bucket.ts';

describe('CombinedLimiter', () => {
  it('builds a sliding window by default, a token bucket on request, and nothing for an omitted limit', () => {
    expect(new CombinedLimiter({ rate: 1 }).rateLimiter).toBeInstanceOf(SlidingWindowRateLimiter);
    expect(new CombinedLimiter({ rate: 1, rateType: 'token_bucket' }).rateLimiter).toBeInstanceOf(
      TokenBucketRateLimiter,
    );
    const none = new CombinedLimiter();
    expect([none.rateLimiter, none.concurrencyLimiter]).toEqual([undefined, undefined]);
    expect(() => new CombinedLimiter({ rate: 1, rateType: 'leaky' as never })).toThrow(ConfigurationError);
  });

  it('enforces both limits: a slot first, then a permit, so each call starts right after its permit', async () => {
    const clock = new FakeClock();
    const limiter = new CombinedLimiter({
      rate: 1,
      rateType: 'token_bucket',
      burst: 1,
      maxConcurrent: 2,
      clock,
    });
    const starts: number[] = [];
    let active = 0;
    let maxActive = 0;
    const work = () =>
      limiter.run(async () => {
        starts.push(clock.now());
        maxActive = Math.max(maxActive, ++active);
        await clock.sleep(2500);
        active--;
      });
    const all = Promise.all([work(), work(), work(), work()]);
    await clock.runAll();
    await all;
    expect(maxActive).toBe(2);
    // Permits at 0 and 1000; the third caller gets a slot at 2500 and its permit at once, the fourth at 3500.
    expect(starts).toEqual([0, 1000, 2500, 3500]);
    const stats = limiter.getStats();
    expect(stats).toMatchObject({ acquired: 4, waited: 3, current: 0, waiting: 0 });
    expect(stats.rate?.acquired).toBe(4);
    expect(stats.concurrency?.acquired).toBe(4);
  });

  it('waitTimeoutMs bounds both waits together; a failed permit wait gives the slot back', async () => {
    const clock = new FakeClock();
    const limiter = new CombinedLimiter({
      rate: 1,
      rateType: 'token_bucket',
      burst: 1,
      maxConcurrent: 1,
      waitTimeoutMs: 600,
      clock,
    });
    const first = await limiter.acquire();
    const second = limiter.acquire().catch((e: unknown) => e);
    await clock.advance(400);
    first.release(); // slot at 400 ms, permit due at 1000 ms: 200 ms of the budget left
    await clock.advance(200);
    const error = await second;
    expect(RateLimitExceededError.isInstance(error)).toBe(true);
    expect(limiter.concurrencyLimiter?.active).toBe(0);
    expect(limiter.getStats()).toMatchObject({ acquired: 1, rejected: 1 });

    const holding = limiter.acquire({ waitTimeoutMs: 10_000 });
    await clock.advanceTo(1000);
    const holder = await holding;
    const third = limiter.acquire().catch((e: unknown) => e);
    await clock.advance(600);
    expect(ConcurrencyLimitExceededError.isInstance(await third)).toBe(true);
    holder.release();
  });

  it('an abort while waiting for either limit leaves both queues and holds nothing', async () => {
    const clock = new FakeClock();
    const limiter = new CombinedLimiter({
      rate: 1,
      rateType: 'token_bucket',
      burst: 1,
      maxConcurrent: 1,
      clock,
    });
    (await limiter.acquire()).release();
    const ac = new AbortController();
    const waiting = limiter.acquire({ signal: ac.signal }); // has the slot, waits for the permit
    await clock.advance(10);
    expect(limiter.getStats()).toMatchObject({ current: 1, waiting: 1 });
    ac.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(limiter.getStats()).toMatchObject({ current: 0, waiting: 0, aborted: 1 });
  });
});
