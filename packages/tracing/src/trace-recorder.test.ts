import type { Message } from '@ccflow/parser';
import { loadSession, MemorySessionStore, Session } from '@ccflow/sessions';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { MemoryTraceStore } from './memory-trace-store.ts';
import { TraceRecorder } from './trace-recorder.ts';

const drain = async (it: AsyncIterable<Message>) => {
  for await (const _ of it);
};

/** One turn answering `text`, and the line whose uuid a later fork can resume at. */
function turn(sessionId: string, text: string) {
  const line = mockLines.text(text, { sessionId });
  return {
    line,
    lines: [mockLines.init({ sessionId }), line, mockLines.result({ sessionId, result: text })],
  };
}

describe('TraceRecorder', () => {
  it("records a turn ended by the session's interrupt() as cancelled, not as an error", async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const recorder = new TraceRecorder({ traceStore });
    const session = new Session({ executor, observers: [recorder] });
    const id = session.sessionId;
    executor.enqueue(async function* (request) {
      yield* new MockExecutor([[mockLines.init({ sessionId: id })]]).execute(request);
      const signal = request.signal!;
      if (!signal.aborted) await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
      yield* new MockExecutor([
        [mockLines.result({ sessionId: id, subtype: 'error_during_execution', isError: true })],
      ]).execute({ prompt: '' });
      throw signal.reason;
    });
    for await (const m of session.sendMessage('long')) if (m.type === 'system') await session.interrupt();
    expect(recorder.lastTrace(session)).toMatchObject({ status: 'cancelled', errorMessage: 'interrupted' });
  });

  it("keeps the turn's per-model usage beside its cost, for pricing the turn again", async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const session = new Session({ executor, observers: [new TraceRecorder({ traceStore })] });
    const id = session.sessionId;
    const result = mockLines.result({
      sessionId: id,
      model: 'claude-haiku-4-5',
      costUsd: 0.25,
      totalCostUsd: 1,
    });
    executor.enqueue([mockLines.init({ sessionId: id }), result]);
    await drain(session.sendMessage('hi'));
    const [trace] = await traceStore.getSessionTraces(id);
    expect(trace).toMatchObject({
      costUsd: 0.25,
      modelUsage: { 'claude-haiku-4-5': { inputTokens: 10, outputTokens: 5, costUsd: 0.25 } },
    });
  });

  it('traces a plain Session, its forks and branches: one recorder, each session counted apart', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const recorder = new TraceRecorder({ traceStore });
    const a = new Session({ executor, observers: [recorder], projectId: 'p1' });
    const b = new Session({ executor, observers: [recorder] });
    const one = turn(a.sessionId, 'One.');
    const two = turn(a.sessionId, 'Two.');
    executor.enqueue(one.lines, turn(b.sessionId, 'Bee.').lines, two.lines);
    await drain(a.sendMessage('one'));
    await drain(b.sendMessage('bee'));
    await drain(a.sendMessage('two'));

    expect(recorder.traceCount(a)).toBe(2);
    expect(recorder.traceCount(b)).toBe(1);
    expect(recorder.lastTrace(a)).toMatchObject({
      sessionId: a.sessionId,
      projectId: 'p1',
      sequenceNumber: 2,
      prompt: 'two',
      response: 'Two.',
      resumeAt: one.line.uuid,
      status: 'success',
    });
    expect(recorder.lastTrace(b)).toMatchObject({
      sessionId: b.sessionId,
      sequenceNumber: 1,
      resumeAt: undefined,
    });
    expect(await traceStore.getSessionTraces(a.sessionId)).toHaveLength(2);

    // A fork carries the recorder: its first trace continues the count and resumes where the parent stood.
    const fork = await a.fork();
    executor.enqueue(turn(fork.sessionId, 'Forked.').lines);
    await drain(fork.sendMessage('fork'));
    expect(recorder.lastTrace(fork)).toMatchObject({
      sessionId: fork.sessionId,
      sequenceNumber: 3,
      response: 'Forked.',
      resumeAt: two.line.uuid,
    });
    expect(recorder.traceCount(fork)).toBe(1);
    expect(recorder.traceCount(a)).toBe(2);

    // A branch made by id records the point it starts after.
    const branch = await Session.branch(a.sessionId, { executor, observers: [recorder], at: 'u-7' });
    executor.enqueue(turn(branch.sessionId, 'Branched.').lines);
    await drain(branch.sendMessage('branch'));
    expect(recorder.lastTrace(branch)).toMatchObject({ sequenceNumber: 1, resumeAt: 'u-7' });
    expect(await traceStore.count()).toBe(5);
  });

  it('a session unknown to the recorder has no trace; lastTrace is a copy', async () => {
    const traceStore = new MemoryTraceStore();
    const executor = new MockExecutor();
    const recorder = new TraceRecorder({ traceStore, detailed: true });
    const session = new Session({ executor, observers: [recorder], store: new MemorySessionStore() });
    expect(recorder.lastTrace(session)).toBeUndefined();
    expect(recorder.traceCount(session)).toBe(0);
    executor.enqueue(turn(session.sessionId, 'Hi.').lines);
    await drain(session.sendMessage('hi'));
    const copy = recorder.lastTrace(session)!;
    expect((copy.messageStream as Message[]).map((m) => m.type)).toEqual([
      'system',
      'assistant',
      'text',
      'result',
    ]);
    copy.response = 'changed';
    expect(recorder.lastTrace(session)?.response).toBe('Hi.');
  });

  it('traces a session loaded from its store when given again (observers are never stored)', async () => {
    const traceStore = new MemoryTraceStore();
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const recorder = new TraceRecorder({ traceStore });
    const first = new Session({ executor, store, observers: [recorder] });
    executor.enqueue(turn(first.sessionId, 'One.').lines, turn(first.sessionId, 'Two.').lines);
    await drain(first.sendMessage('one'));
    const loaded = (await loadSession(first.sessionId, store, { executor, observers: [recorder] }))!;
    await drain(loaded.sendMessage('two'));
    expect(recorder.lastTrace(loaded)).toMatchObject({ sessionId: first.sessionId, sequenceNumber: 2 });
    expect((await traceStore.getSessionTraces(first.sessionId)).map((t) => t.prompt)).toEqual(['one', 'two']);
  });
});
