import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { collectText, type Message, type ResultMessage } from '@ccflow/parser';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ClaudeConnection } from '../src/claude-connection.ts';
import { CliExecutor } from '../src/cli-executor.ts';
import type { ExecutionHost } from '../src/executor.ts';
import { HOST_SPAN } from '../src/host-requests.ts';
import type { CanUseTool } from '../src/permissions.ts';
import { runTurn } from '../src/turn.ts';

// canUseTool against the real CLI: what it asks, and that its answer decides what runs (a marker file the command
// would create). Four CLI runs.

const sandbox = useClaudeSandbox();
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
  trace.setGlobalTracerProvider(provider);
});
afterAll(() => {
  trace.disable();
  manager.disable();
  context.disable();
});
afterEach(() => exporter.reset());

const marker = (name: string) => join(sandbox.box.cwd, name);
const touch = (name: string) =>
  reply.toolUse('Bash', { command: `touch ${name}`, description: 'make a marker' });

async function run(host: ExecutionHost): Promise<Message[]> {
  const executor = new CliExecutor(sandbox.executorOptions);
  const messages: Message[] = [];
  for await (const m of executor.execute({ prompt: 'go', options: { permissionMode: 'default' }, host }))
    messages.push(m);
  return messages;
}

/** The tool results the CLI sent back to the model, as the API received them. */
function toolResults(): { content: unknown; is_error?: boolean }[] {
  return sandbox.api.messageRequests.flatMap((r) =>
    (r.body.messages as { role: string; content: unknown }[])
      .filter((m) => m.role === 'user' && Array.isArray(m.content))
      .flatMap((m) => (m.content as { type: string }[]).filter((b) => b.type === 'tool_result')),
  ) as never;
}

const resultOf = (messages: Message[]) => messages.at(-1) as ResultMessage;

describe('canUseTool', () => {
  it('denies a Bash call: the command never runs, the model gets the message, the result lists the denial', async () => {
    sandbox.api.enqueue(touch('denied.marker'), reply.text('I was not allowed.'));
    const asked: { toolName: string; input: Record<string, unknown>; toolUseId?: string }[] = [];
    const canUseTool: CanUseTool = async (toolName, input, { toolUseId }) => {
      asked.push({ toolName, input, toolUseId });
      return { behavior: 'deny', message: 'no shell for you' };
    };
    const messages = await run({ canUseTool });

    expect(asked).toEqual([
      {
        toolName: 'Bash',
        input: expect.objectContaining({ command: 'touch denied.marker' }),
        toolUseId: expect.any(String),
      },
    ]);
    expect(existsSync(marker('denied.marker'))).toBe(false);
    expect(JSON.stringify(toolResults())).toContain('no shell for you');
    expect(resultOf(messages).permissionDenials).toEqual([
      expect.objectContaining({ toolName: 'Bash', toolUseId: asked[0]?.toolUseId }),
    ]);
    expect(collectText(messages)).toContain('I was not allowed.');
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === HOST_SPAN.permission);
    expect(span?.attributes).toMatchObject({ [HOST_SPAN.toolName]: 'Bash', [HOST_SPAN.decision]: 'deny' });
  });

  it('allows with an edited input: the edited command runs, the original does not', async () => {
    sandbox.api.enqueue(touch('original.marker'), reply.text('done'));
    const messages = await run({
      canUseTool: async (_toolName, input) => ({
        behavior: 'allow',
        updatedInput: { ...input, command: 'touch edited.marker' },
      }),
    });
    expect(existsSync(marker('edited.marker'))).toBe(true);
    expect(existsSync(marker('original.marker'))).toBe(false);
    expect(resultOf(messages).permissionDenials).toEqual([]);
  });

  it('allows with the input as it was when the answer leaves it out', async () => {
    sandbox.api.enqueue(touch('kept.marker'), reply.text('done'));
    await run({ canUseTool: async () => ({ behavior: 'allow' }) });
    expect(existsSync(marker('kept.marker'))).toBe(true);
  });
});

describe('a canUseTool that fails', () => {
  it('throws, hangs or answers junk: each call is denied, recorded, and the connection takes a further turn', async () => {
    const behaviours: (() => unknown)[] = [
      () => {
        throw new Error('policy service down');
      },
      () => new Promise(() => {}),
      () => ({ behavior: 'allow', updatedinput: { command: 'touch junk.marker' } }),
    ];
    let call = 0;
    const canUseTool = (() => behaviours[call++]?.()) as CanUseTool;
    const connection = await ClaudeConnection.open({
      ...sandbox.executorOptions,
      options: { permissionMode: 'default' },
      host: { canUseTool, canUseToolTimeoutMs: 500 },
    });
    try {
      const names = ['threw', 'hung', 'junk'];
      for (const name of names) {
        sandbox.api.enqueue(touch(`${name}.marker`), reply.text(`after ${name}`));
        const messages: Message[] = [];
        for await (const m of runTurn(connection, { prompt: name, timeoutMs: 20_000 })) messages.push(m);
        expect(resultOf(messages).isError).toBe(false);
        expect(resultOf(messages).permissionDenials).toHaveLength(1);
        expect(collectText(messages)).toContain(`after ${name}`);
        expect(existsSync(marker(`${name}.marker`))).toBe(false);
      }
      expect(existsSync(marker('junk.marker'))).toBe(false);

      sandbox.api.enqueue(reply.text('still here'));
      const messages: Message[] = [];
      for await (const m of runTurn(connection, { prompt: 'and now?' })) messages.push(m);
      expect(collectText(messages)).toBe('still here');
    } finally {
      await connection.close();
    }
    const spans = exporter.getFinishedSpans().filter((s) => s.name === HOST_SPAN.permission);
    expect(
      spans.map((s) => [s.status.code, s.attributes[HOST_SPAN.failure], s.attributes[HOST_SPAN.decision]]),
    ).toEqual([
      [SpanStatusCode.ERROR, 'threw', 'deny'],
      [SpanStatusCode.ERROR, 'timeout', 'deny'],
      [SpanStatusCode.ERROR, 'invalid', 'deny'],
    ]);
    expect(JSON.stringify(toolResults())).toContain(
      'Permission denied: the permission check did not answer in time.',
    );
  });
});
