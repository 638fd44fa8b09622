import { randomUUID } from 'node:crypto';
import type { Message } from '@ccflow/parser';
import { type MessagesApiStandIn, processesWithEnv, reply, until } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { ConfigurationError, McpServerError } from '../src/errors.ts';
import type { CliAgentOptions } from '../src/options.ts';
import { query, querySimple, streamToCallback } from '../src/query.ts';
import { withTracing } from '../src/tracing-executor.ts';

// Options ccflow refuses or acts on, against the real CLI: a blank prompt, extraArgs, an MCP server that fails
// with and without strictMcp. Five CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;
let api: MessagesApiStandIn;

beforeAll(() => {
  ({ api } = sandbox);
  executor = new CliExecutor(sandbox.executorOptions);
});

async function collect(stream: AsyncIterable<Message>): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of stream) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

describe('a blank prompt', () => {
  it('is refused before the CLI starts (the CLI would answer "Blank prompt" as a success)', async () => {
    const error = await querySimple('  \n\t', {}, { executor }).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'prompt' });
    expect(api.requests).toEqual([]);
  });
});

describe('extraArgs', () => {
  // A hook the CLI runs on every prompt: its events reach stdout only with --include-hook-events.
  const settings = {
    hooks: { UserPromptSubmit: [{ hooks: [{ type: 'command', command: 'echo hook-ran' }] }] },
  };
  const hookEvents = (messages: Message[]) =>
    messages
      .filter((m) => m.type === 'system' && m.subtype.startsWith('hook_'))
      .map((m) => (m as any).subtype);

  it('--include-hook-events reaches the CLI: its hook events are in the stream, and only with it', async () => {
    api.enqueue(reply.text('plain'), reply.text('with hooks'));
    const plain = await collect(query('hi', { settings }, { executor }));
    const withHooks = await collect(
      query('hi', { settings, extraArgs: ['--include-hook-events'] }, { executor }),
    );
    expect(plain.error).toBeUndefined();
    expect(withHooks.error).toBeUndefined();
    expect(hookEvents(plain.messages)).toEqual([]);
    expect(hookEvents(withHooks.messages)).toEqual(['hook_started', 'hook_response']);
    expect(JSON.stringify(withHooks.messages)).toContain('hook-ran');
  });

  it.each([['--output-format=json'], ['--resume=0f0e0d0c-0b0a-4909-8807-060504030201']])(
    'a smuggled %s is refused before the CLI starts',
    async (arg) => {
      const { messages, error } = await collect(query('hi', { extraArgs: [arg] }, { executor }));
      expect(messages).toEqual([]);
      expect(ConfigurationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field: 'extraArgs.0' });
      expect(api.requests).toEqual([]);
    },
  );
});

describe('an MCP server whose command does not exist', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });
  beforeEach(() => exporter.reset());

  const options = (tag: string, strictMcp: boolean): CliAgentOptions => ({
    mcpServers: { broken: { command: '/nonexistent/mcp-server' } },
    strictMcp,
    env: { CCFLOW_TEST_TAG: tag },
  });
  const traced = () => withTracing(executor, provider.getTracer('test'));

  it('with strictMcp: McpServerError naming it, after the init that says so; no process is left', async () => {
    api.enqueue(reply.text('should not matter'));
    const tag = randomUUID();
    const { messages, error } = await collect(
      traced().execute({ prompt: 'hi', options: options(tag, true) }),
    );
    expect(McpServerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'MCP_SERVER_FAILED',
      servers: [{ name: 'broken', status: 'failed' }],
    });
    const init = messages.find((m) => m.type === 'system' && m.subtype === 'init');
    expect(init).toMatchObject({ mcpServers: [{ name: 'broken', status: 'failed' }] });
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: true });
    await until(() => processesWithEnv(tag).length === 0, 5000, 'the CLI and its children to be gone');
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes['error.type']).toBe('MCP_SERVER_FAILED');
  });

  it('without: the turn runs, the query result lists it, and the execution span has an event for it', async () => {
    api.enqueue(reply.text('answered without the server'));
    const tag = randomUUID();
    const r = await streamToCallback('hi', () => {}, options(tag, false), { executor: traced() });
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('answered without the server');
    expect(r.unavailableMcpServers).toEqual([{ name: 'broken', status: 'failed' }]);
    const [span] = exporter.getFinishedSpans();
    const event = span?.events.find((e) => e.name === 'ccflow.mcp_server.unavailable');
    expect(event?.attributes).toEqual({
      'ccflow.mcp_server.name': 'broken',
      'ccflow.mcp_server.status': 'failed',
    });
  });
});
