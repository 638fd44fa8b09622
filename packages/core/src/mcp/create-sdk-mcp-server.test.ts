import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../errors.ts';
import { createSdkMcpServer } from './create-sdk-mcp-server.ts';
import { tool } from './tool.ts';

const add = tool('add', 'Adds two numbers', { a: z.number(), b: z.number() }, ({ a, b }) => ({
  content: [{ type: 'text', text: String(a + b) }],
}));

function calc(...more: ReturnType<typeof tool<any>>[]) {
  return createSdkMcpServer({ name: 'calc', version: '2.0.0', tools: [add, ...more] });
}

const call = (id: number | string, name: string, args: unknown) =>
  ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }) as const;

describe('createSdkMcpServer', () => {
  it('answers initialize with its name, version and the tools capability', async () => {
    const reply = await calc().handle({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: 't', version: '1' },
      },
    });
    expect(reply).toMatchObject({
      jsonrpc: '2.0',
      id: 0,
      result: {
        protocolVersion: LATEST_PROTOCOL_VERSION,
        capabilities: { tools: {} },
        serverInfo: { name: 'calc', version: '2.0.0' },
      },
    });
  });

  it('lists its tools with a JSON schema derived from the zod schema', async () => {
    const upper = tool(
      'upper',
      'Upper-cases',
      z.object({ text: z.string().describe('what to shout') }),
      ({ text }) => text.toUpperCase(),
    );
    const reply = await calc(upper).handle({ jsonrpc: '2.0', id: 'l', method: 'tools/list' });
    expect(reply).toMatchObject({
      id: 'l',
      result: {
        tools: [
          {
            name: 'add',
            description: 'Adds two numbers',
            inputSchema: {
              type: 'object',
              properties: { a: { type: 'number' }, b: { type: 'number' } },
              required: ['a', 'b'],
            },
          },
          {
            name: 'upper',
            inputSchema: { properties: { text: { type: 'string', description: 'what to shout' } } },
          },
        ],
      },
    });
  });

  it('calls a tool with the parsed input; text returned is a text result', async () => {
    const upper = tool('upper', 'Upper-cases', { text: z.string() }, ({ text }) => text.toUpperCase());
    const server = calc(upper);
    expect(await server.handle(call(1, 'add', { a: 2, b: 3 }))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { content: [{ type: 'text', text: '5' }] },
    });
    expect(await server.handle(call(2, 'upper', { text: 'hi' }))).toMatchObject({
      id: 2,
      result: { content: [{ type: 'text', text: 'HI' }] },
    });
  });

  it('turns a throw into a tool error with its message', async () => {
    const boom = tool('boom', 'Fails', {}, () => {
      throw new Error('disk on fire');
    });
    expect(await calc(boom).handle(call(1, 'boom', {}))).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: { content: [{ type: 'text', text: 'disk on fire' }], isError: true },
    });
  });

  it('refuses input its schema refuses as a tool error, without calling the handler', async () => {
    let calls = 0;
    const counted = tool('counted', 'Counts', { n: z.number().int() }, () => {
      calls++;
      return 'ran';
    });
    const reply = await calc(counted).handle(call(1, 'counted', { n: 'seven' }));
    expect(reply).toMatchObject({ id: 1, result: { isError: true } });
    expect(JSON.stringify(reply)).toContain('Input validation error');
    expect(calls).toBe(0);
  });

  it('turns a return that is not a tool result into a tool error', async () => {
    const junk = tool('junk', 'Returns junk', {}, () => ({ content: 'not blocks' }) as never);
    const none = tool('none', 'Returns nothing', {}, () => undefined as never);
    const server = calc(junk, none);
    for (const name of ['junk', 'none']) {
      expect(await server.handle(call(1, name, {}))).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: {
          content: [{ type: 'text', text: `tool ${name} returned something that is not a tool result` }],
          isError: true,
        },
      });
    }
  });

  it('answers an unknown tool with a tool error, an unknown method with a JSON-RPC error', async () => {
    const server = calc();
    expect(await server.handle(call(1, 'nope', {}))).toMatchObject({ id: 1, result: { isError: true } });
    expect(await server.handle({ jsonrpc: '2.0', id: 2, method: 'no/such' })).toMatchObject({
      id: 2,
      error: { code: -32601 },
    });
  });

  it('gives undefined for a notification and for a message that is not JSON-RPC', async () => {
    const server = calc();
    expect(await server.handle({ jsonrpc: '2.0', method: 'notifications/initialized' })).toBeUndefined();
    expect(await server.handle({ jsonrpc: '2.0', bogus: true })).toBeUndefined();
    // Still answers afterwards.
    expect(await server.handle(call(3, 'add', { a: 1, b: 1 }))).toMatchObject({ id: 3 });
  });

  it('matches concurrent calls to their replies by id, answered out of order', async () => {
    const gates = new Map<string, () => void>();
    const slow = tool('wait', 'Waits for its gate', { gate: z.string() }, ({ gate }) => {
      return new Promise<string>((resolve) => gates.set(gate, () => resolve(`opened ${gate}`)));
    });
    const server = calc(slow);
    const first = server.handle(call(7, 'wait', { gate: 'first' }));
    const second = server.handle(call('b', 'wait', { gate: 'second' }));
    await expect.poll(() => gates.size).toBe(2);
    gates.get('second')!();
    expect(await second).toMatchObject({ id: 'b', result: { content: [{ text: 'opened second' }] } });
    gates.get('first')!();
    expect(await first).toMatchObject({ id: 7, result: { content: [{ text: 'opened first' }] } });
  });

  it('keeps apart two callers that use the same id at the same time (two CLIs on one server)', async () => {
    const gates: (() => void)[] = [];
    const echo = tool('echo', 'Echoes after a while', { text: z.string() }, ({ text }) => {
      return new Promise<string>((resolve) => gates.push(() => resolve(text)));
    });
    const server = calc(echo);
    const one = server.handle(call(1, 'echo', { text: 'from one' }));
    const two = server.handle(call(1, 'echo', { text: 'from two' }));
    await expect.poll(() => gates.length).toBe(2);
    gates[1]!();
    gates[0]!();
    expect(await one).toMatchObject({ id: 1, result: { content: [{ text: 'from one' }] } });
    expect(await two).toMatchObject({ id: 1, result: { content: [{ text: 'from two' }] } });
  });

  it('on abort, aborts the handler’s signal and answers with an error', async () => {
    let seen: AbortSignal | undefined;
    const hang = tool('hang', 'Never ends', {}, (_, { signal }) => {
      seen = signal;
      return new Promise<string>(() => {});
    });
    const controller = new AbortController();
    const reply = calc(hang).handle(call(4, 'hang', {}), { signal: controller.signal });
    await expect.poll(() => seen).toBeDefined();
    controller.abort(new Error('connection closed'));
    expect(await reply).toMatchObject({ jsonrpc: '2.0', id: 4, error: { code: -32603 } });
    await expect.poll(() => seen?.aborted).toBe(true);
  });

  it('does not run a call whose signal has already aborted', async () => {
    let calls = 0;
    const counted = tool('counted', 'Counts', {}, () => `${++calls}`);
    const reply = await calc(counted).handle(call(1, 'counted', {}), { signal: AbortSignal.abort() });
    expect(reply).toMatchObject({ id: 1, error: { code: -32603 } });
    expect(calls).toBe(0);
  });

  it('refuses two tools of one name with a ConfigurationError', () => {
    const error = (() => {
      try {
        return calc(add);
      } catch (error) {
        return error;
      }
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'tools', message: 'tools: two tools are named add' });
  });
});
