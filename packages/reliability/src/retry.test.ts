import { AbortedError, CliExecutionError, CliTimeoutError, ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { RateLimitExceededError, RetryExhaustedError } from './errors.ts';
import { decideRetry, type RetryEvent, type RetryOptions, retryPolicy, retryWithBackoff } from './retry.ts';
import { FakeClock } from './testing/fake-clock.ts';

const overloaded = (n = 0) => new CliExecutionError({ message: `API Error: 529 #${n}`, apiErrorStatus: 529 });

/** Runs `retryWithBackoff` on a fake clock; returns its outcome, the attempts' start times and the retry events. */
async function play<T>(
  outcomes: (() => T)[],
  config: RetryOptions = {},
  signal?: AbortSignal,
): Promise<{ value?: T; error?: unknown; starts: number[]; events: RetryEvent[] }> {
  const clock = new FakeClock();
  const starts: number[] = [];
  const events: RetryEvent[] = [];
  const run = retryWithBackoff(
    async ({ attempt }) => {
      starts.push(clock.now());
      const next = outcomes[attempt - 1];
      if (!next) throw new Error(`no outcome for attempt ${attempt}`);
      return next();
    },
    { clock, onRetry: (e) => events.push(e), ...config },
    { signal },
  ).then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await clock.runAll();
  return { ...(await run), starts, events };
}

const throws = (e: unknown) => () => {
  throw e;
};

describe('retryWithBackoff', () => {
  it('retries retryable errors with exponential backoff and full jitter, then returns the result', async () => {
    const r = await play([throws(overloaded(1)), throws(overloaded(2)), throws(overloaded(3)), () => 'ok'], {
      baseDelayMs: 100,
      random: () => 0.5,
    });
    expect(r.value).toBe('ok');
    // Caps 100, 200, 400: half of each with random() = 0.5.
    expect(r.starts).toEqual([0, 50, 150, 350]);
    expect(r.events.map((e) => [e.retry, e.delayMs])).toEqual([
      [1, 50],
      [2, 100],
      [3, 200],
    ]);
  });

  it('the jitter is uniform in [0, cap]; the cap grows by exponentialBase up to maxDelayMs', () => {
    const policy = (random: number) =>
      retryPolicy({
        baseDelayMs: 1000,
        maxDelayMs: 5000,
        exponentialBase: 3,
        maxRetries: 10,
        random: () => random,
      });
    const delay = (random: number, retry: number) => {
      const d = decideRetry(policy(random), overloaded(), retry);
      return d.kind === 'retry' ? d.delayMs : Number.NaN;
    };
    expect([1, 2, 3, 4].map((n) => delay(0.999999, n))).toEqual(
      [1000, 3000, 5000, 5000].map((c) => c * 0.999999),
    );
    expect(delay(0, 4)).toBe(0);
    const exact = retryPolicy({ baseDelayMs: 10, jitter: false });
    expect(decideRetry(exact, overloaded(), 3)).toEqual({ kind: 'retry', delayMs: 40 });
  });

  it('ends in RetryExhaustedError carrying every attempt’s error, the last as cause', async () => {
    const errors = [overloaded(1), new CliTimeoutError({ message: 'slow', timeoutMs: 5 }), overloaded(3)];
    const r = await play(errors.map(throws), { maxRetries: 2, baseDelayMs: 10 });
    expect(RetryExhaustedError.isInstance(r.error)).toBe(true);
    const error = r.error as RetryExhaustedError;
    expect(error.errors).toEqual(errors);
    expect(error.cause).toBe(errors[2]);
    expect(error.code).toBe('RETRY_EXHAUSTED');
    expect(error.message).toMatch(/gave up retrying \(3 attempts failed\): API Error: 529 #3/);
    expect(r.starts).toHaveLength(3);
  });

  it('only errors marked retryable are retried by default: others are thrown as they are, at once', async () => {
    const auth = new CliExecutionError({ message: 'API Error: 400', apiErrorStatus: 400 });
    const r = await play([throws(overloaded()), throws(auth)], { baseDelayMs: 10 });
    expect(r.error).toBe(auth);
    expect(r.starts).toHaveLength(2);
    const plain = await play([throws(new Error('not ours'))]);
    expect(plain.error).toMatchObject({ message: 'not ours' });
    expect(plain.starts).toHaveLength(1);
  });

  it('retryableErrors: error classes (ccflow ones by code, others by instanceof) or a predicate; never aborts', async () => {
    class Flaky extends Error {}
    const byClass = await play([throws(new Flaky()), throws(overloaded()), () => 'ok'], {
      retryableErrors: [Flaky, CliExecutionError],
      baseDelayMs: 1,
    });
    expect(byClass.value).toBe('ok');
    const notListed = await play([throws(new CliTimeoutError({ message: 't', timeoutMs: 1 }))], {
      retryableErrors: [Flaky],
    });
    expect(notListed.error).toBeInstanceOf(CliTimeoutError);
    const predicate = await play([throws(new AbortedError({ message: 'stop' }))], {
      retryableErrors: () => true,
    });
    expect(predicate.error).toBeInstanceOf(AbortedError);
    expect(predicate.starts).toHaveLength(1);
  });

  it('honours the retryAfterMs an error carries (429), and gives up when it is longer than maxDelayMs', async () => {
    const limited = new RateLimitExceededError({ message: '429', retryAfterMs: 2000 });
    const r = await play([throws(limited), () => 'ok'], { baseDelayMs: 100, random: () => 0.5 });
    expect(r.starts).toEqual([0, 2000]);
    const tooLong = await play(
      [throws(new RateLimitExceededError({ message: '429', retryAfterMs: 60_000 }))],
      { maxDelayMs: 30_000 },
    );
    expect(RetryExhaustedError.isInstance(tooLong.error)).toBe(true);
    expect((tooLong.error as Error).message).toMatch(/retry-after of 60000 ms is more than maxDelayMs/);
    expect(tooLong.starts).toHaveLength(1);
  });

  it('an abort during the backoff ends it with the signal’s reason; no attempt starts after an abort', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    let attempts = 0;
    const run = retryWithBackoff(
      () => {
        attempts++;
        throw overloaded();
      },
      { clock, baseDelayMs: 1000, jitter: false },
      { signal: ac.signal },
    ).catch((e: unknown) => e);
    await clock.advance(500);
    ac.abort(new Error('user stop'));
    expect(await run).toMatchObject({ message: 'user stop' });
    expect(attempts).toBe(1);
    await expect(
      retryWithBackoff(() => 1, {}, { signal: AbortSignal.abort(new Error('early')) }),
    ).rejects.toThrow('early');
  });

  it('maxRetries 0 makes one attempt; defaults are the reference’s (3, 1 s, 30 s, 2)', async () => {
    const r = await play([throws(overloaded())], { maxRetries: 0 });
    expect((r.error as RetryExhaustedError).errors).toHaveLength(1);
    expect(retryPolicy()).toMatchObject({
      maxRetries: 3,
      baseDelayMs: 1000,
      maxDelayMs: 30_000,
      exponentialBase: 2,
    });
    expect(() => retryPolicy({ maxRetries: -1 })).toThrow(ConfigurationError);
    expect(() => retryPolicy({ baseDelayMs: 0 })).toThrow(ConfigurationError);
  });

  it('runs on real time by default', async () => {
    let n = 0;
    const value = await retryWithBackoff(
      () => {
        if (++n < 3) throw overloaded();
        return n;
      },
      { baseDelayMs: 5 },
    );
    expect(value).toBe(3);
  });
});
