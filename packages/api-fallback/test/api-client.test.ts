import { inspect } from 'node:util';
import {
  type CliAgentOptions,
  CliAgentOptionsSchema,
  ConfigurationError,
  collectQueryResult,
  type ExecuteRequest,
  resolveOptions,
} from '@ccflow/core';
import { preparePrompt } from '@ccflow/core/internal';
import { type Message, parseTranscript, type ResultMessage } from '@ccflow/parser';
import { calculateCost, DEFAULT_PRICE_TABLE } from '@ccflow/pricing';
import { isCircuitFailure, isRetryableError } from '@ccflow/reliability';
import { MessagesApiStandIn, type Reply, readFixture, reply } from '@ccflow/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  API_OPTION_SUPPORT,
  APIAuthenticationError,
  APIClient,
  type APIClientConfig,
  APIClientError,
  APINotAvailableError,
  APIOverloadedError,
  APIRateLimitError,
  APITimeoutError,
} from '../src/index.ts';

const KEY = 'sk-ant-api-fallback-test-key-0123456789';

let api: MessagesApiStandIn;
beforeAll(async () => {
  api = await MessagesApiStandIn.start();
});
afterAll(async () => {
  await api.close();
});
beforeEach(() => api.reset());

function client(config: APIClientConfig = {}): APIClient {
  return new APIClient({ apiKey: KEY, baseUrl: api.url, maxRetries: 0, ...config });
}

async function run(c: APIClient, request: ExecuteRequest): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of c.execute(request)) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

function resultOf(messages: Message[]): ResultMessage {
  const last = messages.at(-1);
  if (last?.type !== 'result') throw new Error(`no result: ${JSON.stringify(last)}`);
  return last;
}

/** The block-level views and the assistant lines' blocks: what a consumer reads for the answer. */
function answerShape(messages: Message[]): unknown[] {
  return messages.flatMap((m): unknown[] => {
    switch (m.type) {
      case 'text':
      case 'thinking':
        return [{ type: m.type, content: m.content, partial: m.partial }];
      case 'stop':
        return [{ type: 'stop', stopReason: m.stopReason }];
      case 'assistant':
        return [{ type: 'assistant', content: m.content }];
      case 'result':
        return [{ type: 'result', result: m.result, isError: m.isError, subtype: m.subtype }];
      default:
        return [];
    }
  });
}

describe('the one conversion: the same messages the CLI path yields', () => {
  // The fixtures are what the pinned CLI printed for these very replies (packages/testing/scripts/scenarios.ts).
  it.each([
    ['text-partial', true, reply.text('Hello from the stand-in, streamed in small pieces. ✓ 🚀')],
    [
      'thinking-partial',
      true,
      reply.thinking('Let me think about 2+2 carefully. It is 4.', 'The answer is 4.'),
    ],
    ['thinking', false, reply.thinking('Let me think about 2+2. It is 4.', 'The answer is 4.')],
  ] as const)(
    '%s: views, assistant blocks and result as the CLI printed them',
    async (fixture, includePartial, r) => {
      api.enqueue(r);
      const { messages, error } = await run(client(), { prompt: 'hi', options: { includePartial } });
      expect(error).toBeUndefined();
      const cli = parseTranscript(
        readFixture(fixture)
          .map((l) => `${JSON.stringify(l)}\n`)
          .join(''),
      );
      expect(answerShape(messages)).toEqual(answerShape(cli));
      expect(messages[0]).toMatchObject({ type: 'system', subtype: 'init', tools: [], mcpServers: [] });
      expect(
        messages.every(
          (m) => !('raw' in m) || (m.raw as { ccflow_served_by?: string }).ccflow_served_by === 'api',
        ),
      ).toBe(true);
      // Streamed: the SDK asked for SSE and got it.
      expect(api.messageRequests[0]?.body.stream).toBe(true);
    },
  );

  it('a result with the usage the API reported and the cost @ccflow/pricing gives for it', async () => {
    const usage = {
      input_tokens: 1234,
      output_tokens: 567,
      cache_read_input_tokens: 2000,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    };
    api.enqueue(reply.text('priced', { usage }));
    const c = client();
    const { messages } = await run(c, { prompt: 'hi', options: { model: 'opus' } });
    const result = resultOf(messages);
    expect(result.usage).toEqual({
      inputTokens: 1234,
      outputTokens: 567,
      cacheReadInputTokens: 2000,
      cacheCreationInputTokens: 300,
      thinkingTokens: 0,
    });
    const expected = calculateCost('claude-opus-5-5', 1234, 567, {
      cacheReadTokens: 2000,
      cacheWriteTokens: 300,
      cacheWrite1hTokens: 200,
    });
    expect(expected).toBeGreaterThan(0);
    expect(result.turnCostUsd).toBe(expected);
    expect(result.totalCostUsd).toBe(expected);
    expect(result.raw.ccflow_served_by).toBe('api');
    // What the query functions make of it.
    api.enqueue(reply.text('priced', { usage }));
    const q = await collectQueryResult(c.execute({ prompt: 'hi', options: { model: 'opus' } }));
    expect(q).toMatchObject({ text: 'priced', costUsd: expected, isError: false, error: undefined });
  });

  it('not streamed (stream: false): the same messages from one JSON response', async () => {
    api.enqueue(reply.thinking('Let me think about 2+2. It is 4.', 'The answer is 4.'));
    const { messages, error } = await run(client({ stream: false }), { prompt: 'hi' });
    expect(error).toBeUndefined();
    expect(api.messageRequests[0]?.body.stream).not.toBe(true);
    const cli = parseTranscript(
      readFixture('thinking')
        .map((l) => `${JSON.stringify(l)}\n`)
        .join(''),
    );
    expect(answerShape(messages)).toEqual(answerShape(cli));
    expect(resultOf(messages).usage.outputTokens).toBeGreaterThan(0);
  });
});

describe('options', () => {
  it('maps model aliases, system prompts, max tokens, effort, betas and context as the CLI path does', async () => {
    api.enqueue(reply.text('ok'));
    const options: CliAgentOptions = {
      model: 'haiku',
      systemPrompt: 'You are terse.',
      appendSystemPrompt: 'Answer in French.',
      maxTokens: 321,
      effort: 'high',
      betas: ['a-beta-2026-01-01'],
      context: { city: 'Lyon', rows: [{ a: 1 }, { a: 2 }] },
      // Options of the CLI process only: ignored, the request is served.
      cwd: '/nowhere',
      permissionMode: 'plan',
      tools: [],
      env: { X: '1' },
    };
    const { messages, error } = await run(client(), { prompt: 'Where?', options });
    expect(error).toBeUndefined();
    const [sent] = api.messageRequests;
    const { prompt } = preparePrompt('Where?', resolveOptions(options), true);
    expect(sent?.body).toMatchObject({
      model: 'claude-haiku-5-5',
      system: 'You are terse.\n\nAnswer in French.',
      max_tokens: 321,
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      messages: [{ role: 'user', content: prompt }],
    });
    expect(prompt).toContain('Lyon');
    expect(sent?.headers['anthropic-beta']).toBe('a-beta-2026-01-01');
    expect(messages[0]).toMatchObject({ type: 'system', subtype: 'init', model: 'claude-haiku-5-5' });
  });

  it('a model id is sent as it is; ultrathink asks for xhigh effort; defaults come from the config', async () => {
    api.enqueue(reply.text('a'), reply.text('b'));
    await run(client(), { prompt: 'x', options: { model: 'claude-sonnet-4-5-20250929', ultrathink: true } });
    await run(client({ defaultModel: 'fable', maxTokens: 77 }), { prompt: 'x' });
    const [first, second] = api.messageRequests;
    expect(first?.body).toMatchObject({
      model: 'claude-sonnet-4-5-20250929',
      output_config: { effort: 'xhigh' },
    });
    expect(second?.body).toMatchObject({ model: DEFAULT_PRICE_TABLE.resolve('fable')?.id, max_tokens: 77 });
    expect(second?.body.output_config).toBeUndefined();
    expect(second?.body.thinking).toBeUndefined();
  });

  it('jsonSchema asks for structured output; the answer is the result’s structuredOutput', async () => {
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    api.enqueue(reply.text('{"answer": 4}'), reply.text('four'));
    const { messages } = await run(client(), {
      prompt: '2+2?',
      options: { jsonSchema: JSON.stringify(schema) },
    });
    expect(api.messageRequests[0]?.body.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(resultOf(messages)).toMatchObject({ isError: false, structuredOutput: { answer: 4 } });
    const q = await collectQueryResult(client().execute({ prompt: '2+2?', options: { jsonSchema: schema } }));
    expect(q.isError).toBe(true);
    expect(q.error?.message).toMatch(/not JSON/);
  });

  it('refuses, naming it, every option the API path cannot honour, before anything is sent', async () => {
    const refused: [CliAgentOptions, string][] = [
      [{ allowedTools: ['Bash'] }, 'allowedTools'],
      [{ tools: ['Read'] }, 'tools'],
      [{ mcpServers: { db: { command: 'db-server' } } }, 'mcpServers'],
      [{ agent: 'reviewer' }, 'agent'],
      [{ resume: 'f0e1d2c3-0000-4000-8000-000000000000' }, 'resume'],
      [{ continueSession: true }, 'continueSession'],
      [{ maxBudgetUsd: 1 }, 'maxBudgetUsd'],
      [{ settingSources: ['project'] }, 'settingSources'],
      [{ extraArgs: ['--foo'] }, 'extraArgs'],
      [{ addDirs: ['/tmp'] }, 'addDirs'],
    ];
    for (const [options, field] of refused) {
      const { messages, error } = await run(client(), { prompt: 'x', options });
      expect(messages).toEqual([]);
      expect(ConfigurationError.isInstance(error) && error.field).toBe(field);
    }
    expect(api.requests).toEqual([]);
  });

  it('says what it does with every option ccflow has', () => {
    expect(Object.keys(API_OPTION_SUPPORT).sort()).toEqual(Object.keys(CliAgentOptionsSchema.shape).sort());
  });
});

describe('errors, from the real SDK against the stand-in', () => {
  async function failure(r: Reply): Promise<{ messages: Message[]; error: unknown }> {
    api.enqueue(r);
    return run(client(), { prompt: 'x' });
  }

  it('429: APIRateLimitError with retryAfterMs, retryable, a breaker failure; no message before it', async () => {
    const { messages, error } = await failure(reply.rateLimited(7));
    expect(messages).toEqual([]);
    expect(APIRateLimitError.isInstance(error)).toBe(true);
    const e = error as APIRateLimitError;
    expect(e).toMatchObject({ code: 'API_RATE_LIMIT', status: 429, retryAfterMs: 7000, requestId: 'req_1' });
    expect(APIClientError.isInstance(e)).toBe(true);
    expect([isRetryableError(e), isCircuitFailure(e)]).toEqual([true, true]);
  });

  it('529: APIOverloadedError, retryable, a breaker failure', async () => {
    const { messages, error } = await failure(reply.overloaded());
    expect(messages).toEqual([]);
    expect(APIOverloadedError.isInstance(error) && error.status).toBe(529);
    expect([isRetryableError(error), isCircuitFailure(error)]).toEqual([true, true]);
  });

  it('401: APIAuthenticationError, neither retryable nor a breaker failure; the key is in no message', async () => {
    const { error } = await failure(reply.error(401, { message: 'invalid x-api-key' }));
    expect(APIAuthenticationError.isInstance(error) && error.status).toBe(401);
    expect([isRetryableError(error), isCircuitFailure(error)]).toEqual([false, false]);
    expect(inspect(error, { depth: 5 })).not.toContain(KEY);
    expect(inspect(client(), { depth: 5 })).not.toContain(KEY);
    expect(JSON.stringify(client())).not.toContain(KEY);
  });

  it('400: an APIClientError that is the request’s fault: neither retryable nor a breaker failure', async () => {
    const { error } = await failure(reply.error(400, { message: 'bad' }));
    expect(APIClientError.isInstance(error) && (error as APIClientError).code).toBe('API_CLIENT_ERROR');
    expect([isRetryableError(error), isCircuitFailure(error)]).toEqual([false, false]);
  });

  it('a stream cut mid-way: init, what came, a synthetic failed result, then a retryable APIClientError', async () => {
    const { messages, error } = await failure(
      reply.text('a long answer that will not arrive whole', { cutAfterEvents: 4, deltaSize: 4 }),
    );
    expect(messages[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expect(resultOf(messages)).toMatchObject({
      isError: true,
      raw: { ccflow_synthetic: true, ccflow_served_by: 'api' },
    });
    expect(APIClientError.isInstance(error) && (error as APIClientError).status).toBe(null);
    expect(isRetryableError(error)).toBe(true);
  });

  it('abort mid-stream: a synthetic failed result, then the signal’s reason; the request is cancelled', async () => {
    api.enqueue(reply.text('x'.repeat(400), { deltaSize: 4, eventDelayMs: 5 }));
    const controller = new AbortController();
    const reason = new Error('caller stopped');
    const messages: Message[] = [];
    let error: unknown;
    try {
      for await (const m of client().execute({
        prompt: 'x',
        signal: controller.signal,
        options: { includePartial: true },
      })) {
        messages.push(m);
        if (messages.filter((n) => n.type === 'text').length === 3) controller.abort(reason);
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBe(reason);
    expect(messages.filter((m) => m.type === 'text')).toHaveLength(3);
    expect(resultOf(messages)).toMatchObject({ isError: true, raw: { ccflow_synthetic: true } });
  });

  it('a stalled stream ends at idleTimeoutMs with APITimeoutError', async () => {
    api.enqueue(reply.text('stalls', { stallAfterEvents: 2 }));
    const stalled = await run(client(), { prompt: 'x', options: { idleTimeoutMs: 300 } });
    expect(APITimeoutError.isInstance(stalled.error) && stalled.error.kind).toBe('idle');
    expect(resultOf(stalled.messages).raw.ccflow_synthetic).toBe(true);
  });

  it('no API key: not available, APINotAvailableError before anything is sent; closed likewise', async () => {
    const none = new APIClient({ env: {}, baseUrl: api.url });
    expect(none.isAvailable).toBe(false);
    const { messages, error } = await run(none, { prompt: 'x' });
    expect(messages).toEqual([]);
    expect(APINotAvailableError.isInstance(error)).toBe(true);
    expect(isCircuitFailure(error)).toBe(false);
    const fromEnv = new APIClient({ env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: api.url } });
    expect(fromEnv.isAvailable).toBe(true);
    await fromEnv.close();
    expect(fromEnv.isAvailable).toBe(false);
    expect(APINotAvailableError.isInstance((await run(fromEnv, { prompt: 'x' })).error)).toBe(true);
    expect(api.requests).toEqual([]);
  });
});
