import { TOO_DEEP } from '@ccflow/core';
import { MessageParser } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTraceStore } from './memory-trace-store.ts';
import { TracingSession } from './tracing-session.ts';

const exporter = new InMemorySpanExporter();
const saved = process.env.DEPLOY_TOKEN;
beforeAll(() => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  process.env.DEPLOY_TOKEN = 'process-deploy-token';
});
afterAll(() => {
  trace.disable();
  if (saved === undefined) delete process.env.DEPLOY_TOKEN;
  else process.env.DEPLOY_TOKEN = saved;
});

/** A turn whose tool prints the environment and whose answer repeats a secret, split across two deltas. */
function leakyTurn(sessionId: string, isError = false) {
  const f = { sessionId, messageId: 'm2' };
  return [
    mockLines.init({ sessionId }),
    mockLines.toolUse('Bash', { command: 'env', password: 'args-password' }, { id: 't1', sessionId }),
    mockLines.toolResult(
      't1',
      'MY_SECRET=options-env-secret\nDEPLOY_TOKEN=process-deploy-token\nHOME=/home/x',
      {
        sessionId,
      },
    ),
    mockLines.text('The value is options-en', f),
    mockLines.text('v-secret.', f),
    mockLines.result({
      sessionId,
      isError,
      subtype: isError ? 'error_during_execution' : 'success',
      result: 'failed with options-env-secret',
    }),
  ];
}

async function run(options: ConstructorParameters<typeof TracingSession>[0]['options']) {
  const traceStore = new MemoryTraceStore();
  const executor = new MockExecutor();
  const session = new TracingSession({ traceStore, executor, detailed: true, options });
  executor.enqueue(leakyTurn(session.sessionId));
  const turn = session.sendMessage('Use sk-ant-api03-prompt-key.', {
    context: { db: { password: 'context-password' } },
    metadata: { note: 'Bearer metadata-bearer-token' },
  });
  for await (const _ of turn);
  return { session, stored: JSON.stringify(await traceStore.list()) };
}

describe('TracingSession: traces hold no secret', () => {
  it('prompt, context, tool calls, message stream, answer, options and metadata are redacted', async () => {
    const { session, stored } = await run({ env: { MY_SECRET: 'options-env-secret' } });
    expect(stored).not.toMatch(
      /options-env-secret|process-deploy-token|prompt-key|context-password|args-password|metadata-bearer/,
    );
    const t = session.lastTrace!;
    expect(t.prompt).toBe('Use [redacted].');
    expect(t.response).toBe('The value is [redacted].');
    expect(t.toolCalls[0]).toMatchObject({
      args: { command: 'env', password: '[redacted]' },
      result: 'MY_SECRET=[redacted]\nDEPLOY_TOKEN=[redacted]\nHOME=/home/x',
    });
    expect(t.context).toEqual({ db: { password: '[redacted]' } });
    expect(t.metadata).toEqual({ note: 'Bearer [redacted]' });
    expect(t.optionsSnapshot).toEqual({ env: { MY_SECRET: '[redacted]' } });
  });

  it('an error message is redacted in the trace and on the turn span', async () => {
    exporter.reset();
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({
      traceStore,
      executor,
      options: { env: { K: 'options-env-secret' } },
    });
    executor.enqueue(leakyTurn(session.sessionId, true));
    for await (const _ of session.sendMessage('go'));
    expect(session.lastTrace?.status).toBe('error');
    expect(session.lastTrace?.errorMessage).toContain('failed with [redacted]');
    const span = exporter.getFinishedSpans().find((s) => s.name === 'session.turn 1');
    expect(span?.status.message).toContain('failed with [redacted]');
  });

  it('extra patterns apply; redaction.enabled false keeps the trace verbatim', async () => {
    const extra = await run({ redaction: { patterns: [/\/home\/\w+/] } });
    expect(extra.stored).toContain('HOME=[redacted]');
    const off = await run({ env: { MY_SECRET: 'options-env-secret' }, redaction: { enabled: false } });
    expect(off.stored).toContain('MY_SECRET=options-env-secret');
    expect(off.stored).toContain('sk-ant-api03-prompt-key');
    expect(off.session.lastTrace?.optionsSnapshot).toEqual({ env: { MY_SECRET: 'options-env-secret' } });
  });
});

describe('TracingSession: a tool result nested thousands of levels deep', () => {
  it('is traced and stored (cut at MAX_DEPTH), and the turn ends normally', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ traceStore, executor, detailed: true });
    const deep = JSON.parse(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    const f = { sessionId: session.sessionId };
    const lines = [
      mockLines.init(f),
      mockLines.toolUse('Bash', { command: 'deep' }, { id: 'toolu_deep', ...f }),
      { ...mockLines.toolResult('toolu_deep', 'x', f), tool_use_result: deep },
      mockLines.text('Done.', f),
      mockLines.result(f),
    ];
    // Parsed as the executor would (the mock's scripted runs are cloned, which no clone survives at this depth).
    executor.enqueue(async function* () {
      const parser = new MessageParser();
      for (const line of lines) yield* parser.parse(line);
    });
    for await (const _ of session.sendMessage('go'));
    const [stored] = await traceStore.list();
    expect(stored?.status).toBe('success');
    expect(JSON.stringify(stored)).toContain(TOO_DEEP);
  });
});
