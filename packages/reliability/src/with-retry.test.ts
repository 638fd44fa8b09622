import { CliExecutionError, CliTimeoutError, type ExecuteRequest } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { collect, shape } from '../test/collect.ts';
import { lines } from '../test/lines.ts';
import { RateLimitExceededError, RetryExhaustedError } from './errors.ts';
import type { RetryOptions } from './retry.ts';
import { FakeClock } from './testing/fake-clock.ts';
import { isPreamble, withRetry } from './with-retry.ts';

const SESSION = '11111111-2222-4333-8444-555555555555';

/** A retrying executor over scripted runs, on a fake clock that is run to the end. */
async function play(
  runs: ConstructorParameters<typeof MockExecutor>[0],
  config: RetryOptions = {},
  request?: Partial<ExecuteRequest>,
) {
  const clock = new FakeClock();
  const mock = new MockExecutor(runs);
  const delays: number[] = [];
  const executor = withRetry(mock, {
    clock,
    baseDelayMs: 100,
    onRetry: (e) => delays.push(e.delayMs),
    ...config,
  });
  const done = collect(executor.execute({ prompt: 'p', ...request }));
  await clock.runAll();
  return { ...(await done), mock, delays, clock };
}

const ok = (text = 'hello') => [mockLines.init(), mockLines.text(text), mockLines.result({ result: text })];

describe('withRetry: retries only what the caller has not seen', () => {
  it('(a) a failure before any message is retried, and the caller sees one clean run', async () => {
    const r = await play([
      { lines: [], thenThrow: new RateLimitExceededError({ message: 'limiter', retryAfterMs: 0 }) },
      {
        lines: [mockLines.init(), lines.syntheticResult()],
        thenThrow: new CliTimeoutError({ message: 'idle', timeoutMs: 5, kind: 'idle' }),
      },
      ok(),
    ]);
    expect(r.error).toBeUndefined();
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:hello', 'result']);
    expect(r.mock.requests).toHaveLength(3);
  });

  it('(b) a failure after a text message reached the caller is not retried: the error propagates as it is', async () => {
    const timeout = new CliTimeoutError({ message: 'claude did not finish within 5 ms', timeoutMs: 5 });
    const r = await play([
      {
        lines: [mockLines.init(), mockLines.text('partial answer'), lines.syntheticResult()],
        thenThrow: timeout,
      },
      ok(),
    ]);
    expect(r.error).toBe(timeout);
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:partial answer', 'result:error']);
    expect(r.mock.requests).toHaveLength(1);
    expect(r.mock.pending).toBe(1);
  });

  it('(b) the same after a tool call or a streamed event: each commits the attempt', async () => {
    const tool = await play([
      {
        lines: [mockLines.init(), mockLines.toolUse('Bash', { command: 'rm x' }), lines.syntheticResult()],
        thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 5 }),
      },
      ok(),
    ]);
    expect(tool.mock.requests).toHaveLength(1);
    expect(tool.error).toBeInstanceOf(CliTimeoutError);
    const streamed = await play([
      {
        lines: [mockLines.init(), lines.streamEvent(), lines.syntheticResult()],
        thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 5 }),
      },
      ok(),
    ]);
    expect(streamed.mock.requests).toHaveLength(1);
  });

  it('(c) a retryable failed result as the first real message is retried (529 after the CLI’s own retries)', async () => {
    const r = await play([
      [
        mockLines.init(),
        lines.status(),
        lines.apiRetry(1),
        lines.apiRetry(2),
        lines.apiErrorNotice(529),
        lines.apiErrorResult(529),
      ],
      [mockLines.init(), lines.apiErrorNotice(429), lines.apiErrorResult(429)],
      ok('second try'),
    ]);
    expect(r.error).toBeUndefined();
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:second try', 'result']);
    expect(r.mock.requests).toHaveLength(3);
    expect(r.delays).toHaveLength(2);
  });

  it('held preamble is passed on, in order, once the attempt commits', async () => {
    const r = await play([
      [mockLines.init(), lines.status(), lines.apiRetry(1), mockLines.text('hi'), mockLines.result()],
    ]);
    expect(shape(r.messages)).toEqual([
      'system/init',
      'system/status',
      'system/api_retry',
      'assistant',
      'text:hi',
      'result',
    ]);
  });

  it('a failed result that is not retryable (400) ends the stream as the inner one did, nothing retried', async () => {
    const r = await play([[mockLines.init(), lines.apiErrorNotice(400), lines.apiErrorResult(400)], ok()]);
    expect(r.error).toBeUndefined();
    expect(shape(r.messages)).toEqual(['system/init', 'assistant:api-error', 'result:error:400']);
    expect(r.mock.requests).toHaveLength(1);
  });

  it('a thrown error that is not retryable (a crash) is thrown after the held messages', async () => {
    const crash = new CliExecutionError({
      message: 'claude exited with code 1 without a result',
      exitCode: 1,
    });
    const r = await play([{ lines: [mockLines.init(), lines.syntheticResult()], thenThrow: crash }, ok()]);
    expect(r.error).toBe(crash);
    expect(shape(r.messages)).toEqual(['system/init', 'result:error']);
    expect(r.mock.requests).toHaveLength(1);
  });

  it('retries that run out: the last attempt’s messages, then RetryExhaustedError with every attempt’s error', async () => {
    const attempt = () => [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)];
    const r = await play([attempt(), attempt(), attempt()], { maxRetries: 2 });
    expect(shape(r.messages)).toEqual(['system/init', 'assistant:api-error', 'result:error:529']);
    expect(RetryExhaustedError.isInstance(r.error)).toBe(true);
    const errors = (r.error as RetryExhaustedError).errors;
    expect(errors).toHaveLength(3);
    expect(
      errors.every((e) => CliExecutionError.isInstance(e) && (e as CliExecutionError).apiErrorStatus === 529),
    ).toBe(true);
  });

  it('backs off with the RetryOptions (full jitter, exponential)', async () => {
    const fail = { lines: [], thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 1 }) };
    const r = await play([fail, fail, fail, ok()], {
      random: () => 1 - 1e-9,
      jitter: true,
      baseDelayMs: 100,
    });
    expect(r.delays.map(Math.round)).toEqual([100, 200, 400]);
    expect(r.clock.now()).toBeCloseTo(700, 3);
    expect(r.error).toBeUndefined();
  });

  describe('sessions: never a retry that would collide with or repeat what the failed attempt left', () => {
    const failing = () => [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)];

    it('a chosen sessionId is taken once the CLI started: not retried', async () => {
      const r = await play([failing(), ok()], {}, { options: { sessionId: SESSION } });
      expect(r.mock.requests).toHaveLength(1);
      expect(shape(r.messages)).toEqual(['system/init', 'assistant:api-error', 'result:error:529']);
    });

    it('a resumed (or continued) session already holds the prompt: not retried; a fork is', async () => {
      const resumed = await play([failing(), ok()], {}, { options: { resume: SESSION } });
      expect(resumed.mock.requests).toHaveLength(1);
      const continued = await play([failing(), ok()], {}, { options: { continueSession: true } });
      expect(continued.mock.requests).toHaveLength(1);
      const forked = await play([failing(), ok()], {}, { options: { resume: SESSION, forkSession: true } });
      expect(forked.mock.requests).toHaveLength(2);
      expect(forked.error).toBeUndefined();
    });

    it('a failure before the CLI printed init is retried even with a sessionId', async () => {
      const r = await play(
        [{ lines: [], thenThrow: new RateLimitExceededError({ message: 'limiter', retryAfterMs: 0 }) }, ok()],
        {},
        { options: { sessionId: SESSION } },
      );
      expect(r.mock.requests).toHaveLength(2);
      expect(r.error).toBeUndefined();
    });
  });

  it('an abort during the backoff stops it: the last attempt’s messages, then the signal’s reason', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    const mock = new MockExecutor([
      [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)],
      ok(),
    ]);
    const done = collect(
      withRetry(mock, { clock, baseDelayMs: 1000, jitter: false }).execute({
        prompt: 'p',
        signal: ac.signal,
      }),
    );
    await clock.advance(500);
    ac.abort(new Error('user stop'));
    const r = await done;
    expect(r.error).toMatchObject({ message: 'user stop' });
    expect(shape(r.messages)).toEqual(['system/init', 'assistant:api-error', 'result:error:529']);
    expect(mock.requests).toHaveLength(1);
  });

  it('an error after the request’s signal aborted is never retried', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await play(
      [{ lines: [], thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 1 }) }, ok()],
      {},
      { signal: ac.signal },
    );
    expect(r.mock.requests).toHaveLength(1);
    expect(r.error).toBeInstanceOf(CliTimeoutError);
  });

  it('a consumer leaving the loop stops the inner execution', async () => {
    let stopped = false;
    const inner = new MockExecutor([
      async function* () {
        try {
          yield* new MockExecutor([ok()]).execute({ prompt: '' });
        } finally {
          stopped = true;
        }
      },
    ]);
    const r = await collect(withRetry(inner).execute({ prompt: 'p' }), (m) => m.type === 'text');
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:hello']);
    expect(stopped).toBe(true);
  });

  it('isPreamble: init, status, api_retry and the CLI’s API-error notice; nothing with model output', async () => {
    const { messages } = await collect(
      new MockExecutor([
        [
          mockLines.init(),
          lines.status(),
          lines.apiRetry(1),
          lines.apiErrorNotice(),
          mockLines.text('x'),
          mockLines.thinking('y'),
          lines.streamEvent(),
          mockLines.result(),
        ],
      ]).execute({ prompt: '' }),
    );
    expect(messages.filter(isPreamble).map((m) => shape([m])[0])).toEqual([
      'system/init',
      'system/status',
      'system/api_retry',
      'assistant:api-error',
    ]);
  });
});
