import { ConfigurationError, ConnectionClosedError, type ExecuteRequest, runTurn } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeSpawner } from '../test/fake-cli.ts';
import { PoolClosedError, PoolWaitTimeoutError } from './errors.ts';
import { WarmPool, type WarmPoolOptions } from './warm-pool.ts';

// The pool's bookkeeping on fake CLIs (the `spawn` seam): reuse and reset, sizing, back-pressure, eviction, drain.
// The real CLI's side (isolation after /clear, a killed process, RSS, no process left) is test/warm-pool.cli.test.ts.

const pools: WarmPool[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(options: WarmPoolOptions = {}) {
  const spawner = fakeSpawner();
  const p = new WarmPool({ minProcesses: 0, ...options, spawn: spawner.spawn as WarmPoolOptions['spawn'] });
  pools.push(p);
  return { pool: p, started: spawner.started };
}

async function run(p: WarmPool, prompt: string, request: Partial<ExecuteRequest> = {}): Promise<Message[]> {
  const messages: Message[] = [];
  for await (const m of p.execute({ prompt, ...request })) messages.push(m);
  return messages;
}

const sessionOf = (messages: Message[]) => messages.find((m) => m.type === 'result')?.sessionId;
const settle = () => new Promise((r) => setTimeout(r, 5));
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await settle();
  expect(condition()).toBe(true);
};

describe('reuse', () => {
  it('serves independent queries on one process, reset with /clear in between (a new session each)', async () => {
    const { pool: p, started } = pool();
    const first = await run(p, 'one');
    await until(() => p.stats.idle === 1);
    const second = await run(p, 'two');
    expect(started).toHaveLength(1);
    expect(started[0]!.cli.sent.slice(0, 3)).toEqual(['one', '/clear', 'two']);
    expect(sessionOf(second)).not.toBe(sessionOf(first));
  });

  it('a query waits for a process of its key that is resetting rather than start another', async () => {
    const { pool: p, started } = pool();
    await run(p, 'one');
    expect(p.stats.resetting + p.stats.idle).toBe(1);
    await run(p, 'two'); // straight after: the reset is still under way
    expect(started).toHaveLength(1);
  });

  it('pre-starts minProcesses for warmOptions, which queries with those options take', async () => {
    const { pool: p, started } = pool({ minProcesses: 2, warmOptions: { model: 'haiku' } });
    await p.ready();
    expect(p.stats).toEqual({ idle: 2, busy: 0, starting: 0, resetting: 0 });
    expect(started.map((s) => s.options)).toEqual([{ model: 'haiku' }, { model: 'haiku' }]);
    await run(p, 'q', { options: { model: 'haiku', timeoutMs: 5000 } }); // per-turn options do not matter
    expect(started).toHaveLength(2);
    await run(p, 'q', { options: { model: 'opus' } });
    expect(started).toHaveLength(3);
  });

  it('with reuse "fresh", ends each used process and starts its replacement in the background', async () => {
    const { pool: p, started } = pool({ reuse: 'fresh', minProcesses: 1 });
    await p.ready();
    await run(p, 'one');
    await until(() => p.stats.idle === 1 && started.length === 2);
    expect(started[0]!.cli.closed).toBe(true);
    expect(started[0]!.cli.sent).toEqual(['one']);
    await run(p, 'two');
    expect(started[1]!.cli.sent).toEqual(['two']);
  });
});

describe('what is not shared', () => {
  it('a request naming a CLI session, or with host callbacks, gets its own process, ended after it', async () => {
    const { pool: p, started } = pool({ minProcesses: 1 });
    await p.ready();
    const lease = await p.open({ options: { sessionId: '0f0e0d0c-0b0a-4909-8807-060504030201' } });
    expect(started).toHaveLength(2);
    await lease.release();
    expect(started[1]!.cli.closed).toBe(true);
    await run(p, 'q', { host: { onStderr: () => {} } });
    expect(started).toHaveLength(3);
    expect(started[2]!.cli.closed).toBe(true);
    expect(started[0]!.cli.sent).toEqual([]); // the warm one was never lent to them
  });

  it('a process released as not reusable, changed by control, or with a turn left unread is ended', async () => {
    const { pool: p, started } = pool();
    const a = await p.open({});
    await a.release({ reusable: false });
    const b = await p.open({});
    await b.connection.control({ subtype: 'set_model', model: 'haiku' });
    await b.release();
    const c = await p.open({});
    await c.connection.send('unread');
    await c.release();
    expect(started.map((s) => s.cli.closed)).toEqual([true, true, true]);
    expect(p.stats.idle).toBe(0);
  });

  it('a process whose /clear reports background tasks still running is ended, not reused', async () => {
    const { pool: p, started } = pool();
    const lease = await p.open({});
    started[0]!.cli.backgroundTasks = 1;
    for await (const _ of runTurn(lease.connection, { prompt: 'start a background task' }));
    await lease.release();
    await until(() => started[0]!.cli.closed);
    await run(p, 'next');
    expect(started).toHaveLength(2);
  });

  it('a released lease is dead to its holder: it cannot reach the process lent to the next one', async () => {
    const { pool: p } = pool();
    const lease = await p.open({});
    const stale = lease.connection;
    await lease.release();
    expect(stale.isOpen).toBe(false);
    await expect(stale.send('late')).rejects.toSatisfy((e) => ConnectionClosedError.isInstance(e));
    await expect(stale.control({ subtype: 'set_model', model: 'x' })).rejects.toSatisfy((e) =>
      ConnectionClosedError.isInstance(e),
    );
  });
});

describe('sizing and health', () => {
  it('waits for a free process when all are busy, then fails with PoolWaitTimeoutError', async () => {
    const { pool: p } = pool({ maxProcesses: 1, acquireTimeoutMs: 50 });
    const held = await p.open({});
    const started = performance.now();
    await expect(p.open({})).rejects.toSatisfy((e) => PoolWaitTimeoutError.isInstance(e));
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    const waiting = p.open({});
    await held.release();
    const next = await waiting;
    expect(next.connection.isOpen).toBe(true);
    await next.release();
  });

  it('a waiting request gives up at its signal', async () => {
    const { pool: p } = pool({ maxProcesses: 1 });
    await p.open({});
    const abort = new AbortController();
    const waiting = p.open({ signal: abort.signal });
    abort.abort(new Error('no longer needed'));
    await expect(waiting).rejects.toThrow('no longer needed');
  });

  it('ends an idle process of another key to make room', async () => {
    const { pool: p, started } = pool({ maxProcesses: 1 });
    await run(p, 'a', { options: { model: 'haiku' } });
    await until(() => p.stats.idle === 1);
    await run(p, 'b', { options: { model: 'opus' } });
    expect(started).toHaveLength(2);
    expect(started[0]!.cli.closed).toBe(true);
  });

  it('replaces a process after maxUses', async () => {
    const { pool: p, started } = pool({ maxUses: 2 });
    for (const q of ['1', '2', '3']) {
      await run(p, q);
      await until(() => p.stats.resetting === 0);
    }
    expect(started.map((s) => s.cli.sent)).toEqual([
      ['1', '/clear', '2'],
      ['3', '/clear'],
    ]);
  });

  it('ends idle processes after idleTtlMs, but keeps minProcesses', async () => {
    const { pool: p, started } = pool({ minProcesses: 1, idleTtlMs: 20 });
    await p.ready();
    const [a, b] = [await p.open({}), await p.open({})];
    await Promise.all([a.release(), b.release()]);
    expect(p.stats.idle).toBe(2);
    await until(() => p.stats.idle === 1);
    await new Promise((r) => setTimeout(r, 60));
    expect(p.stats.idle).toBe(1);
    expect(started.filter((s) => s.cli.closed)).toHaveLength(1);
  });

  it('ends a process over maxRssBytes when it is released', async () => {
    const { pool: p, started } = pool({ maxRssBytes: 1024 }); // the fakes report this process's RSS
    await run(p, 'q');
    expect(started[0]!.cli.closed).toBe(true);
    expect(p.stats.idle + p.stats.resetting).toBe(0);
  });

  it('replaces a process that died while idle, and never lends it', async () => {
    const { pool: p, started } = pool({ minProcesses: 1 });
    await p.ready();
    started[0]!.cli.kill();
    await run(p, 'q');
    expect(started[0]!.cli.sent).toEqual([]);
    expect(started[1]!.cli.sent[0]).toBe('q');
    await until(() => p.stats.idle === 1);
  });

  it('refuses bad sizes with ConfigurationError', () => {
    expect(() => new WarmPool({ maxProcesses: 0 })).toThrow(ConfigurationError);
    expect(() => new WarmPool({ minProcesses: 3, maxProcesses: 2 })).toThrow(/minProcesses/);
    expect(() => new WarmPool({ reuse: 'never' as 'fresh' })).toThrow(/reuse/);
    expect(() => new WarmPool({ warmOptions: { resume: 'abc' } })).toThrow(/warmOptions/);
    expect(() => new WarmPool({ warmOptions: { modle: 'x' } as never })).toThrow(/did you mean model/);
  });
});

describe('close', () => {
  it('lets a running turn finish, ends every process, and refuses new and waiting requests', async () => {
    const { pool: p, started } = pool({ maxProcesses: 1 });
    let finish!: () => void;
    const lease = await p.open({});
    const cli = started[0]!.cli;
    cli.hold = new Promise<void>((r) => {
      finish = r;
    });
    await lease.connection.send('long');
    const waiting = p.open({});
    const closing = p.close();
    await expect(waiting).rejects.toSatisfy((e) => PoolClosedError.isInstance(e));
    await expect(p.open({})).rejects.toSatisfy((e) => PoolClosedError.isInstance(e));
    await settle();
    expect(cli.closed).toBe(false); // the turn is still running
    finish();
    for await (const m of lease.connection.messages) if (m.type === 'result') break;
    await lease.release();
    await closing;
    expect(cli.closed).toBe(true);
    expect(p.stats).toEqual({ idle: 0, busy: 0, starting: 0, resetting: 0 });
  });

  it('starts no process while it closes: ending the idle minProcesses does not replenish them', async () => {
    const { pool: p, started } = pool({ minProcesses: 2 });
    await p.ready();
    await p.close();
    expect(started).toHaveLength(2);
    expect(started.map((s) => s.cli.closed)).toEqual([true, true]);
  });

  it('stops a turn still running after drainTimeoutMs; a lease between turns is ended at once', async () => {
    const { pool: p, started } = pool({ drainTimeoutMs: 30 });
    const running = await p.open({});
    const between = await p.open({});
    started[0]!.cli.hold = new Promise(() => {});
    await running.connection.send('forever');
    const t = performance.now();
    await p.close();
    expect(performance.now() - t).toBeGreaterThanOrEqual(25);
    expect(started.map((s) => s.cli.closed)).toEqual([true, true]);
    await between.release(); // harmless after close
  });
});
