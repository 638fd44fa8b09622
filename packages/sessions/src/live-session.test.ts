import { CliExecutionError, ConfigurationError, ConnectionClosedError } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { liveTurn, ScriptedProvider } from '../test/scripted-connection.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { Session } from './session.ts';
import { SessionManager } from './session-manager.ts';

async function drain(it: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of it) out.push(m);
  return out;
}

/** A promise and its resolver (Node 20 has no `Promise.withResolvers`). */
function latch(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const resultOf = (messages: Message[]) => messages.find((m) => m.type === 'result');

describe('Session on a live connection', () => {
  it('runs every turn on one leased connection, started under its id, and releases it on close', async () => {
    const id = '00000000-0000-4000-8000-0000000000a1';
    const provider = new ScriptedProvider([
      [liveTurn(id, 'one'), liveTurn(id, 'two'), liveTurn(id, 'three')],
    ]);
    const executor = new MockExecutor();
    const host = { onStderr: () => {} };
    const session = new Session({ sessionId: id, provider, executor, host, options: { model: 'sonnet' } });
    for (const prompt of ['first', 'second', 'third']) await drain(session.sendMessage(prompt));

    expect(provider.opened).toHaveLength(1);
    const { request, connection } = provider.opened[0]!;
    expect(request.options).toEqual({ model: 'sonnet', sessionId: id });
    expect(request.host).toBe(host);
    expect(connection.sent).toEqual(['first', 'second', 'third']);
    expect(executor.requests).toEqual([]);
    expect(session.turnCount).toBe(3);
    expect(provider.opened[0]!.released).toBeUndefined();
    await session.close();
    expect(provider.opened[0]!.released).toEqual({ reusable: true });
  });

  it("counts each turn's own cost, though the process's total_cost_usd runs across turns", async () => {
    const id = '00000000-0000-4000-8000-0000000000a2';
    const provider = new ScriptedProvider([
      [
        liveTurn(id, 'one', { costUsd: 0.01, totalCostUsd: 0.01 }),
        liveTurn(id, 'two', { costUsd: 0.02, totalCostUsd: 0.03 }),
        liveTurn(id, 'three', { costUsd: 0.03, totalCostUsd: 0.06 }),
      ],
    ]);
    const session = new Session({ sessionId: id, provider });
    let last: Message | undefined;
    for (const prompt of ['a', 'b', 'c']) last = resultOf(await drain(session.sendMessage(prompt)));
    expect(session.totalCostUsd).toBeCloseTo(0.06, 12);
    expect(session.totalCostUsd).toBeCloseTo(last?.type === 'result' ? last.totalCostUsd : Number.NaN, 12);
    expect(session.totalInputTokens).toBe(30);
  });

  it('changes the model and permission mode by control request on the same process', async () => {
    const id = '00000000-0000-4000-8000-0000000000a3';
    const store = new MemorySessionStore();
    const provider = new ScriptedProvider([[liveTurn(id, 'one'), liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider, store, options: { model: 'sonnet' } });
    await drain(session.sendMessage('first'));
    await session.setOptions({ model: 'haiku', permissionMode: 'plan' });
    expect(session.options).toMatchObject({ model: 'haiku', permissionMode: 'plan' });
    expect((await store.load(id))?.options).toMatchObject({ model: 'haiku', permissionMode: 'plan' });
    await drain(session.sendMessage('second'));

    expect(provider.opened).toHaveLength(1);
    expect(provider.opened[0]!.connection.controls).toEqual([
      { subtype: 'set_permission_mode', mode: 'plan' },
      { subtype: 'set_model', model: 'haiku' },
    ]);
    expect(session.state.model).toBe('haiku');
  });

  it('starts a new process that resumes the session for a change the CLI takes only at start-up', async () => {
    const id = '00000000-0000-4000-8000-0000000000a4';
    const provider = new ScriptedProvider([[liveTurn(id, 'one')], [liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider, options: { systemPrompt: 'Be brief' } });
    await drain(session.sendMessage('first'));
    await session.setOptions({ systemPrompt: 'Be verbose', timeoutMs: 60_000 });
    await drain(session.sendMessage('second'));

    expect(provider.opened.map((o) => o.request.options)).toEqual([
      { systemPrompt: 'Be brief', sessionId: id },
      { systemPrompt: 'Be verbose', timeoutMs: 60_000, resume: id },
    ]);
    // Nothing went wrong with the first process: a pool may lend it again.
    expect(provider.opened[0]!.released).toEqual({ reusable: true });
    expect(provider.opened[0]!.connection.controls).toEqual([]);
  });

  it('starts a new process when the CLI refuses a control request', async () => {
    const id = '00000000-0000-4000-8000-0000000000a5';
    const provider = new ScriptedProvider([[liveTurn(id, 'one')], [liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider });
    await drain(session.sendMessage('first'));
    provider.opened[0]!.connection.refuse.add('set_permission_mode');
    await session.setOptions({ permissionMode: 'bypassPermissions' });
    await drain(session.sendMessage('second'));

    expect(provider.opened).toHaveLength(2);
    expect(provider.opened[0]!.released).toEqual({ reusable: false });
    expect(provider.opened[1]!.request.options).toEqual({ permissionMode: 'bypassPermissions', resume: id });
  });

  it('replaces a lost connection on the next turn, resuming the session by id', async () => {
    const id = '00000000-0000-4000-8000-0000000000a6';
    const provider = new ScriptedProvider([[liveTurn(id, 'one')], [liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider });
    await drain(session.sendMessage('first'));
    provider.opened[0]!.connection.kill();
    const second = await drain(session.sendMessage('second'));

    expect(resultOf(second)).toMatchObject({ isError: false, result: 'two' });
    expect(provider.opened.map((o) => o.request.options)).toEqual([{ sessionId: id }, { resume: id }]);
    expect(provider.opened[0]!.released).toEqual({ reusable: false });
    expect(session.turnCount).toBe(2);
  });

  it('releases the connection as not reusable when a turn fails, and the next turn resumes on a new one', async () => {
    const id = '00000000-0000-4000-8000-0000000000a7';
    const stalled = { ...liveTurn(id, 'never'), stall: true };
    const provider = new ScriptedProvider([[stalled], [liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider });
    const turn = session.sendMessage('first');
    await turn.next(); // init: the turn is running
    provider.opened[0]!.connection.kill();
    await expect(drain(turn)).rejects.toBeInstanceOf(CliExecutionError);
    expect(provider.opened[0]!.released).toEqual({ reusable: false });
    expect(session.status).toBe('error');

    await drain(session.sendMessage('second'));
    expect(provider.opened[1]!.request.options).toEqual({ resume: id });
    expect(session.status).toBe('active');
  });

  it('releases the connection as not reusable when the caller stops reading mid-turn', async () => {
    const id = '00000000-0000-4000-8000-0000000000a8';
    const provider = new ScriptedProvider([[{ ...liveTurn(id, 'x'), stall: true }]]);
    const session = new Session({ sessionId: id, provider });
    for await (const _ of session.sendMessage('first')) break;
    expect(provider.opened[0]!.released).toEqual({ reusable: false });
    expect(provider.opened[0]!.connection.isOpen).toBe(false);
  });

  it('interrupt(): the turn ends with its result, without a throw, and the process serves the next turn', async () => {
    const id = '00000000-0000-4000-8000-0000000000a9';
    const provider = new ScriptedProvider([[{ ...liveTurn(id, 'long'), stall: true }, liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider });
    const seen: Message[] = [];
    for await (const m of session.sendMessage('first')) {
      seen.push(m);
      if (m.type === 'assistant') await session.interrupt();
    }
    expect(resultOf(seen)).toMatchObject({ isError: true, subtype: 'error_during_execution' });
    expect(provider.opened[0]!.connection.interrupts).toBe(1);
    expect(session.status).toBe('active'); // asked for, not a failure
    await session.interrupt(); // no turn running: nothing happens
    expect(provider.opened[0]!.connection.interrupts).toBe(1);

    const second = await drain(session.sendMessage('second'));
    expect(resultOf(second)).toMatchObject({ isError: false, result: 'two' });
    expect(provider.opened).toHaveLength(1);
    expect(session.turnCount).toBe(2);
  });

  it('gives a fork its own connection, which branches from the parent when it runs', async () => {
    const parentId = '00000000-0000-4000-8000-0000000000b1';
    const provider = new ScriptedProvider([
      [liveTurn(parentId, 'one'), liveTurn(parentId, 'three')],
      (request) => [liveTurn(request.options!.sessionId!, 'two')],
    ]);
    const parent = new Session({ sessionId: parentId, provider });
    await drain(parent.sendMessage('first'));
    const child = await parent.fork();
    expect(provider.opened).toHaveLength(1);

    await drain(child.sendMessage('second'));
    await drain(parent.sendMessage('third'));
    expect(provider.opened.map((o) => o.request.options)).toEqual([
      { sessionId: parentId },
      { resume: parentId, forkSession: true, sessionId: child.sessionId },
    ]);
    expect(provider.opened[0]!.connection.sent).toEqual(['first', 'third']);
    expect(provider.opened[1]!.connection.sent).toEqual(['second']);
    expect(child.parentSessionId).toBe(parentId);
  });

  it('releases the lease on `await using` and on expiry', async () => {
    const provider = new ScriptedProvider([
      (request) => [liveTurn(request.options!.sessionId!, 'one')],
      (request) => [liveTurn(request.options!.sessionId!, 'two')],
    ]);
    {
      await using session = new Session({ provider });
      await drain(session.sendMessage('first'));
    }
    expect(provider.opened[0]!.released).toEqual({ reusable: true });

    const other = new Session({ provider });
    await drain(other.sendMessage('second'));
    await other.expire();
    expect(provider.opened[1]!.released).toEqual({ reusable: true });
  });

  it('interrupting a turn still getting its connection sends nothing; the next turn uses the connection', async () => {
    const id = '00000000-0000-4000-8000-0000000000b4';
    const provider = new ScriptedProvider([[liveTurn(id, 'two')]]);
    const session = new Session({ sessionId: id, provider });
    const opening = latch();
    const proceed = latch();
    provider.beforeOpen = () => {
      opening.resolve();
      return proceed.promise;
    };
    const first = drain(session.sendMessage('first'));
    await opening.promise;
    await session.interrupt();
    proceed.resolve();
    expect(await first).toEqual([]);
    expect(provider.opened[0]!.connection.sent).toEqual([]);
    expect(provider.opened[0]!.released).toBeUndefined();

    const second = await drain(session.sendMessage('second'));
    expect(resultOf(second)).toMatchObject({ result: 'two' });
    expect(provider.opened).toHaveLength(1);
  });

  it('closing while a turn gets its connection gives the connection back unused', async () => {
    const id = '00000000-0000-4000-8000-0000000000b5';
    const provider = new ScriptedProvider([[liveTurn(id, 'never')]]);
    const session = new Session({ sessionId: id, provider });
    const opening = latch();
    const proceed = latch();
    provider.beforeOpen = () => {
      opening.resolve();
      return proceed.promise;
    };
    const first = drain(session.sendMessage('first'));
    await opening.promise;
    await session.close();
    proceed.resolve();
    expect(await first).toEqual([]);
    expect(provider.opened[0]!.connection.sent).toEqual([]);
    expect(provider.opened[0]!.released).toEqual({ reusable: true });
  });

  it('closing during a turn ends its process', async () => {
    const id = '00000000-0000-4000-8000-0000000000b3';
    const provider = new ScriptedProvider([[{ ...liveTurn(id, 'x'), stall: true }]]);
    const session = new Session({ sessionId: id, provider });
    const turn = session.sendMessage('first');
    await turn.next();
    await session.close();
    expect(provider.opened[0]!.released).toEqual({ reusable: false });
    await expect(drain(turn)).rejects.toBeInstanceOf(ConnectionClosedError);
  });
});

describe('Session.setOptions', () => {
  it('runs the next turns with the new options, without a provider too', async () => {
    const id = '00000000-0000-4000-8000-0000000000c1';
    const turn = (text: string) => [
      mockLines.init({ sessionId: id }),
      mockLines.result({ sessionId: id, result: text }),
    ];
    const executor = new MockExecutor([turn('one'), turn('two')]);
    const session = new Session({ sessionId: id, executor, options: { model: 'sonnet', maxTurns: 2 } });
    await drain(session.sendMessage('first'));
    await session.setOptions({ model: 'haiku', maxTurns: undefined, resume: 'other' });
    await drain(session.sendMessage('second'));
    expect(executor.requests.map((r) => r.options)).toEqual([
      { model: 'sonnet', maxTurns: 2, sessionId: id },
      { model: 'haiku', resume: id },
    ]);
  });

  it('refuses bad options and a change of redaction, keeping the options it had', async () => {
    const session = new Session({ options: { model: 'sonnet' } });
    await expect(session.setOptions({ maxTurns: -1 })).rejects.toBeInstanceOf(ConfigurationError);
    await expect(session.setOptions({ modle: 'x' } as never)).rejects.toBeInstanceOf(ConfigurationError);
    await expect(session.setOptions({ redaction: { patterns: [] } } as never)).rejects.toBeInstanceOf(
      ConfigurationError,
    );
    expect(session.options).toEqual({ model: 'sonnet' });
  });
});

describe('Session.interrupt without a provider', () => {
  it('stops the turn: it ends with the failed result the executor writes, no throw, and the next turn resumes', async () => {
    const id = '00000000-0000-4000-8000-0000000000d1';
    const executor = new MockExecutor();
    executor.enqueue(async function* (request) {
      yield* new MockExecutor([[mockLines.init({ sessionId: id })]]).execute(request);
      // A stopped CLI: the executor writes a failed result and throws the signal's reason.
      const signal = request.signal!;
      if (!signal.aborted)
        await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      yield* new MockExecutor([
        [mockLines.result({ sessionId: id, subtype: 'error_during_execution', isError: true })],
      ]).execute({ prompt: '' });
      throw request.signal?.reason;
    });
    executor.enqueue([mockLines.init({ sessionId: id }), mockLines.result({ sessionId: id, result: 'two' })]);
    const session = new Session({ sessionId: id, executor });
    const seen: Message[] = [];
    for await (const m of session.sendMessage('first')) {
      seen.push(m);
      if (m.type === 'system') await session.interrupt();
    }
    expect(resultOf(seen)).toMatchObject({ isError: true });
    expect(session.status).toBe('active');
    expect(session.state.lastError).toBeUndefined();
    await drain(session.sendMessage('second'));
    expect(executor.requests[1]!.options).toEqual({ resume: id });
    expect(session.status).toBe('active');
  });

  it('still throws an abort from the caller', async () => {
    const executor = new MockExecutor([{ lines: [mockLines.init(), mockLines.result()], delayMs: 20 }]);
    const session = new Session({ executor });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const turn = drain(session.sendMessage('first', { signal: controller.signal }));
    controller.abort(reason);
    await expect(turn).rejects.toBe(reason);
  });
});

describe('SessionManager with a provider', () => {
  it('gives the sessions it creates and loads the provider', async () => {
    const id = '00000000-0000-4000-8000-0000000000e1';
    const provider = new ScriptedProvider([[liveTurn(id, 'one')], [liveTurn(id, 'two')]]);
    await using manager = new SessionManager({ provider, autoCleanup: false });
    const session = await manager.createSession({ sessionId: id });
    await drain(session.sendMessage('first'));
    await session.close();
    await manager.store.save({ ...session.state, status: 'active' });
    await using other = new SessionManager({ provider, store: manager.store, autoCleanup: false });
    const loaded = await other.getSession(id);
    await drain(loaded!.sendMessage('second'));
    expect(provider.opened.map((o) => o.request.options)).toEqual([{ sessionId: id }, { resume: id }]);
  });
});
