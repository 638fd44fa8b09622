import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CombinedLimiter } from './combined-limiter.ts';
import { ConcurrencyLimiter } from './concurrency-limiter.ts';
import type { Limiter } from './limiter.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { TokenBucketRateLimiter } from './token-bucket.ts';

/**
 * Properties of the limiters over runs of 10,000 acquisitions in simulated time: random arrival gaps (bursts
 * included), random hold times, and some callers that abort while waiting.
 */

const N = 10_000;
/** A counterexample is 10,000 arrivals long: shrinking it would take minutes and still not be readable. */
const PROPERTY_OPTIONS = { numRuns: 4, endOnFailure: true };
/** The limiters' own floating-point slack is 1 µs. */
const EPS = 1e-3;

interface Arrival {
  gapMs: number;
  holdMs: number;
  /** Aborts this long after arriving (no effect once granted). */
  abortAfterMs: number | undefined;
}

const arrival = (maxGapMs: number): fc.Arbitrary<Arrival> =>
  fc.record({
    // Half the arrivals come at the same instant as the one before: bursts.
    gapMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: maxGapMs })),
    holdMs: fc.integer({ min: 0, max: 3000 }),
    abortAfterMs: fc.option(fc.integer({ min: 0, max: 5000 }), { freq: 10 }),
  });
const arrivals = (maxGapMs: number) => fc.array(arrival(maxGapMs), { minLength: N, maxLength: N });

interface Run {
  /** Grant time per arrival; `undefined` for an arrival that aborted before its grant. */
  grantedAt: (number | undefined)[];
  /** Arrival indices in the order they were granted. */
  order: number[];
  aborted: number;
  maxActive: number;
}

/**
 * Plays the plan. Every arrival is scheduled up front, so one due at the same instant as a limiter's own wake-up
 * comes first: a newcomer then finds a permit free while others wait, and must not take it.
 */
async function simulate(limiter: Limiter, clock: FakeClock, plan: readonly Arrival[]): Promise<Run> {
  const run: Run = { grantedAt: [], order: [], aborted: 0, maxActive: 0 };
  let active = 0;
  const settled: Promise<void>[] = [];
  let at = 0;
  for (const [i, a] of plan.entries()) {
    at += a.gapMs;
    const arrive = async () => {
      await clock.sleep(at);
      const ac = new AbortController();
      if (a.abortAfterMs !== undefined) void clock.sleep(a.abortAfterMs).then(() => ac.abort());
      try {
        const lease = await limiter.acquire({ signal: ac.signal });
        run.grantedAt[i] = clock.now();
        run.order.push(i);
        run.maxActive = Math.max(run.maxActive, ++active);
        void clock.sleep(a.holdMs).then(() => {
          active--;
          lease.release();
        });
      } catch {
        run.aborted++;
      }
    };
    settled.push(arrive());
  }
  await clock.runAll();
  await Promise.all(settled);
  return run;
}

/** No waiter starves: everyone who did not abort was granted, in arrival order. */
function expectServedInOrder(run: Run): void {
  expect(run.order.length + run.aborted).toBe(N);
  for (let k = 1; k < run.order.length; k++) {
    if (run.order[k]! < run.order[k - 1]!) throw new Error(`served out of order at grant ${k}`);
  }
}

const sorted = (run: Run) => run.grantedAt.filter((t): t is number => t !== undefined).sort((a, b) => a - b);

/** At most `burst + rate * d` grants in any span of `d` ms: the bucket, replayed, never goes below empty. */
function expectTokenBucketConforms(times: number[], rate: number, burst: number): void {
  let tokens = burst;
  let last = times[0] ?? 0;
  // The limiter grants up to 1 µs early (timers land a hair before the instant they aim at): at `rate` that is
  // `rate / 1e6` of a token, which an arrival a fraction of a µs before its turn can use.
  const early = rate / 1e6 + 1e-9;
  for (const [k, t] of times.entries()) {
    tokens = Math.min(burst, tokens + ((t - last) * rate) / 1000) - 1;
    last = t;
    if (tokens < -early) throw new Error(`rate exceeded at grant ${k} (t=${t}, ${tokens} tokens)`);
  }
  // The same, read as windows: a few window lengths, every position (two pointers).
  for (const windowMs of [1, 100, 1000, 10_000, 60_000]) {
    const bound = burst + Math.floor((windowMs * rate) / 1000 + 1e-9);
    let i = 0;
    for (let j = 0; j < times.length; j++) {
      while (times[j]! - times[i]! > windowMs + EPS) i++;
      if (j - i + 1 > bound) throw new Error(`${j - i + 1} grants within ${windowMs} ms, at most ${bound}`);
    }
  }
}

/** At most `limit` grants in any window of `windowMs`. */
function expectSlidingWindowConforms(times: number[], limit: number, windowMs: number): void {
  for (let i = 0; i + limit < times.length; i++) {
    if (times[i + limit]! - times[i]! < windowMs - EPS) {
      throw new Error(
        `${limit + 1} grants within ${times[i + limit]! - times[i]!} ms (window ${windowMs} ms)`,
      );
    }
  }
}

describe('limiter properties (10,000 acquisitions a run, fake clock)', { timeout: 90_000 }, () => {
  it('token bucket: the rate is never exceeded over any window, and no waiter starves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 10 }),
        arrivals(400),
        async (rate, burst, plan) => {
          const clock = new FakeClock();
          const run = await simulate(new TokenBucketRateLimiter({ rate, burst, clock }), clock, plan);
          expectServedInOrder(run);
          expectTokenBucketConforms(sorted(run), rate, burst);
        },
      ),
      PROPERTY_OPTIONS,
    );
  });

  it('sliding window: at most its limit in any window, and no waiter starves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 100, max: 5000 }),
        arrivals(300),
        async (limit, windowMs, plan) => {
          const clock = new FakeClock();
          const rate = (limit * 1000) / windowMs;
          const limiter = new SlidingWindowRateLimiter({ rate, windowMs, clock });
          expect(limiter.limit).toBe(limit);
          const run = await simulate(limiter, clock, plan);
          expectServedInOrder(run);
          expectSlidingWindowConforms(sorted(run), limit, windowMs);
        },
      ),
      PROPERTY_OPTIONS,
    );
  });

  it('concurrency: never more than the cap at once, and no waiter starves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 8 }), arrivals(300), async (maxConcurrent, plan) => {
        const clock = new FakeClock();
        const limiter = new ConcurrencyLimiter({ maxConcurrent, clock });
        const run = await simulate(limiter, clock, plan);
        expectServedInOrder(run);
        expect(run.maxActive).toBeLessThanOrEqual(maxConcurrent);
        expect(limiter.getStats()).toMatchObject({ current: 0, waiting: 0, acquired: run.order.length });
      }),
      PROPERTY_OPTIONS,
    );
  });

  it('combined: both limits at once, and no waiter starves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 6 }),
        arrivals(300),
        async (rate, burst, maxConcurrent, plan) => {
          const clock = new FakeClock();
          const limiter = new CombinedLimiter({
            rate,
            burst,
            rateType: 'token_bucket',
            maxConcurrent,
            clock,
          });
          const run = await simulate(limiter, clock, plan);
          expectServedInOrder(run);
          expect(run.maxActive).toBeLessThanOrEqual(maxConcurrent);
          expectTokenBucketConforms(sorted(run), rate, burst);
        },
      ),
      PROPERTY_OPTIONS,
    );
  });
});
