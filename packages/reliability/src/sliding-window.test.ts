import { ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { RateLimitExceededError } from './errors.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';
import { FakeClock } from './testing/fake-clock.ts';

describe('SlidingWindowRateLimiter', () => {
  it('holds floor(rate * window) permits per window; the next one when the oldest leaves the window', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ rate: 0.05, windowMs: 60_000, clock }); // 3 a minute
    expect(limiter.limit).toBe(3);
    const times: number[] = [];
    await limiter.acquire();
    await clock.advance(10_000);
    await limiter.acquire();
    await limiter.acquire();
    expect(limiter.getStats().current).toBe(3);
    for (let i = 0; i < 3; i++) void limiter.acquire().then(() => times.push(clock.now()));
    await clock.runAll();
    // The first leaves the window at 60 s, the two at 10 s leave at 70 s; then the new ones, a minute later.
    expect(times).toEqual([60_000, 70_000, 70_000]);
    expect(limiter.getStats()).toMatchObject({ acquired: 6, waited: 3, maxWaitMs: 60_000, current: 3 });
    await clock.advanceTo(125_000); // the grant at 60 s has left the window, those at 70 s have not
    expect(limiter.getStats().current).toBe(2);
  });

  it('defaults to a one-minute window', () => {
    const limiter = new SlidingWindowRateLimiter({ rate: 1 });
    expect([limiter.windowMs, limiter.limit]).toEqual([60_000, 60]);
    expect(new SlidingWindowRateLimiter({ rate: 0.1, windowMs: 30_000 }).limit).toBe(3);
  });

  it('a window too short for one whole permit is a ConfigurationError that says what would do', () => {
    expect(() => new SlidingWindowRateLimiter({ rate: 0.5, windowMs: 1000 })).toThrow(/at least 2000 ms/);
    expect(() => new SlidingWindowRateLimiter({ rate: 1, windowMs: 0 })).toThrow(ConfigurationError);
  });

  it('a wait over waitTimeoutMs ends in RateLimitExceededError with retryAfterMs', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ rate: 1, windowMs: 1000, waitTimeoutMs: 100, clock });
    await limiter.acquire();
    const caught = limiter.acquire().catch((e: unknown) => e);
    await clock.advance(100);
    const error = (await caught) as RateLimitExceededError;
    expect(RateLimitExceededError.isInstance(error)).toBe(true);
    expect(error.retryAfterMs).toBeCloseTo(900);
    expect(error.message).toMatch(/1 per 1000 ms/);
  });

  it('an aborted waiter leaves the queue and takes no permit: the one behind it gets it', async () => {
    const clock = new FakeClock();
    const limiter = new SlidingWindowRateLimiter({ rate: 1, windowMs: 1000, clock });
    await limiter.acquire();
    const ac = new AbortController();
    const first = limiter.acquire({ signal: ac.signal });
    const second = limiter.acquire();
    ac.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    await clock.advance(1000);
    expect((await second).waitedMs).toBe(1000);
    expect(limiter.getStats()).toMatchObject({ acquired: 2, aborted: 1, current: 1 });
  });
});
