import { CliExecutor } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MemorySessionStore } from '@ccflow/sessions';
import { ClaudeSandbox, MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryProjectStore } from '../src/memory-project-store.ts';
import { MemoryTraceStore } from '../src/memory-trace-store.ts';
import { Project } from '../src/project.ts';
import type { TraceData } from '../src/trace-store.ts';
import type { TracingSession } from '../src/tracing-session.ts';

// Traces, replay and fork-at-trace with the real CLI. Seven CLI runs.

let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let executor: CliExecutor;
const traceStore = new MemoryTraceStore();
const sessionStore = new MemorySessionStore();
let project: Project;

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
  executor = new CliExecutor({ cliPath: box.cliPath, env: box.env, defaultOptions: { cwd: box.cwd } });
  project = new Project({
    name: 'cli',
    store: new MemoryProjectStore({ sessionStore }),
    traceStore,
    sessionStore,
    executor,
  });
  await project.save();
});
afterAll(async () => {
  box.close();
  await api.close();
});

/** Everything the model was shown in one request, as text. */
const seen = (r: RecordedRequest | undefined) => JSON.stringify(r?.body.messages ?? []);
const count = (text: string, part: string) => text.split(part).length - 1;
const drain = async (it: AsyncIterable<Message>) => {
  for await (const _ of it);
};

describe('TracingSession and Project with the real CLI', () => {
  let session: TracingSession;
  let traces: TraceData[];

  it('records three turns: prompt, answer, thinking, tool call and result, usage, pending while running', async () => {
    session = project.createSession(
      { env: { ANTHROPIC_API_KEY: 'sk-ant-secret-k3y' }, allowedTools: ['Bash(echo *)'] },
      { detailed: true },
    );
    let probe: Promise<TraceData[]> | undefined;
    api.enqueue((request) => {
      // Read the store while the CLI waits for this answer (the memory store copies synchronously).
      probe = traceStore.list({ sessionId: session.sessionId });
      expect(request.body.messages).toBeDefined();
      return reply.thinking('The user names a fruit.', 'Noted: apricot.');
    });
    await drain(session.sendMessage('Turn one: remember apricot.'));
    api.enqueue(reply.toolUse('Bash', { command: 'echo banana-tool' }), reply.text('Answer two: banana.'));
    await drain(session.sendMessage('Turn two: run echo.'));
    api.enqueue(reply.text('Answer three: cherry.'));
    await drain(session.sendMessage('Turn three: cherry.'));

    const during = await probe!;
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({
      status: 'pending',
      prompt: 'Turn one: remember apricot.',
      response: '',
    });

    traces = await session.getTraces();
    expect(traces.map((t) => [t.sequenceNumber, t.status])).toEqual([
      [1, 'success'],
      [2, 'success'],
      [3, 'success'],
    ]);
    const [t1, t2, t3] = traces as [TraceData, TraceData, TraceData];
    expect(t1).toMatchObject({
      response: 'Noted: apricot.',
      thinking: 'The user names a fruit.',
      toolCalls: [],
    });
    expect(t1.model).toMatch(/claude/);
    expect(t2.toolCalls).toEqual([
      expect.objectContaining({
        tool: 'Bash',
        args: expect.objectContaining({ command: 'echo banana-tool' }),
      }),
    ]);
    expect(t2.toolCalls[0]?.result).toContain('banana-tool');
    expect(t2.toolCalls[0]?.isError).toBe(false);
    expect(t2.response).toContain('Answer two: banana.');
    expect(t3.response).toBe('Answer three: cherry.');
    for (const t of traces) {
      expect(t.inputTokens).toBeGreaterThan(0);
      expect(t.outputTokens).toBeGreaterThan(0);
      expect(t.costUsd).toBeGreaterThan(0);
      expect(t.durationMs).toBeGreaterThan(0);
      expect(t.projectId).toBe(project.projectId);
      expect(t.messageStream?.length).toBeGreaterThan(0);
    }
    expect(t1.thinkingTokens).toBeGreaterThanOrEqual(0);
    // Each later turn records the uuid of the previous turn's last transcript line (an assistant line here).
    expect(t1.resumeAt).toBeUndefined();
    const lastAssistant = (t: TraceData) =>
      (t.messageStream as Array<{ type: string; uuid?: string }>).filter((m) => m.type === 'assistant').at(-1)
        ?.uuid;
    expect(t2.resumeAt).toBe(lastAssistant(t1));
    expect(t3.resumeAt).toBe(lastAssistant(t2));

    // The key reached the CLI, and no store holds it.
    expect(JSON.stringify(await traceStore.list())).not.toContain('sk-ant-secret');
    expect(JSON.stringify(await sessionStore.list())).not.toContain('sk-ant-secret');
    expect(t1.optionsSnapshot).toMatchObject({ env: { ANTHROPIC_API_KEY: '[redacted]' } });
  });

  it('replayFork of trace #2 carries exactly the turns before it', async () => {
    const t2 = traces[1]!;
    api.reset();
    api.enqueue(reply.text('Forked answer.'));
    const { session: fork, trace } = await project.replayFork(t2.traceId);
    const request = api.messageRequests.at(-1);
    const shown = seen(request);
    expect(shown).toContain('Turn one: remember apricot.');
    expect(shown).toContain('Noted: apricot.');
    expect(count(shown, 'Turn two: run echo.')).toBe(1); // re-sent once, the original cut off
    expect(shown).not.toContain('banana-tool');
    expect(shown).not.toContain('Answer two');
    expect(shown).not.toContain('Turn three');
    expect(shown).not.toContain('cherry');
    expect(request?.headers['x-claude-code-session-id']).toBe(fork.sessionId);
    expect(trace).toMatchObject({
      status: 'success',
      prompt: 'Turn two: run echo.',
      response: 'Forked answer.',
      parentTraceId: t2.traceId,
      resumeAt: t2.resumeAt,
    });
    expect(fork.session.parentSessionId).toBe(session.sessionId);
  });

  it('replayAsNew with another model sends only the original prompt, to that model', async () => {
    const t3 = traces[2]!;
    api.reset();
    api.enqueue(reply.text('Fresh answer.'));
    const { trace } = await project.replayAsNew(t3.traceId, { optionsOverride: { model: 'haiku' } });
    const request = api.messageRequests.at(-1);
    expect(request?.body.model).toMatch(/haiku/);
    expect(request?.body.model).not.toBe(t3.model);
    const shown = seen(request);
    expect(shown).toContain('Turn three: cherry.');
    expect(shown).not.toContain('apricot');
    expect(shown).not.toContain('Turn two');
    expect(trace).toMatchObject({ status: 'success', parentTraceId: t3.traceId, response: 'Fresh answer.' });
    expect(trace.optionsSnapshot).toMatchObject({ model: 'haiku' });
    expect(trace.model).toMatch(/haiku/);
  });

  it('an aborted turn is cancelled', async () => {
    api.reset();
    api.enqueue(reply.text('never finished', { stallAfterEvents: 1 }));
    const s = project.createSession();
    const controller = new AbortController();
    await expect(
      (async () => {
        for await (const m of s.sendMessage('Stall please.', { signal: controller.signal }))
          if (m.type === 'system' && m.subtype === 'init') setTimeout(() => controller.abort(), 300);
      })(),
    ).rejects.toThrow();
    expect(s.lastTrace).toMatchObject({ status: 'cancelled', prompt: 'Stall please.' });
    expect((await traceStore.load(s.lastTrace!.traceId))?.status).toBe('cancelled');
  });

  it('an API error is an error with its message', async () => {
    api.reset();
    api.enqueue(reply.error(500));
    const s = project.createSession();
    await drain(s.sendMessage('Fail please.')).catch(() => {});
    expect(s.lastTrace?.status).toBe('error');
    expect(s.lastTrace?.errorMessage).toMatch(/500|error/i);
    const summary = await project.getTraceSummary();
    expect(summary.byStatus).toMatchObject({ success: 5, error: 1, cancelled: 1, pending: 0 });
  });
});
