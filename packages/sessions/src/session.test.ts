import { CliExecutionError, ConfigurationError, decodeContextBlock } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { SessionBusyError, SessionClosedError } from './errors.ts';
import { resumeSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { Session } from './session.ts';

/** A scripted turn of session `id`: init, one text, a result with known usage. */
const turn = (id: string, text: string, usage = { inputTokens: 10, outputTokens: 4, costUsd: 0.01 }) => [
  mockLines.init({ sessionId: id }),
  mockLines.text(text, { sessionId: id }),
  mockLines.result({
    sessionId: id,
    result: text,
    ...usage,
    cacheReadTokens: 2,
    cacheWriteTokens: 1,
    thinkingTokens: 3,
  }),
];

async function drain(it: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of it) out.push(m);
  return out;
}

describe('Session', () => {
  it('chooses its id up front, saves before the first turn, starts the CLI session under it, then resumes', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new Session({
      options: { model: 'sonnet', systemPrompt: 'Be brief' },
      executor,
      store,
      tags: ['t'],
    });
    const id = session.sessionId;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    executor.enqueue(async function* (request) {
      // the state is findable before the CLI has printed anything
      expect(await store.load(id)).toMatchObject({
        sessionId: id,
        status: 'active',
        turnCount: 0,
        tags: ['t'],
      });
      yield* new MockExecutor([turn(id, 'one')]).execute(request);
    });
    executor.enqueue(turn(id, 'two'));
    await drain(session.sendMessage('first'));
    await drain(session.sendMessage('second'));
    expect(executor.requests.map((r) => r.options)).toEqual([
      { model: 'sonnet', systemPrompt: 'Be brief', sessionId: id },
      { model: 'sonnet', systemPrompt: 'Be brief', resume: id },
    ]);
    expect(session).toMatchObject({
      turnCount: 2,
      totalInputTokens: 20,
      totalOutputTokens: 8,
      totalCacheReadTokens: 4,
      totalCacheWriteTokens: 2,
      totalThinkingTokens: 6,
      totalCostUsd: 0.02,
    });
    expect(await store.load(id)).toMatchObject({
      turnCount: 2,
      totalCostUsd: 0.02,
      model: 'sonnet',
      systemPrompt: 'Be brief',
    });
  });

  it('ignores session-owned options the caller passed (sessionId, resume, fork, continue)', async () => {
    const executor = new MockExecutor();
    const session = new Session({
      options: {
        resume: 'other',
        forkSession: true,
        continueSession: true,
        sessionId: '00000000-0000-4000-8000-000000000001',
      },
      executor,
    });
    executor.enqueue(turn(session.sessionId, 'x'));
    await drain(session.sendMessage('hi'));
    expect(executor.requests[0]?.options).toEqual({ sessionId: session.sessionId });
  });

  it('a second message while a turn runs is SessionBusyError; the running turn is unharmed', async () => {
    const executor = new MockExecutor([{ lines: turn('s', 'slow'), delayMs: 20 }]);
    const session = new Session({ executor });
    const first = session.sendMessage('a')[Symbol.asyncIterator]();
    await first.next();
    await expect(drain(session.sendMessage('b'))).rejects.toBeInstanceOf(SessionBusyError);
    let rest = 1;
    while (!(await first.next()).done) rest++;
    expect(rest).toBe(4);
    expect(session.turnCount).toBe(1);
  });

  it('a failed turn keeps earlier turns and the session usable; the next turn resumes', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new Session({ executor, store });
    const id = session.sessionId;
    executor.enqueue(turn(id, 'ok'));
    executor.enqueue({
      lines: [mockLines.init({ sessionId: id })],
      thenThrow: new CliExecutionError({ message: 'crashed', exitCode: 1 }),
    });
    executor.enqueue([
      mockLines.result({ sessionId: id, isError: true, apiErrorStatus: 529, result: 'Overloaded' }),
    ]);
    executor.enqueue(turn(id, 'back'));
    await drain(session.sendMessage('1'));
    await expect(drain(session.sendMessage('2'))).rejects.toThrow('crashed');
    expect(session.status).toBe('error');
    expect((await store.load(id))?.lastError).toBe('crashed');
    await drain(session.sendMessage('3'));
    expect((await store.load(id))?.lastError).toBe('Overloaded');
    await drain(session.sendMessage('4'));
    expect(session.status).toBe('active');
    expect(await store.load(id)).toMatchObject({ status: 'active', lastError: undefined, turnCount: 3 });
    expect(executor.requests.slice(1).map((r) => r.options?.resume)).toEqual([id, id, id]);
  });

  it('an aborted first turn before the CLI started leaves the next turn starting it again', async () => {
    const executor = new MockExecutor();
    const session = new Session({ executor });
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    executor.enqueue(turn(session.sessionId, 'never'), turn(session.sessionId, 'now'));
    await expect(drain(session.sendMessage('a', { signal: controller.signal }))).rejects.toThrow('stop');
    await drain(session.sendMessage('b'));
    expect(executor.requests.map((r) => r.options)).toEqual([
      { sessionId: session.sessionId },
      { sessionId: session.sessionId },
    ]);
  });

  it('fork branches from the conversation as it stands, with a new id; the parent goes on by itself', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const parent = new Session({ executor, store, tags: ['p'], options: { model: 'opus' } });
    executor.enqueue(turn(parent.sessionId, 'shared'));
    await drain(parent.sendMessage('shared question'));
    const child = await parent.fork();
    expect(child.sessionId).not.toBe(parent.sessionId);
    expect(child.parentSessionId).toBe(parent.sessionId);
    expect(await store.load(child.sessionId)).toMatchObject({
      parentSessionId: parent.sessionId,
      status: 'active',
    });
    executor.enqueue(
      turn(child.sessionId, 'child'),
      turn(child.sessionId, 'child again'),
      turn(parent.sessionId, 'parent'),
    );
    await drain(child.sendMessage('child question'));
    await drain(child.sendMessage('child again'));
    await drain(parent.sendMessage('parent question'));
    expect(executor.requests.slice(1).map((r) => r.options)).toEqual([
      { model: 'opus', resume: parent.sessionId, forkSession: true, sessionId: child.sessionId },
      { model: 'opus', resume: child.sessionId },
      { model: 'opus', resume: parent.sessionId },
    ]);
    // A fork of a fork that has not run yet branches from the same point.
    const grandchild = await (await parent.fork()).fork();
    executor.enqueue(turn(grandchild.sessionId, 'g'));
    await drain(grandchild.sendMessage('g'));
    expect(executor.requests.at(-1)?.options).toMatchObject({ resume: parent.sessionId, forkSession: true });
  });

  it('close returns the stats, marks the stored state closed, and takes no more messages; await using closes', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    let id = '';
    {
      await using session = new Session({ executor, store });
      id = session.sessionId;
      executor.enqueue(turn(id, 'x', { inputTokens: 7, outputTokens: 2, costUsd: 0.5 }));
      await drain(session.sendMessage('x'));
      const stats = await session.close();
      expect(stats).toMatchObject({
        sessionId: id,
        turnCount: 1,
        totalInputTokens: 7,
        totalOutputTokens: 2,
        totalCostUsd: 0.5,
      });
      expect(session.isClosed).toBe(true);
      await expect(drain(session.sendMessage('y'))).rejects.toBeInstanceOf(SessionClosedError);
      await expect(session.fork()).rejects.toBeInstanceOf(SessionClosedError);
      expect(await session.close()).toEqual(stats);
    }
    expect((await store.load(id))?.status).toBe('closed');
    const other = new Session({ executor, store });
    {
      await using _closes = other;
    }
    expect(other.isClosed).toBe(true);
  });

  it('never stores secrets: env, settings.env, MCP env and headers are dropped', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new Session({
      executor,
      store,
      options: {
        env: { ANTHROPIC_API_KEY: 'sk-secret-1' },
        settings: { env: { TOKEN: 'sk-secret-2' }, model: 'opus' },
        mcpServers: {
          db: { transport: 'stdio', command: 'db-mcp', env: { PASSWORD: 'sk-secret-3' } },
          web: {
            transport: 'http',
            url: 'http://127.0.0.1:1/mcp',
            headers: { authorization: 'Bearer sk-secret-4' },
          },
        },
      },
    });
    executor.enqueue(turn(session.sessionId, 'x'));
    await drain(session.sendMessage('x'));
    const stored = JSON.stringify(await store.load(session.sessionId));
    expect(stored).not.toMatch(/sk-secret/);
    expect(stored).toContain('db-mcp');
    // the live session still runs with them
    expect(executor.requests[0]?.options?.env).toEqual({ ANTHROPIC_API_KEY: 'sk-secret-1' });
  });

  it('passes its host to every turn and never stores it', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const onStderr = () => {};
    const session = new Session({ executor, store, host: { onStderr } });
    executor.enqueue(turn(session.sessionId, 'a'));
    await drain(session.sendMessage('a'));
    const fork = await session.fork();
    executor.enqueue(turn(fork.sessionId, 'b'));
    await drain(fork.sendMessage('b'));
    expect(executor.requests.map((r) => r.host?.onStderr)).toEqual([onStderr, onStderr]);
    const stored = await store.load(session.sessionId);
    expect(JSON.stringify(stored)).not.toContain('onStderr');
  });

  it('attaches the turn context to the prompt', async () => {
    const executor = new MockExecutor();
    const session = new Session({ executor });
    executor.enqueue(turn(session.sessionId, 'x'));
    await drain(session.sendMessage('Summarise', { context: { users: [{ id: 1, name: 'Ada' }] } }));
    expect(executor.requests[0]?.prompt).toMatch(/^Summarise\n/);
    expect(executor.requests[0]?.prompt).toContain('Ada');
    expect(session.lastCompressionRatio).toBeGreaterThan(0);
  });

  it('attaches options.context once: the executor gets the prompt with it, and no context to attach again', async () => {
    const executor = new MockExecutor();
    const users = { users: [{ id: 1, name: 'Ada' }] };
    const session = new Session({ executor, options: { model: 'opus', context: users } });
    executor.enqueue(turn(session.sessionId, 'x'));
    await drain(session.sendMessage('Summarise'));
    const request = executor.requests[0]!;
    expect(request.options).not.toHaveProperty('context');
    expect(request.options).toMatchObject({ model: 'opus' });
    expect(decodeContextBlock(String(request.prompt))?.context).toEqual(users);
    expect(String(request.prompt).match(/<context format=/g)).toHaveLength(1);
    expect(session.options.context).toEqual(users); // still the session's, for the next turns
  });

  it('refuses options with an unknown name when it is made', () => {
    expect(() => new Session({ options: { maxBudgetUSD: 1 } as never })).toThrow(ConfigurationError);
  });

  it('loads stored options that carry names an earlier version accepted (verbose, toon.encodeToolResults)', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const old = new Session({ options: { model: 'opus' }, store, executor });
    executor.enqueue(turn(old.sessionId, 'one'));
    await drain(old.sendMessage('first'));
    const state = await store.load(old.sessionId);
    const legacy = { model: 'opus', verbose: false, toon: { delimiter: '|', encodeToolResults: true } };
    await store.save({ ...state!, options: legacy as never });

    const loaded = Session.fromState((await store.load(old.sessionId))!, { store, executor });
    expect(loaded.options).toEqual({ model: 'opus', toon: { delimiter: '|' } });
    executor.enqueue(turn(old.sessionId, 'two'));
    await drain(loaded.sendMessage('second'));
    expect(executor.requests[1]?.options).toEqual({
      model: 'opus',
      toon: { delimiter: '|' },
      resume: old.sessionId,
    });
  });
});

describe('Session.branch', () => {
  it('starts a new session from another one, up to a given message, and records the parent', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const parentId = '00000000-0000-4000-8000-0000000000aa';
    const branch = await Session.branch(parentId, {
      at: 'msg-uuid-3',
      executor,
      store,
      options: { model: 'haiku' },
    });
    expect(await store.load(branch.sessionId)).toMatchObject({ parentSessionId: parentId, turnCount: 0 });
    executor.enqueue(turn(branch.sessionId, 'a'), turn(branch.sessionId, 'b'));
    for await (const _ of branch.sendMessage('x'));
    for await (const _ of branch.sendMessage('y'));
    expect(executor.requests.map((r) => r.options)).toEqual([
      {
        model: 'haiku',
        resume: parentId,
        forkSession: true,
        sessionId: branch.sessionId,
        resumeSessionAt: 'msg-uuid-3',
      },
      { model: 'haiku', resume: branch.sessionId },
    ]);
  });
});

describe('resumeSession', () => {
  it('without a store, resumes a CLI session known only by its id from the first turn', async () => {
    const executor = new MockExecutor();
    const id = '00000000-0000-4000-8000-0000000000bb';
    const session = await resumeSession(id, { model: 'haiku' }, undefined, executor);
    executor.enqueue(turn(id, 'again'));
    await drain(session.sendMessage('again'));
    expect(executor.requests[0]?.options).toEqual({ model: 'haiku', resume: id });
    // From stored state it resumes only once the CLI has the session.
    const fresh = Session.fromState(new Session({ executor }).state, { executor });
    executor.enqueue(turn(fresh.sessionId, 'new'));
    await drain(fresh.sendMessage('new'));
    expect(executor.requests[1]?.options).toEqual({ sessionId: fresh.sessionId });
  });
});
