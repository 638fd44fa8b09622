import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { answerMcpMessage, type InProcessMcpServer, inProcessMcpLaunch } from './in-process-mcp.ts';
import { createSdkMcpServer, tool } from './mcp.ts';

const calc = createSdkMcpServer({
  name: 'calc',
  tools: [tool('add', 'Adds', { a: z.number(), b: z.number() }, ({ a, b }) => String(a + b))],
});
const signal = new AbortController().signal;

describe('inProcessMcpLaunch', () => {
  it('names the servers in initialize (sdkMcpServers) and puts nothing on argv', () => {
    expect(inProcessMcpLaunch({ calc, other: calc })).toEqual({
      args: [],
      initialize: { sdkMcpServers: ['calc', 'other'] },
    });
  });

  it('adds nothing without servers', () => {
    expect(inProcessMcpLaunch(undefined)).toEqual({ args: [], initialize: {} });
    expect(inProcessMcpLaunch({})).toEqual({ args: [], initialize: {} });
  });
});

describe('answerMcpMessage', () => {
  const request = (message: unknown, server_name: unknown) => ({
    subtype: 'mcp_message',
    server_name,
    message,
  });

  it('answers a request with the server’s reply under mcp_response', async () => {
    const message = {
      jsonrpc: '2.0',
      id: 5,
      method: 'tools/call',
      params: { name: 'add', arguments: { a: 1, b: 2 } },
    };
    expect(await answerMcpMessage({ calc }, request(message, 'calc'), { signal })).toEqual({
      response: {
        mcp_response: { jsonrpc: '2.0', id: 5, result: { content: [{ type: 'text', text: '3' }] } },
      },
    });
  });

  it('acknowledges a notification with a result the CLI’s client ignores', async () => {
    const message = { jsonrpc: '2.0', method: 'notifications/initialized' };
    expect(await answerMcpMessage({ calc }, request(message, 'calc'), { signal })).toEqual({
      response: { mcp_response: { jsonrpc: '2.0', result: {}, id: 0 } },
    });
  });

  it('refuses an unknown server, inherited names included', async () => {
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    for (const [servers, name] of [
      [{ calc }, 'nope'],
      [undefined, 'calc'],
      [{ calc }, 'toString'],
      [{ calc }, undefined],
    ] as const) {
      expect(await answerMcpMessage(servers, request(message, name), { signal })).toEqual({
        error: `no in-process MCP server named ${JSON.stringify(name)}`,
      });
    }
  });

  it('refuses a message that is not JSON-RPC', async () => {
    expect(await answerMcpMessage({ calc }, request('hello', 'calc'), { signal })).toEqual({
      error: 'mcp_message for calc without a JSON-RPC message',
    });
  });

  it('turns a server that throws into an error, never a throw', async () => {
    const broken: InProcessMcpServer = {
      name: 'broken',
      handle: async () => {
        throw new Error('wires crossed');
      },
    };
    const message = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect(await answerMcpMessage({ broken }, request(message, 'broken'), { signal })).toEqual({
      error: 'in-process MCP server broken failed: wires crossed',
    });
  });
});
