import type { Message } from '@ccflow/parser';
import { MemorySessionStore, StoreConflictError } from '@ccflow/sessions';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { MemoryProjectStore } from './memory-project-store.ts';
import { MemoryTraceStore } from './memory-trace-store.ts';
import { Project } from './project.ts';
import { TraceNotFoundError } from './trace-not-found-error.ts';

const drain = async (it: AsyncIterable<Message>) => {
  for await (const _ of it);
};

function env() {
  const sessionStore = new MemorySessionStore();
  return {
    store: new MemoryProjectStore({ sessionStore }),
    traceStore: new MemoryTraceStore(),
    sessionStore,
    executor: new MockExecutor(),
  };
}

/** A successful turn answering `text`, with the given usage. */
function turn(text: string, fields: { model?: string; inputTokens?: number; costUsd?: number } = {}) {
  return (request: { options?: { sessionId?: string; resume?: string } }) => {
    const sessionId = request.options?.sessionId ?? request.options?.resume;
    return new MockExecutor([
      [
        mockLines.init({ sessionId, model: fields.model }),
        mockLines.text(text, { sessionId }),
        mockLines.result({
          sessionId,
          result: text,
          inputTokens: fields.inputTokens,
          costUsd: fields.costUsd,
        }),
      ],
    ]).execute(request as never);
  };
}

describe('Project', () => {
  it('saves, loads, and nests to any depth', async () => {
    const e = env();
    const root = new Project({ ...e, name: 'root', description: 'top', metadata: { team: 'a' } });
    await root.save();
    const child = await root.createSubproject('child');
    const grandchild = await child.createSubproject('grandchild', { metadata: { depth: 2 } });
    const great = await grandchild.createSubproject('great');

    const loaded = await Project.load(great.projectId, e);
    expect(loaded?.data).toMatchObject({ name: 'great', parentProjectId: grandchild.projectId });
    expect((await (await loaded!.getParent())!.getParent())?.name).toBe('child');
    expect((await root.getSubprojects()).map((p) => p.name)).toEqual(['child']);
    expect((await Project.load(root.projectId, e))?.data).toEqual(root.data);
    expect(await Project.load('nope', e)).toBeUndefined();
  });

  it('sessions carry the project; traces are listed and summed with subprojects on request', async () => {
    const e = env();
    const root = new Project({ ...e, name: 'root' });
    await root.save();
    const child = await root.createSubproject('child');
    const grandchild = await child.createSubproject('grandchild');

    e.executor.enqueue(
      turn('a', { model: 'm-1', inputTokens: 10, costUsd: 0.1 }),
      turn('b', { model: 'm-1', inputTokens: 20, costUsd: 0.2 }),
      turn('c', { model: 'm-2', inputTokens: 30, costUsd: 0.3 }),
      { lines: [mockLines.init({ model: 'm-2' })], thenThrow: new Error('boom') },
    );
    const s1 = root.createSession({ model: 'sonnet' }, { tags: ['x'] });
    await drain(s1.sendMessage('one'));
    await drain(s1.sendMessage('two'));
    await drain(child.createSession().sendMessage('three'));
    await expect(drain(grandchild.createSession().sendMessage('four'))).rejects.toThrow('boom');

    expect(s1.projectId).toBe(root.projectId);
    expect((await e.store.getProjectSessions(root.projectId)).map((s) => s.sessionId)).toEqual([
      s1.sessionId,
    ]);
    expect((await root.getTraces()).map((t) => t.prompt)).toEqual(['one', 'two']);
    // Across sessions, order is by creation time (to the millisecond): compare as a set.
    expect((await root.getTraces({ includeSubprojects: true })).map((t) => t.prompt).sort()).toEqual([
      'four',
      'one',
      'three',
      'two',
    ]);
    expect(await root.getTraces({ includeSubprojects: true, limit: 3 })).toHaveLength(3);

    const summary = await root.getTraceSummary({ includeSubprojects: true });
    expect(summary).toMatchObject({
      totalTraces: 4,
      inputTokens: 60,
      byStatus: { pending: 0, success: 3, error: 1, cancelled: 0 },
      byModel: { 'm-1': { traces: 2, inputTokens: 30 }, 'm-2': { traces: 2, inputTokens: 30 } },
    });
    expect(summary.costUsd).toBeCloseTo(0.6);
    expect((await root.getTraceSummary()).totalTraces).toBe(2);
    expect((await child.getTraceSummary({ includeSubprojects: true })).totalTraces).toBe(2);
  });

  it('replayAsNew runs the prompt and context again in a new session, with overrides', async () => {
    const e = env();
    const project = new Project({ ...e, name: 'p' });
    const session = project.createSession({
      model: 'sonnet',
      env: { ANTHROPIC_API_KEY: 'sk-ant-k' },
      maxTurns: 3,
    });
    e.executor.enqueue(turn('first'), turn('second'), turn('replayed'));
    await drain(session.sendMessage('one'));
    await drain(session.sendMessage('two', { context: { n: 2 } }));
    const original = session.lastTrace!;

    const { session: replay, trace } = await project.replayAsNew(original.traceId, {
      optionsOverride: { model: 'opus' },
      detailed: true,
    });
    const request = e.executor.requests[2]!;
    expect(request.options).toMatchObject({ model: 'opus', maxTurns: 3, sessionId: replay.sessionId });
    // Redacted values are not replayed: secrets must come again with the override.
    expect(request.options?.env).toBeUndefined();
    expect(request.options?.resume).toBeUndefined();
    expect(request.prompt).toContain('two');
    expect(request.prompt).toContain('<context');
    expect(trace).toMatchObject({
      prompt: 'two',
      context: { n: 2 },
      parentTraceId: original.traceId,
      sequenceNumber: 1,
      response: 'replayed',
      status: 'success',
      projectId: project.projectId,
      metadata: { replayOf: original.traceId },
    });
    expect(trace.messageStream?.length).toBeGreaterThan(0);
  });

  it('replayFork branches the trace session at the point its prompt was sent', async () => {
    const e = env();
    const project = new Project({ ...e, name: 'p' });
    const session = project.createSession();
    e.executor.enqueue(turn('first'), turn('second'), turn('third'), turn('forked'), turn('fresh'));
    await drain(session.sendMessage('one'));
    await drain(session.sendMessage('two'));
    await drain(session.sendMessage('three'));
    const [t1, t2] = await session.getTraces();

    const { session: fork, trace } = await project.replayFork(t2!.traceId, {
      optionsOverride: { model: 'haiku' },
    });
    expect(e.executor.requests[3]?.options).toMatchObject({
      resume: session.sessionId,
      forkSession: true,
      resumeSessionAt: t2!.resumeAt,
      sessionId: fork.sessionId,
      model: 'haiku',
    });
    expect(trace).toMatchObject({ prompt: 'two', parentTraceId: t2!.traceId, resumeAt: t2!.resumeAt });
    expect(fork.session.parentSessionId).toBe(session.sessionId);

    // A first turn has nothing before it: a new session with the same prompt.
    const fresh = await project.replayFork(t1!.traceId);
    expect(e.executor.requests[4]?.options).toMatchObject({ sessionId: fresh.session.sessionId });
    expect(e.executor.requests[4]?.options?.resume).toBeUndefined();
    expect(fresh.trace.prompt).toBe('one');
  });

  it('replaying an unknown trace is TraceNotFoundError', async () => {
    const project = new Project({ ...env(), name: 'p' });
    await expect(project.replayAsNew('missing')).rejects.toBeInstanceOf(TraceNotFoundError);
    await expect(project.replayFork('missing')).rejects.toThrow('trace not found: missing');
  });
});

describe('Project versions', () => {
  it('saves again from the version it holds; a stale copy is refused with StoreConflictError, writing nothing', async () => {
    const e = env();
    const project = new Project({ ...e, name: 'p' });
    await project.save();
    await project.save();
    expect((await e.store.load(project.projectId))?.version).toBe(2);
    const a = (await Project.load(project.projectId, e))!;
    const b = (await Project.load(project.projectId, e))!;
    a.description = 'from a';
    await a.save();
    b.description = 'from b';
    const error = await b.save().catch((err: unknown) => err);
    expect(StoreConflictError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ id: project.projectId, expectedVersion: 2, actualVersion: 3 });
    expect(await e.store.load(project.projectId)).toMatchObject({ description: 'from a', version: 3 });
  });

  it('a traced session writes each trace twice (pending, then final) from the version its first write gave', async () => {
    const e = env();
    const project = new Project({ ...e, name: 'p' });
    e.executor.enqueue(turn('hi'));
    const session = project.createSession();
    await drain(session.sendMessage('hello'));
    const [trace] = await e.traceStore.list();
    expect(trace).toMatchObject({ status: 'success', version: 2 });
    expect(session.lastTrace?.version).toBe(2);
  });
});
