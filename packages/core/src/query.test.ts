import { MockExecutor, type MockRequest, mockLines } from '@ccflow/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AbortedError,
  CliAuthenticationError,
  CliExecutionError,
  CliTimeoutError,
  ConfigurationError,
} from './errors.ts';
import { batchQuery, query, querySimple, streamToCallback } from './query.ts';

const ok = (text: string, extra: Parameters<typeof mockLines.result>[0] = {}) => [
  mockLines.init(),
  mockLines.text(text),
  mockLines.result({ result: text, ...extra }),
];

describe('query', () => {
  it('streams the executor messages and passes prompt, options, signal and host through', async () => {
    const executor = new MockExecutor([ok('hi')]);
    const signal = new AbortController().signal;
    const host = { onStderr: () => {} };
    const types: string[] = [];
    for await (const m of query('hello', { model: 'opus' }, { executor, signal, host })) types.push(m.type);
    expect(types).toEqual(['system', 'assistant', 'text', 'result']);
    expect(executor.requests[0]).toEqual({ prompt: 'hello', options: { model: 'opus' }, signal, host });
  });
});

describe('querySimple', () => {
  it('is typed string without a JSON schema, unknown with one', () => {
    // Never called: only their types are checked.
    const text = () => querySimple('hi', { model: 'haiku' });
    const structured = () => querySimple('hi', { jsonSchema: { type: 'object' } });
    expectTypeOf(text).returns.toEqualTypeOf<Promise<string>>();
    expectTypeOf(structured).returns.toEqualTypeOf<Promise<unknown>>();
  });

  it('returns the final text, not intermediate text before tool calls', async () => {
    const executor = new MockExecutor([
      [
        mockLines.init(),
        mockLines.text('Let me look.'),
        mockLines.toolUse('Bash', { command: 'ls' }, { id: 't1' }),
        mockLines.toolResult('t1', 'a b'),
        mockLines.text('Two files.'),
        mockLines.result({ result: 'Two files.' }),
      ],
    ]);
    expect(await querySimple('ls?', {}, { executor })).toBe('Two files.');
  });

  it('returns the structured output when a json schema is given', async () => {
    const executor = new MockExecutor([
      [mockLines.init(), mockLines.result({ result: '{"n":4}', structuredOutput: { n: 4 } })],
    ]);
    expect(await querySimple('2+2', { jsonSchema: { type: 'object' } }, { executor })).toEqual({ n: 4 });
  });

  it('throws typed errors for error results: 401 is authentication, others execution', async () => {
    const executor = new MockExecutor([
      [mockLines.init(), mockLines.result({ isError: true, apiErrorStatus: 401, result: 'Invalid API key' })],
      [mockLines.init(), mockLines.result({ isError: true, apiErrorStatus: 529, result: 'Overloaded' })],
      [
        mockLines.init(),
        mockLines.result({ subtype: 'error_max_turns', errors: ['Reached maximum number of turns (1)'] }),
      ],
    ]);
    const auth = (await querySimple('x', {}, { executor }).catch((e) => e)) as Error;
    expect(CliAuthenticationError.isInstance(auth)).toBe(true);
    expect(auth.message).toBe('Invalid API key');
    const overloaded = await querySimple('x', {}, { executor }).catch((e) => e);
    expect(overloaded).toBeInstanceOf(CliExecutionError);
    expect(overloaded).toMatchObject({ apiErrorStatus: 529, isRetryable: true });
    const turns = await querySimple('x', {}, { executor }).catch((e) => e);
    expect(turns).toMatchObject({
      subtype: 'error_max_turns',
      isRetryable: false,
      message: 'Reached maximum number of turns (1)',
    });
  });

  it('no credentials at all (a notice saying authentication_failed, no status) is an authentication error', async () => {
    const notice = {
      ...mockLines.text('Not logged in · Please run /login'),
      error: 'authentication_failed',
      is_api_error_message: true,
    };
    const executor = new MockExecutor([
      [
        mockLines.init(),
        notice,
        mockLines.result({ isError: true, result: 'Not logged in · Please run /login' }),
      ],
    ]);
    const error = (await querySimple('x', {}, { executor }).catch((e) => e)) as Error;
    expect(error).toBeInstanceOf(CliAuthenticationError);
    expect(error.message).toBe('Not logged in · Please run /login');
  });

  it('rethrows the executor error when the CLI gave no result', async () => {
    const timeout = new CliTimeoutError({ message: 'timed out', timeoutMs: 100, kind: 'idle' });
    const executor = new MockExecutor([{ lines: [mockLines.init()], thenThrow: timeout }]);
    await expect(querySimple('x', {}, { executor })).rejects.toBe(timeout);
  });
});

describe('streamToCallback', () => {
  it('calls back with every message in order and resolves with usage, cost and session', async () => {
    const executor = new MockExecutor([
      ok('done', {
        inputTokens: 100,
        outputTokens: 20,
        cacheReadTokens: 7,
        cacheWriteTokens: 3,
        thinkingTokens: 5,
        costUsd: 0.25,
        numTurns: 2,
      }),
    ]);
    const seen: string[] = [];
    const r = await streamToCallback(
      'p',
      async (m) => {
        seen.push(m.type);
      },
      {},
      { executor },
    );
    expect(seen).toEqual(['system', 'assistant', 'text', 'result']);
    expect(r).toMatchObject({
      text: 'done',
      sessionId: expect.any(String),
      usage: {
        inputTokens: 100,
        outputTokens: 20,
        cacheReadTokens: 7,
        cacheWriteTokens: 3,
        thinkingTokens: 5,
      },
      totalTokens: 120,
      costUsd: 0.25,
      numTurns: 2,
      isError: false,
      error: undefined,
    });
  });

  it('an aborted query is a failed result with an AbortedError, not a rejection', async () => {
    const controller = new AbortController();
    const executor = new MockExecutor([{ lines: ok('slow'), delayMs: 20 }]);
    const r = await streamToCallback(
      'p',
      () => controller.abort(),
      {},
      { executor, signal: controller.signal },
    );
    expect(r.isError).toBe(true);
    expect(AbortedError.isInstance(r.error)).toBe(true);
  });
});

describe('batchQuery', () => {
  it('keeps input order, bounds concurrency, and turns one failure into one failed result', async () => {
    let running = 0;
    let peak = 0;
    const executor = new MockExecutor(
      Array.from(
        { length: 7 },
        (_, i) =>
          async function* (req: MockRequest) {
            running++;
            peak = Math.max(peak, running);
            await new Promise((r) => setTimeout(r, 30 - i * 3));
            running--;
            if (req.prompt === 'p3') throw new CliExecutionError({ message: 'boom', exitCode: 1 });
            yield* new MockExecutor([ok(`answer ${String(req.prompt)}`)]).execute({ prompt: req.prompt });
          },
      ),
    );
    const prompts = Array.from({ length: 7 }, (_, i) => `p${i}`);
    const results = await batchQuery(prompts, {}, { executor, concurrency: 3 });
    expect(peak).toBe(3);
    expect(results.map((r) => r.text)).toEqual([
      'answer p0',
      'answer p1',
      'answer p2',
      '',
      'answer p4',
      'answer p5',
      'answer p6',
    ]);
    expect(results[3]).toMatchObject({ isError: true, error: expect.any(CliExecutionError) });
    expect(results.filter((r) => r.isError)).toHaveLength(1);
  });

  it('refuses a bad concurrency with a ConfigurationError', async () => {
    await expect(
      batchQuery(['a'], {}, { executor: new MockExecutor(), concurrency: 0 }),
    ).rejects.toBeInstanceOf(ConfigurationError);
    expect(await batchQuery([], {}, { executor: new MockExecutor() })).toEqual([]);
  });
});
