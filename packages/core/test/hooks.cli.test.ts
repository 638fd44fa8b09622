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
import type { HookInput } from '../src/hooks.ts';
import { HOST_SPAN } from '../src/host-requests.ts';
import { runTurn } from '../src/turn.ts';

// Hook callbacks against the real CLI: which fire, with what, and that a PreToolUse hook's answer decides whether a
// tool runs (a marker file the command would create). Bash is allowed by the options, so only a hook can stop it.
// Four CLI runs.

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

const options = { allowedTools: ['Bash'] };
const marker = (name: string) => join(sandbox.box.cwd, name);
const touch = (name: string) =>
  reply.toolUse('Bash', { command: `touch ${name}`, description: 'make a marker' });
const resultOf = (messages: Message[]) => messages.at(-1) as ResultMessage;

async function run(host: ExecutionHost): Promise<Message[]> {
  const executor = new CliExecutor(sandbox.executorOptions);
  const messages: Message[] = [];
  for await (const m of executor.execute({ prompt: 'go', options, host })) messages.push(m);
  return messages;
}

/** What the CLI sent the model as the result of each tool call. */
const toolResults = (messages: Message[]) =>
  messages.flatMap((m) => (m.type === 'tool_result' ? [{ result: m.result, isError: m.isError }] : []));

describe('hooks', () => {
  it('fire with their inputs, by matcher; a PreToolUse deny stops the tool, and its reason reaches the model', async () => {
    sandbox.api.enqueue(touch('blocked.marker'), reply.text('blocked, fine'));
    const seen: HookInput[] = [];
    const record = async (input: HookInput) => {
      seen.push(input);
      return {};
    };
    const messages = await run({
      hooks: {
        UserPromptSubmit: [{ hooks: [record] }],
        PreToolUse: [
          { matcher: 'Write|Edit', hooks: [record] },
          {
            matcher: 'Bash',
            hooks: [
              async (input) => {
                seen.push(input);
                return {
                  hookSpecificOutput: {
                    hookEventName: 'PreToolUse',
                    permissionDecision: 'deny',
                    permissionDecisionReason: 'no shell in this test',
                  },
                };
              },
            ],
          },
        ],
        Stop: [{ hooks: [record] }],
      },
    });

    expect(existsSync(marker('blocked.marker'))).toBe(false);
    expect(seen.map((i) => i.hook_event_name)).toEqual(['UserPromptSubmit', 'PreToolUse', 'Stop']);
    expect(seen[0]).toMatchObject({ prompt: 'go', session_id: resultOf(messages).sessionId });
    expect(seen[1]).toMatchObject({
      tool_name: 'Bash',
      tool_input: { command: 'touch blocked.marker' },
      tool_use_id: expect.any(String),
      cwd: sandbox.box.cwd,
    });
    expect(toolResults(messages)).toEqual([
      { result: expect.stringContaining('no shell in this test'), isError: true },
    ]);
    expect(collectText(messages)).toContain('blocked, fine');
    const spans = exporter.getFinishedSpans().filter((s) => s.name === HOST_SPAN.hook);
    expect(spans.map((s) => s.attributes[HOST_SPAN.hookEvent])).toEqual([
      'UserPromptSubmit',
      'PreToolUse',
      'Stop',
    ]);
    expect(spans[1]?.attributes).toMatchObject({
      [HOST_SPAN.toolName]: 'Bash',
      [HOST_SPAN.hookDecision]: 'deny',
    });
  });

  it('a PreToolUse allow with an edited input runs the edited command', async () => {
    sandbox.api.enqueue(touch('original.marker'), reply.text('done'));
    await run({
      hooks: {
        PreToolUse: [
          {
            hooks: [
              async (input) => ({
                hookSpecificOutput: {
                  hookEventName: 'PreToolUse',
                  permissionDecision: 'allow',
                  updatedInput: { ...(input.tool_input as object), command: 'touch edited.marker' },
                },
              }),
            ],
          },
        ],
      },
    });
    expect(existsSync(marker('edited.marker'))).toBe(true);
    expect(existsSync(marker('original.marker'))).toBe(false);
  });
});

describe('a hook that fails', () => {
  it('throws with onFailure continue (the default): reported, and the tool runs', async () => {
    sandbox.api.enqueue(touch('ran.marker'), reply.text('done'));
    const messages = await run({
      hooks: {
        PreToolUse: [
          {
            hooks: [
              () => {
                throw new Error('audit log unreachable');
              },
            ],
          },
        ],
      },
    });
    expect(existsSync(marker('ran.marker'))).toBe(true);
    expect(resultOf(messages).isError).toBe(false);
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === HOST_SPAN.hook);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes[HOST_SPAN.failure]).toBe('threw');
  });

  it('throws, hangs or answers junk with onFailure block: the tool never runs, and the connection takes a further turn', async () => {
    const behaviours: (() => unknown)[] = [
      () => {
        throw new Error('policy service down');
      },
      () => new Promise(() => {}),
      // a misspelt decision, which would otherwise do nothing
      () => ({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecison: 'allow' } }),
    ];
    let call = 0;
    const connection = await ClaudeConnection.open({
      ...sandbox.executorOptions,
      options,
      host: {
        hooks: {
          PreToolUse: [
            {
              matcher: 'Bash',
              hooks: [() => behaviours[call++]?.() as never],
              timeoutMs: 500,
              onFailure: 'block',
            },
          ],
        },
      },
    });
    const results: { result: string; isError: boolean }[] = [];
    try {
      for (const name of ['threw', 'hung', 'junk']) {
        sandbox.api.enqueue(touch(`${name}.marker`), reply.text(`after ${name}`));
        const messages: Message[] = [];
        for await (const m of runTurn(connection, { prompt: name, timeoutMs: 20_000 })) messages.push(m);
        expect(collectText(messages)).toContain(`after ${name}`);
        expect(existsSync(marker(`${name}.marker`))).toBe(false);
        results.push(...toolResults(messages));
      }
      sandbox.api.enqueue(reply.text('still here'));
      const messages: Message[] = [];
      for await (const m of runTurn(connection, { prompt: 'and now?' })) messages.push(m);
      expect(collectText(messages)).toBe('still here');
    } finally {
      await connection.close();
    }
    expect(results.map((r) => r.isError)).toEqual([true, true, true]);
    // the CLI's own words for a hook past its limit
    expect(results[1]?.result).toMatch(/did not respond before its timeout/);
    const spans = exporter.getFinishedSpans().filter((s) => s.name === HOST_SPAN.hook);
    expect(spans.map((s) => [s.status.code, s.attributes[HOST_SPAN.failure]])).toEqual([
      [SpanStatusCode.ERROR, 'threw'],
      [SpanStatusCode.ERROR, 'timeout'],
      [SpanStatusCode.ERROR, 'invalid'],
    ]);
  });
});
