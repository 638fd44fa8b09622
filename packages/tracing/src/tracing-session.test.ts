import { AbortedError, CliExecutionError, withTracing } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MemorySessionStore, Session, SessionBusyError } from '@ccflow/sessions';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryTraceStore } from './memory-trace-store.ts';
import { TRACE_ID_ATTRIBUTE } from './trace-recorder.ts';
import { createTracingSession, TracingSession } from './tracing-session.ts';

const drain = async (it: AsyncIterable<Message>) => {
  for await (const _ of it);
};

/** A turn with thinking, a tool call and its result, and text around it. */
function toolTurn(sessionId: string) {
  const use = mockLines.toolUse('Bash', { command: 'ls' }, { id: 'toolu_1', sessionId, messageId: 'm1' });
  return [
    mockLines.init({ sessionId, model: 'claude-opus-mock' }),
    mockLines.thinking('Let me look.', { sessionId, messageId: 'm1' }),
    mockLines.text('Checking.', { sessionId, messageId: 'm1' }),
    use,
    mockLines.toolResult('toolu_1', 'a.txt\nb.txt', { sessionId }),
    mockLines.text('Two files.', { sessionId, messageId: 'm2' }),
    mockLines.result({
      sessionId,
      result: 'Two files.',
      inputTokens: 100,
      outputTokens: 40,
      cacheReadTokens: 7,
      cacheWriteTokens: 3,
      thinkingTokens: 12,
      costUsd: 0.25,
    }),
  ];
}

describe('TracingSession', () => {
  it('records a prompt of content blocks as its text, with images as markers and never their data', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ executor, traceStore });
    executor.enqueue(toolTurn(session.sessionId));
    const image = { type: 'base64', media_type: 'image/png', data: 'PIXELDATA' } as const;
    await drain(
      session.sendMessage([
        { type: 'text', text: 'What is it?' },
        { type: 'image', source: image },
      ]),
    );
    expect(executor.requests[0]?.prompt).toEqual([
      { type: 'text', text: 'What is it?' },
      { type: 'image', source: image },
    ]);
    const [t] = await session.getTraces();
    expect(t?.prompt).toBe('What is it?\n\n[image]');
    expect(JSON.stringify(t)).not.toContain('PIXELDATA');
  });

  it('records a trace per turn with everything the turn did', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ executor, traceStore, options: { model: 'opus' }, projectId: 'p1' });
    const id = session.sessionId;
    executor.enqueue(toolTurn(id));
    await drain(session.sendMessage('List files', { context: { dir: '/tmp' }, metadata: { user: 'ada' } }));

    const [t] = await session.getTraces();
    expect(t).toMatchObject({
      sessionId: id,
      projectId: 'p1',
      sequenceNumber: 1,
      prompt: 'List files',
      context: { dir: '/tmp' },
      response: 'Checking.\n\nTwo files.',
      thinking: 'Let me look.',
      toolCalls: [
        {
          toolUseId: 'toolu_1',
          tool: 'Bash',
          args: { command: 'ls' },
          result: 'a.txt\nb.txt',
          isError: false,
        },
      ],
      model: 'claude-opus-mock',
      optionsSnapshot: { model: 'opus' },
      inputTokens: 100,
      outputTokens: 40,
      cacheReadTokens: 7,
      cacheWriteTokens: 3,
      thinkingTokens: 12,
      costUsd: 0.25,
      status: 'success',
      errorMessage: undefined,
      resumeAt: undefined,
      parentTraceId: undefined,
      messageStream: undefined,
      metadata: { user: 'ada' },
    });
    expect(t?.durationMs).toBeGreaterThanOrEqual(0);
    expect(t?.updatedAt.getTime()).toBeGreaterThanOrEqual(t!.createdAt.getTime());
    expect(session.traceCount).toBe(1);
    expect(session.lastTrace).toEqual(t);
  });

  it('numbers turns and records where each one can be forked from', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = createTracingSession({ executor, traceStore });
    const id = session.sessionId;
    const first = mockLines.text('One.', { sessionId: id });
    executor.enqueue(
      [mockLines.init({ sessionId: id }), first, mockLines.result({ sessionId: id })],
      [
        mockLines.init({ sessionId: id }),
        mockLines.text('Two.', { sessionId: id }),
        mockLines.result({ sessionId: id }),
      ],
    );
    await drain(session.sendMessage('one'));
    await drain(session.sendMessage('two'));
    const traces = await session.getTraces();
    expect(traces.map((t) => t.sequenceNumber)).toEqual([1, 2]);
    // The uuid of the last transcript line (assistant or user) of the turn before: not the result's or init's.
    expect(traces[1]?.resumeAt).toBe(first.uuid);
    expect(traces[0]?.resumeAt).toBeUndefined();
    expect(session.traceCount).toBe(2);
    expect(await session.getTraces(1)).toHaveLength(1);
  });

  it('writes the trace as pending before the executor starts', async () => {
    const traceStore = new MemoryTraceStore();
    let seen: unknown;
    const session = new TracingSession({
      traceStore,
      executor: new MockExecutor([
        async function* () {
          seen = (await traceStore.list())[0]?.status;
          yield* [];
          throw new Error('crash');
        },
      ]),
    });
    await expect(drain(session.sendMessage('hi'))).rejects.toThrow('crash');
    expect(seen).toBe('pending');
    expect((await session.getTraces())[0]).toMatchObject({ status: 'error', errorMessage: 'crash' });
  });

  it('an error result is an error with its message', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ traceStore, executor });
    const id = session.sessionId;
    executor.enqueue([
      mockLines.init({ sessionId: id }),
      mockLines.result({ sessionId: id, isError: true, result: 'API Error: 500 boom', apiErrorStatus: 500 }),
    ]);
    await drain(session.sendMessage('hi'));
    expect(session.lastTrace).toMatchObject({ status: 'error', errorMessage: 'API Error: 500 boom' });
  });

  it('an abort is cancelled', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ traceStore, executor });
    const id = session.sessionId;
    executor.enqueue({
      lines: [
        mockLines.init({ sessionId: id }),
        mockLines.result({ sessionId: id, subtype: 'error_during_execution', isError: true }),
      ],
      thenThrow: new AbortedError({ message: 'aborted by the caller' }),
    });
    await expect(drain(session.sendMessage('hi'))).rejects.toBeInstanceOf(AbortedError);
    expect(session.lastTrace).toMatchObject({ status: 'cancelled', errorMessage: 'aborted by the caller' });

    const controller = new AbortController();
    executor.enqueue({
      lines: [mockLines.init({ sessionId: id }), mockLines.result({ sessionId: id })],
      delayMs: 20,
    });
    const turn = drain(session.sendMessage('again', { signal: controller.signal }));
    controller.abort();
    await expect(turn).rejects.toThrow();
    expect(session.lastTrace?.status).toBe('cancelled');
    expect(session.lastTrace?.sequenceNumber).toBe(2); // the CLI never started the aborted turn
  });

  it('a caller that stops reading leaves a cancelled trace', async () => {
    const traceStore = new MemoryTraceStore();
    const session = new TracingSession({
      traceStore,
      executor: new MockExecutor([[mockLines.init(), mockLines.text('a'), mockLines.result()]]),
    });
    for await (const m of session.sendMessage('hi')) if (m.type === 'system') break;
    expect(session.lastTrace).toMatchObject({
      status: 'cancelled',
      errorMessage: 'stopped before the result',
    });
  });

  it('a thrown execution error is an error', async () => {
    const traceStore = new MemoryTraceStore();
    const session = new TracingSession({
      traceStore,
      executor: new MockExecutor([
        { lines: [mockLines.init()], thenThrow: new CliExecutionError({ message: 'exit 1' }) },
      ]),
    });
    await expect(drain(session.sendMessage('hi'))).rejects.toThrow('exit 1');
    expect(session.lastTrace).toMatchObject({ status: 'error', errorMessage: 'exit 1' });
  });

  it('a refused turn writes no trace', async () => {
    const traceStore = new MemoryTraceStore();
    const session = new TracingSession({
      traceStore,
      executor: new MockExecutor([{ lines: [mockLines.init(), mockLines.result()], delayMs: 10 }]),
    });
    const first = session.sendMessage('one');
    const running = first.next();
    await expect(session.sendMessage('two').next()).rejects.toBeInstanceOf(SessionBusyError);
    await running;
    await drain(first);
    await session.close();
    await expect(session.sendMessage('three').next()).rejects.toThrow();
    expect(await traceStore.count()).toBe(1);
  });

  it('detailed mode keeps every message, as JSON', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ traceStore, executor, detailed: true });
    executor.enqueue(toolTurn(session.sessionId));
    await drain(session.sendMessage('hi'));
    const stream = session.lastTrace?.messageStream as Array<{ type: string }>;
    expect(stream.map((m) => m.type)).toEqual([
      'system',
      'assistant',
      'thinking',
      'assistant',
      'text',
      'assistant',
      'tool_use',
      'user',
      'tool_result',
      'assistant',
      'text',
      'result',
    ]);
    expect(JSON.parse(JSON.stringify(stream))).toEqual(stream);
  });

  it('never stores a secret from the options', async () => {
    const traceStore = new MemoryTraceStore();
    const sessionStore = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new TracingSession({
      traceStore,
      store: sessionStore,
      executor,
      detailed: true,
      options: {
        env: { ANTHROPIC_API_KEY: 'sk-ant-secret' },
        mcpServers: {
          gh: { transport: 'http', url: 'https://x', headers: { Authorization: 'Bearer hush' } },
        },
        settings: { env: { TOKEN: 'hush2' } },
      },
    });
    executor.enqueue(toolTurn(session.sessionId));
    await drain(session.sendMessage('hi'));
    const stored = JSON.stringify(await traceStore.list());
    expect(stored).not.toMatch(/sk-ant-secret|hush/);
    expect(session.lastTrace?.optionsSnapshot).toMatchObject({ env: { ANTHROPIC_API_KEY: '[redacted]' } });
    // The request itself still carries the key.
    expect(executor.requests[0]?.options?.env).toEqual({ ANTHROPIC_API_KEY: 'sk-ant-secret' });
  });

  it('fork() and branch() give traced sessions into the same store', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const parent = new TracingSession({ traceStore, executor });
    const line = mockLines.text('One.', { sessionId: parent.sessionId });
    executor.enqueue([mockLines.init({ sessionId: parent.sessionId }), line, mockLines.result()]);
    await drain(parent.sendMessage('one'));
    const child = await parent.fork();
    expect(child).toBeInstanceOf(TracingSession);
    executor.enqueue([mockLines.init({ sessionId: child.sessionId }), mockLines.result()]);
    await drain(child.sendMessage('two'));
    expect(executor.requests[1]?.options).toMatchObject({ resume: parent.sessionId, forkSession: true });
    // A fork continues the count of the conversation it branches (as `Session.fork` does).
    expect(child.lastTrace).toMatchObject({
      sessionId: child.sessionId,
      sequenceNumber: 2,
      resumeAt: line.uuid,
    });

    const branch = await TracingSession.branch(parent.sessionId, { traceStore, executor, at: 'u-1' });
    executor.enqueue([mockLines.init({ sessionId: branch.sessionId }), mockLines.result()]);
    await drain(branch.sendMessage('three'));
    expect(executor.requests[2]?.options).toMatchObject({
      resume: parent.sessionId,
      forkSession: true,
      resumeSessionAt: 'u-1',
      sessionId: branch.sessionId,
    });
    expect(branch.lastTrace?.resumeAt).toBe('u-1');
    expect(await traceStore.count()).toBe(3);
  });

  it('is a plain Session with a recorder, not a subclass: a fork made on the session is traced too', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const traced = new TracingSession({ traceStore, executor, parentTraceId: 'replayed-trace' });
    expect(traced).not.toBeInstanceOf(Session);
    expect(traced.session).toBeInstanceOf(Session);
    const id = traced.sessionId;
    const line = mockLines.text('One.', { sessionId: id });
    executor.enqueue(
      [mockLines.init({ sessionId: id }), line, mockLines.result({ sessionId: id })],
      [mockLines.init({ sessionId: id }), mockLines.result({ sessionId: id })],
    );
    await drain(traced.sendMessage('one'));
    await drain(traced.sendMessage('two'));
    // The session's `parentTraceId` is the parent of its first trace only.
    expect((await traced.getTraces()).map((t) => t.parentTraceId)).toEqual(['replayed-trace', undefined]);
    expect(traced.turnCount).toBe(2);

    const fork = await traced.session.fork();
    executor.enqueue([mockLines.init({ sessionId: fork.sessionId }), mockLines.result()]);
    await drain(fork.sendMessage('three'));
    expect(traced.recorder.lastTrace(fork)).toMatchObject({
      sessionId: fork.sessionId,
      sequenceNumber: 3,
      parentTraceId: undefined,
      resumeAt: line.uuid,
    });
    expect(traced.traceCount).toBe(2);
    await traced.close();
    expect(traced.isClosed).toBe(true);
  });
});

describe('TracingSession with OpenTelemetry', () => {
  const exporter = new InMemorySpanExporter();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(
      new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    );
  });
  afterAll(() => {
    trace.disable();
    context.disable();
  });

  it('links the trace and its turn span both ways; the turn span parents the execution', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new TracingSession({ traceStore, executor: withTracing(executor) });
    executor.enqueue(toolTurn(session.sessionId));
    await drain(session.sendMessage('hi'));
    const stored = session.lastTrace!;
    const spans = exporter.getFinishedSpans();
    const turn = spans.find((s) => s.name === 'session.turn 1')!;
    expect(turn.attributes[TRACE_ID_ATTRIBUTE]).toBe(stored.traceId);
    expect(turn.attributes['ccflow.trace.status']).toBe('success');
    expect(stored.otelTraceId).toBe(turn.spanContext().traceId);
    expect(stored.otelSpanId).toBe(turn.spanContext().spanId);
    const agent = spans.find((s) => s.name.startsWith('invoke_agent'))!;
    expect(agent.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(spans.some((s) => s.name === 'ccflow.trace')).toBe(false);
  });
});
