import { afterEach, describe, expect, it } from 'vitest';
import { MessagesApiStandIn, type StandInOptions } from './messages-api-stand-in.ts';
import { fakeSignature, reply } from './reply.ts';

const standIns: MessagesApiStandIn[] = [];

afterEach(async () => {
  await Promise.all(standIns.splice(0).map((s) => s.close()));
});

async function start(options?: StandInOptions): Promise<MessagesApiStandIn> {
  const standIn = await MessagesApiStandIn.start(options);
  standIns.push(standIn);
  return standIn;
}

const MODEL = 'claude-test-model';

function post(
  api: MessagesApiStandIn,
  body: Record<string, unknown> = {},
  init: { path?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return fetch(`${api.url}${init.path ?? '/v1/messages'}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify({
      model: MODEL,
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    }),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

function json(res: Response): Promise<any> {
  return res.json();
}

interface Event {
  event: string;
  data: any;
}

function parseSse(text: string): Event[] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice('event: '.length);
      const data = lines.find((l) => l.startsWith('data: '))!.slice('data: '.length);
      return { event, data: JSON.parse(data) };
    });
}

/** Reads a response body as text until it ends or fails; returns what arrived and the failure, if any. */
async function readAll(res: Response): Promise<{ text: string; error: unknown }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, error: undefined };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

describe('JSON replies', () => {
  it('answers a non-streaming request with the whole message', async () => {
    const api = await start();
    api.enqueue(reply.text('Hello there'));
    const res = await post(api);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = await json(res);
    expect(body).toEqual({
      id: expect.stringMatching(/^msg_/),
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: expect.any(Number),
        output_tokens: expect.any(Number),
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
    expect(body.usage.input_tokens).toBeGreaterThan(0);
    expect(body.usage.output_tokens).toBeGreaterThan(0);
  });

  it('stops for tool_use when the content calls a tool, and gives the call an id', async () => {
    const api = await start();
    api.enqueue(
      reply.toolUse('Bash', { command: 'ls' }),
      reply.toolUse('Read', { path: 'a' }, { id: 'toolu_fixed' }),
    );
    const first = await json(await post(api));
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'tool_use', id: expect.stringMatching(/^toolu_/), name: 'Bash', input: { command: 'ls' } },
    ]);
    const second = await json(await post(api));
    expect(second.content[0].id).toBe('toolu_fixed');
  });

  it('takes model, stop reason and usage from the reply when given', async () => {
    const api = await start();
    api.enqueue(
      reply.text('x', { model: 'other-model', stopReason: 'max_tokens', usage: { output_tokens: 99 } }),
    );
    const body = await json(await post(api));
    expect(body.model).toBe('other-model');
    expect(body.stop_reason).toBe('max_tokens');
    expect(body.usage.output_tokens).toBe(99);
  });

  it('answers structured output as a StructuredOutput tool call', async () => {
    const api = await start();
    api.enqueue(reply.structured({ answer: 4 }));
    const body = await json(await post(api));
    expect(body.stop_reason).toBe('tool_use');
    expect(body.content).toEqual([
      { type: 'tool_use', id: expect.any(String), name: 'StructuredOutput', input: { answer: 4 } },
    ]);
  });
});

describe('SSE streams', () => {
  it('sends message_start, each block start/deltas/stop, message_delta, message_stop', async () => {
    const api = await start();
    const text = 'The quick brown fox jumps over the lazy dog.';
    const thinking = 'Let me think about this for a little while.';
    const input = { command: 'echo "hello world"', description: 'say hello', nested: { n: [1, 2, 3] } };
    api.enqueue(
      reply.message(
        [
          { type: 'thinking', thinking, signature: fakeSignature(thinking) },
          { type: 'text', text },
          { type: 'tool_use', id: 'toolu_1', name: 'Bash', input },
        ],
        { deltaSize: 7 },
      ),
    );
    const res = await post(api, { stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const events = parseSse(await res.text());

    for (const e of events) expect(e.data.type).toBe(e.event);
    expect(events[0]!.event).toBe('message_start');
    expect(events[0]!.data.message).toMatchObject({
      id: expect.stringMatching(/^msg_/),
      role: 'assistant',
      model: MODEL,
      content: [],
      stop_reason: null,
    });
    expect(events.at(-2)!.event).toBe('message_delta');
    expect(events.at(-2)!.data.delta.stop_reason).toBe('tool_use');
    expect(events.at(-1)!.event).toBe('message_stop');

    // Between message_start and message_delta: per block, a start, its deltas, a stop, in index order.
    const blocks = events.slice(1, -2);
    const perBlock: Event[][] = [];
    for (const e of blocks) {
      if (e.event === 'content_block_start') perBlock.push([]);
      perBlock.at(-1)!.push(e);
      expect(e.data.index).toBe(perBlock.length - 1);
    }
    expect(perBlock).toHaveLength(3);
    for (const block of perBlock) {
      expect(block[0]!.event).toBe('content_block_start');
      expect(block.at(-1)!.event).toBe('content_block_stop');
      for (const e of block.slice(1, -1)) expect(e.event).toBe('content_block_delta');
    }
    const deltas = (i: number) => perBlock[i]!.slice(1, -1).map((e) => e.data.delta);

    const [thinkingBlock, textBlock, toolBlock] = perBlock;
    expect(thinkingBlock![0]!.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    const thinkingDeltas = deltas(0);
    expect(thinkingDeltas.at(-1)).toEqual({ type: 'signature_delta', signature: fakeSignature(thinking) });
    const thinkingParts = thinkingDeltas.slice(0, -1);
    for (const d of thinkingParts) expect(d.type).toBe('thinking_delta');
    expect(thinkingParts.length).toBeGreaterThan(1);
    expect(thinkingParts.map((d) => d.thinking).join('')).toBe(thinking);

    expect(textBlock![0]!.data.content_block).toEqual({ type: 'text', text: '' });
    const textDeltas = deltas(1);
    for (const d of textDeltas) expect(d.type).toBe('text_delta');
    expect(textDeltas.length).toBeGreaterThan(1);
    expect(textDeltas.map((d) => d.text).join('')).toBe(text);

    expect(toolBlock![0]!.data.content_block).toEqual({
      type: 'tool_use',
      id: 'toolu_1',
      name: 'Bash',
      input: {},
    });
    const jsonDeltas = deltas(2);
    for (const d of jsonDeltas) expect(d.type).toBe('input_json_delta');
    const json = jsonDeltas.map((d) => d.partial_json).join('');
    expect(json).toBe(JSON.stringify(input));
    expect(JSON.parse(json)).toEqual(input);
  });

  it('splits text into deltas of at most deltaSize characters (16 by default)', async () => {
    const api = await start();
    api.enqueue(reply.text('a'.repeat(40)));
    const events = parseSse(await (await post(api, { stream: true })).text());
    const sizes = events
      .filter((e) => e.event === 'content_block_delta')
      .map((e) => e.data.delta.text.length);
    expect(sizes).toEqual([16, 16, 8]);
  });

  it('eventDelayMs: pauses before every event', async () => {
    const api = await start();
    const delayMs = 25;
    api.enqueue(reply.text('short', { eventDelayMs: delayMs }));
    const started = performance.now();
    const events = parseSse(await (await post(api, { stream: true })).text());
    const elapsed = performance.now() - started;
    // message_start, content_block_start, one delta, content_block_stop, message_delta, message_stop
    expect(events).toHaveLength(6);
    expect(elapsed).toBeGreaterThanOrEqual(events.length * delayMs - 5);
  });

  it('stallAfterEvents: sends that many events, then nothing until the client goes away', async () => {
    const api = await start();
    api.enqueue(reply.text('never finished', { stallAfterEvents: 2 }));
    const abort = new AbortController();
    const res = await post(api, { stream: true }, { signal: abort.signal });
    expect(res.status).toBe(200);
    const timer = setTimeout(() => abort.abort(), 300);
    const started = performance.now();
    const { text, error } = await readAll(res);
    clearTimeout(timer);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect((error as Error).name).toBe('AbortError');
    expect(parseSse(text).map((e) => e.event)).toEqual(['message_start', 'content_block_start']);
  });

  it('close() returns promptly while a stalled stream is open', async () => {
    const api = await MessagesApiStandIn.start();
    api.enqueue(reply.text('never finished', { stallAfterEvents: 1 }));
    const res = await post(api, { stream: true });
    const reading = readAll(res);
    const started = performance.now();
    await api.close();
    expect(performance.now() - started).toBeLessThan(1000);
    const { text, error } = await reading;
    expect(error).toBeDefined();
    expect(parseSse(text).map((e) => e.event)).toEqual(['message_start']);
  });

  it('cutAfterEvents: ends the connection mid-stream, before message_stop', async () => {
    const api = await start();
    api.enqueue(reply.text('x'.repeat(100), { cutAfterEvents: 3, deltaSize: 10 }));
    const res = await post(api, { stream: true });
    expect(res.status).toBe(200);
    const { text, error } = await readAll(res);
    expect(error).toBeDefined();
    const events = parseSse(text).map((e) => e.event);
    expect(events).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
    expect(events).not.toContain('message_stop');
  });
});

describe('errors', () => {
  it.each([
    [400, 'invalid_request_error', reply.error(400)],
    [401, 'authentication_error', reply.error(401)],
    [429, 'rate_limit_error', reply.rateLimited(7)],
    [500, 'api_error', reply.error(500)],
    [529, 'overloaded_error', reply.overloaded()],
  ])('HTTP %i answers in the API error shape with %s', async (status, errorType, scripted) => {
    const api = await start();
    api.enqueue(scripted);
    const res = await post(api, { stream: true });
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('request-id')).toBe('req_1');
    expect(res.headers.get('retry-after')).toBe(status === 429 ? '7' : null);
    expect(await json(res)).toEqual({
      type: 'error',
      error: { type: errorType, message: expect.any(String) },
    });
  });

  it('takes the error type and message from the reply when given', async () => {
    const api = await start();
    api.enqueue(reply.error(400, { errorType: 'custom_error', message: 'prompt is too long' }));
    const res = await post(api);
    expect(await json(res)).toEqual({
      type: 'error',
      error: { type: 'custom_error', message: 'prompt is too long' },
    });
  });
});

describe('recording', () => {
  it('records path, query and body, with secret headers redacted and others kept', async () => {
    const api = await start();
    api.enqueue(reply.text('ok'));
    const body = {
      model: MODEL,
      max_tokens: 8,
      stream: false,
      messages: [{ role: 'user', content: 'record me' }],
    };
    await post(api, body, {
      path: '/v1/messages?beta=true',
      headers: {
        'x-api-key': 'sk-ant-secret-key',
        authorization: 'Bearer secret-token',
        'anthropic-version': '2023-06-01',
        'x-custom': 'kept',
      },
    });
    expect(api.requests).toHaveLength(1);
    const [recorded] = api.requests;
    expect(recorded).toMatchObject({
      seq: 1,
      method: 'POST',
      path: '/v1/messages',
      query: { beta: 'true' },
      body,
      reply: reply.text('ok'),
    });
    expect(recorded!.headers['x-api-key']).toBe('[redacted]');
    expect(recorded!.headers.authorization).toBe('[redacted]');
    expect(recorded!.headers['anthropic-version']).toBe('2023-06-01');
    expect(recorded!.headers['x-custom']).toBe('kept');
    expect(recorded!.headers['content-type']).toBe('application/json');
    expect(JSON.stringify(api.requests)).not.toMatch(/secret-key|secret-token/);
    expect(api.messageRequests).toEqual(api.requests);
  });

  it('gives a function responder the recorded request', async () => {
    const api = await start();
    const seen: any[] = [];
    api.enqueue((request) => {
      seen.push(request);
      return reply.text(`you said: ${request.body.messages[0].content}`);
    });
    const res = await post(
      api,
      { messages: [{ role: 'user', content: 'ping' }] },
      { headers: { 'x-api-key': 'k' } },
    );
    expect((await json(res)).content).toEqual([{ type: 'text', text: 'you said: ping' }]);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(api.requests[0]);
    expect(seen[0]).toMatchObject({ seq: 1, path: '/v1/messages', headers: { 'x-api-key': '[redacted]' } });
    expect(api.requests[0]!.reply).toEqual(reply.text('you said: ping'));
  });
});

describe('queue', () => {
  it('answers 500 naming the problem when no reply is scripted', async () => {
    const api = await start();
    const res = await post(api);
    expect(res.status).toBe(500);
    const body = await json(res);
    expect(body.type).toBe('error');
    expect(body.error.type).toBe('api_error');
    expect(body.error.message).toContain('no scripted reply');
  });

  it('uses the fallback responder when the queue is empty', async () => {
    const api = await start({ fallback: (r) => reply.text(`fallback #${r.seq}`) });
    api.enqueue(reply.text('queued'));
    const texts: string[] = [];
    for (let i = 0; i < 3; i++) texts.push((await json(await post(api))).content[0].text);
    expect(texts).toEqual(['queued', 'fallback #2', 'fallback #3']);
  });

  it('counts pending replies', async () => {
    const api = await start();
    expect(api.pending).toBe(0);
    api.enqueue(reply.text('a'), reply.text('b')).enqueue(reply.text('c'));
    expect(api.pending).toBe(3);
    await json(await post(api));
    expect(api.pending).toBe(2);
  });

  it('reset() forgets recorded requests and queued replies', async () => {
    const api = await start();
    api.enqueue(reply.text('a'), reply.text('b'));
    await json(await post(api));
    api.reset();
    expect(api.requests).toEqual([]);
    expect(api.pending).toBe(0);
    const res = await post(api);
    expect(res.status).toBe(500);
    await json(res);
    expect(api.requests.map((r) => r.seq)).toEqual([1]);
  });
});

describe('other routes', () => {
  it('answers count_tokens without taking a queued reply', async () => {
    const api = await start();
    api.enqueue(reply.text('kept'));
    const res = await post(api, {}, { path: '/v1/messages/count_tokens?beta=true' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toEqual({ input_tokens: expect.any(Number) });
    expect(body.input_tokens).toBeGreaterThan(0);
    expect(api.pending).toBe(1);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]).toMatchObject({ path: '/v1/messages/count_tokens', reply: undefined });
    expect(api.messageRequests).toEqual([]);
  });

  it('answers 404 for unknown routes and methods', async () => {
    const api = await start();
    api.enqueue(reply.text('kept'));
    const get = await fetch(`${api.url}/v1/messages`);
    expect(get.status).toBe(404);
    expect(await json(get)).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: expect.stringContaining('GET /v1/messages') },
    });
    const other = await post(api, {}, { path: '/v1/models' });
    expect(other.status).toBe(404);
    expect((await json(other)).error.type).toBe('not_found_error');
    expect(api.pending).toBe(1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/messages', 'POST /v1/models']);
  });
});

describe('lifetime', () => {
  it('closes through await using', async () => {
    let url: string;
    {
      await using api = await MessagesApiStandIn.start();
      url = api.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    }
    await expect(fetch(`${url}/v1/messages`)).rejects.toThrow();
  });
});
