import type { Message } from '@ccflow/parser';
import { type MessagesApiStandIn, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CliExecutor } from '../src/cli-executor.ts';
import { createSdkMcpServer, tool } from '../src/mcp.ts';

// In-process MCP tools with the real CLI: the stand-in's model calls `mcp__calc__*`, the handler runs in this
// process, and the model's next request carries what it returned. Three CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;
let api: MessagesApiStandIn;

beforeAll(() => {
  ({ api } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

const calls: unknown[] = [];
const calc = createSdkMcpServer({
  name: 'calc',
  tools: [
    tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, (input) => {
      calls.push(input);
      return { content: [{ type: 'text', text: `sum=${input.a + input.b}` }] };
    }),
    tool('wait', 'Waits until stopped', {}, (_, { signal }) => {
      calls.push(signal);
      return new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('stopped')));
    }),
    tool('divide', 'Divides', { a: z.number(), b: z.number() }, ({ a, b }) => {
      if (b === 0) throw new Error('cannot divide by zero');
      return `${a / b}`;
    }),
  ],
});
const options = { allowedTools: ['mcp__calc__add', 'mcp__calc__divide', 'mcp__calc__wait'] };

async function run(prompt: string, signal?: AbortSignal): Promise<Message[]> {
  const messages: Message[] = [];
  const host = { mcpServers: { calc } };
  for await (const m of executor.execute({ prompt, options, signal, host })) messages.push(m);
  return messages;
}

/** The `tool_result` blocks of the stand-in's request `n`, by the id of the tool call they answer. */
function toolResults(n: number): Map<string, { content: unknown; is_error?: boolean }> {
  const blocks = api.messageRequests[n]!.body.messages.flatMap((m: any) =>
    m.role === 'user' && Array.isArray(m.content) ? m.content : [],
  );
  return new Map(blocks.filter((b: any) => b.type === 'tool_result').map((b: any) => [b.tool_use_id, b]));
}

describe('an in-process MCP server with the real CLI', () => {
  it('runs the handler here with the model’s input, and the model gets its output as the tool result', async () => {
    calls.length = 0;
    api.enqueue(reply.toolUse('mcp__calc__add', { a: 2, b: 3 }, { id: 'toolu_add' }), reply.text('Five.'));
    const messages = await run('Add 2 and 3');

    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init');
    expect(init).toMatchObject({ mcpServers: [{ name: 'calc', status: 'connected', source: 'sdk' }] });
    expect(calls).toEqual([{ a: 2, b: 3 }]);
    expect(toolResults(1).get('toolu_add')).toMatchObject({ content: [{ type: 'text', text: 'sum=5' }] });
    expect(toolResults(1).get('toolu_add')?.is_error).not.toBe(true);
    expect(messages.find((m) => m.type === 'tool_result')).toMatchObject({
      tool: 'mcp__calc__add',
      result: 'sum=5',
      isError: false,
    });
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, result: 'Five.' });
  });

  it('gives the model a tool error for a handler that throws and for input the schema refuses; the turn goes on', async () => {
    calls.length = 0;
    api.enqueue(
      reply.message([
        { type: 'tool_use', id: 'toolu_div', name: 'mcp__calc__divide', input: { a: 1, b: 0 } },
        { type: 'tool_use', id: 'toolu_bad', name: 'mcp__calc__add', input: { a: 'two', b: 3 } },
      ]),
      reply.text('Both failed.'),
    );
    const messages = await run('Divide 1 by 0, and add "two" and 3');

    const results = toolResults(1);
    expect(results.get('toolu_div')).toMatchObject({ is_error: true });
    expect(JSON.stringify(results.get('toolu_div')?.content)).toContain('cannot divide by zero');
    expect(results.get('toolu_bad')).toMatchObject({ is_error: true });
    expect(JSON.stringify(results.get('toolu_bad')?.content)).toContain(
      'Input validation error: Invalid arguments for tool add',
    );
    expect(calls).toEqual([]);
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, result: 'Both failed.' });
  });

  it('aborts the handler’s signal when the caller stops the run during a call', async () => {
    calls.length = 0;
    api.enqueue(reply.toolUse('mcp__calc__wait', {}), reply.text('never asked for'));
    const controller = new AbortController();
    const running = run('Wait', controller.signal).catch((error: unknown) => error);
    await expect.poll(() => calls.length, { timeout: 30_000 }).toBe(1);
    const [signal] = calls as AbortSignal[];
    expect(signal!.aborted).toBe(false);
    controller.abort(new Error('caller gave up'));
    expect(await running).toMatchObject({ message: 'caller gave up' });
    expect(signal!.aborted).toBe(true);
    expect(api.messageRequests).toHaveLength(1);
  });
});
