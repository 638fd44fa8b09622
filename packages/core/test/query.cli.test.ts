import { type MessagesApiStandIn, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { CliAuthenticationError, CliExecutionError } from '../src/errors.ts';
import { batchQuery, query, querySimple } from '../src/query.ts';

// The query functions end to end: the real CLI, the stand-in, the parser. Six CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;
let api: MessagesApiStandIn;

beforeAll(() => {
  ({ api } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

describe('the query functions with the real CLI', () => {
  it('query streams typed messages: init, thinking, text, tool use and result, with partials', async () => {
    api.enqueue(
      reply.message([
        { type: 'thinking', thinking: 'Run echo.', signature: 'c2ln' },
        { type: 'tool_use', name: 'Bash', input: { command: 'echo from-bash', description: 'echo' } },
      ]),
      reply.text('Bash said from-bash.'),
    );
    const types = new Set<string>();
    let text = '';
    for await (const m of query('Use bash', { allowedTools: ['Bash'], includePartial: true }, { executor })) {
      types.add(m.type === 'system' ? `system/${m.subtype}` : m.type);
      if (m.type === 'text') text += m.content;
      if (m.type === 'tool_result')
        expect(m).toMatchObject({ tool: 'Bash', result: 'from-bash', isError: false });
    }
    expect(text).toBe('Bash said from-bash.');
    for (const t of [
      'system/init',
      'stream_event',
      'thinking',
      'tool_use',
      'tool_result',
      'text',
      'stop',
      'result',
    ]) {
      expect(types).toContain(t);
    }
  });

  it('querySimple gives the text, and the structured output with a json schema', async () => {
    api.enqueue(reply.text('Four.'), reply.structured({ answer: 4 }));
    expect(await querySimple('2+2?', {}, { executor })).toBe('Four.');
    const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
    expect(await querySimple('2+2?', { jsonSchema: schema }, { executor })).toEqual({ answer: 4 });
  });

  it('a prompt of content blocks reaches the model as one user message: text, image, and the context', async () => {
    // A 1x1 PNG.
    const data =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    api.enqueue(reply.text('A dot.'));
    const prompt = [
      { type: 'text', text: 'What is in the image?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
    ] as const;
    expect(await querySimple(prompt, { context: { pixel: 1 } }, { executor })).toBe('A dot.');
    const messages = api.messageRequests.at(-1)?.body.messages as {
      role: string;
      content: { type: string }[];
    }[];
    const users = messages.filter((m) => m.role === 'user');
    expect(users).toHaveLength(1);
    const blocks = users[0]!.content.filter((b) => b.type === 'text' || b.type === 'image');
    expect(blocks.find((b) => b.type === 'image')).toMatchObject({ source: { type: 'base64', data } });
    const texts = blocks.filter((b) => b.type === 'text').map((b) => (b as unknown as { text: string }).text);
    expect(texts).toContain('What is in the image?');
    expect(texts.some((t) => t.includes('<context format='))).toBe(true);
  });

  it('a 401 through the CLI is a CliAuthenticationError', async () => {
    api.enqueue(reply.error(401, { message: 'invalid x-api-key' }));
    const error = await querySimple('hi', {}, { executor }).catch((e) => e);
    expect(CliAuthenticationError.isInstance(error)).toBe(true);
  });

  it('batchQuery keeps order and turns one failure into one failed result', async () => {
    const answer = (r: { body: { messages: unknown } }) =>
      JSON.stringify(r.body.messages).includes('second')
        ? reply.error(500)
        : reply.text('fine', { usage: { input_tokens: 50, output_tokens: 9 } });
    api.enqueue(answer, answer);
    const results = await batchQuery(['first', 'second'], { maxRetries: 0 }, { executor, concurrency: 2 });
    expect(results.map((r) => r.isError)).toEqual([false, true]);
    expect(results[0]).toMatchObject({
      text: 'fine',
      usage: { inputTokens: 50, outputTokens: 9 },
      totalTokens: 59,
    });
    expect(results[0]?.costUsd).toBeGreaterThan(0);
    expect(results[1]?.error).toBeInstanceOf(CliExecutionError);
    expect(results[1]?.error).toMatchObject({ apiErrorStatus: 500, isRetryable: true });
  });
});
