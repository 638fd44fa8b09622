import { runtime } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SESSION_MANAGER } from './default-manager.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { SessionManager } from './session-manager.ts';

const turn = (id: string) => [
  mockLines.init({ sessionId: id }),
  mockLines.result({ sessionId: id, result: 'ok' }),
];

describe('SessionManager', () => {
  afterEach(() => vi.useRealTimers());

  it('creates sessions that are stored at once, finds them, and lists them by filter', async () => {
    const store = new MemorySessionStore();
    await using manager = new SessionManager({
      store,
      autoCleanup: false,
      defaultOptions: { model: 'haiku' },
    });
    const a = await manager.createSession({ tags: ['research', 'eu'] });
    const b = await manager.createSession({ options: { model: 'opus' }, tags: ['research'] });
    expect(await store.exists(a.sessionId)).toBe(true);
    expect(await manager.getSession(a.sessionId)).toBe(a);
    expect(a.options.model).toBe('haiku');
    expect((await manager.listSessions({ tags: ['research', 'eu'] })).map((s) => s.sessionId)).toEqual([
      a.sessionId,
    ]);
    expect((await manager.listSessions({ model: 'opus' })).map((s) => s.sessionId)).toEqual([b.sessionId]);
    expect(await manager.listSessions({ status: 'closed' })).toEqual([]);
    expect(await manager.getSession('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('getSession loads a session another manager (or process) stored, ready to resume', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const first = new SessionManager({ store, executor, autoCleanup: false });
    const s = await first.createSession();
    executor.enqueue(turn(s.sessionId));
    for await (const _ of s.sendMessage('hi'));
    await first.stop();
    const second = new SessionManager({ store, executor, autoCleanup: false });
    const loaded = await second.getSession(s.sessionId);
    expect(loaded).not.toBe(s);
    expect(loaded?.turnCount).toBe(1);
    executor.enqueue(turn(s.sessionId));
    for await (const _ of loaded!.sendMessage('again'));
    expect(executor.requests[1]?.options).toMatchObject({ resume: s.sessionId });
    await second.stop();
  });

  it('cleanupExpired expires sessions idle past the TTL, by last activity, live or stored', async () => {
    const store = new MemorySessionStore();
    let now = Date.now();
    await using manager = new SessionManager({
      store,
      autoCleanup: false,
      sessionTtlMs: 60_000,
      now: () => now,
    });
    const live = await manager.createSession();
    const stored = await manager.createSession();
    const closed = await manager.createSession();
    await closed.close();
    expect(await manager.cleanupExpired()).toBe(0);
    now += 61_000;
    expect(await manager.cleanupExpired()).toBe(2);
    expect(live.isClosed).toBe(true);
    expect((await store.load(live.sessionId))?.status).toBe('expired');
    expect((await store.load(stored.sessionId))?.status).toBe('expired');
    expect((await store.load(closed.sessionId))?.status).toBe('closed');
    expect(await manager.cleanupExpired()).toBe(0);
  });

  it('cleans up automatically on a timer that does not hold the process open, until stop()', async () => {
    vi.useFakeTimers();
    const store = new MemorySessionStore();
    const manager = new SessionManager({
      store,
      cleanupIntervalMs: 1000,
      sessionTtlMs: 0,
      now: () => Date.now() + 1,
    });
    const session = await manager.createSession();
    await vi.advanceTimersByTimeAsync(1000);
    expect((await store.load(session.sessionId))?.status).toBe('expired');
    await manager.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('stop() closes the store the manager made itself, not one it was given', async () => {
    const given = new MemorySessionStore();
    await new SessionManager({ store: given, autoCleanup: false }).stop();
    expect(await given.count()).toBe(0);
    const own = new SessionManager({ autoCleanup: false });
    await own.stop();
    await expect(own.store.count()).rejects.toThrow(/closed/);
  });

  it('is process-wide, replaceable, and stopped with its store by runtime.dispose()', async () => {
    expect(runtime.get(SESSION_MANAGER)).toBe(runtime.get(SESSION_MANAGER));
    const manager = new SessionManager({ autoCleanup: false });
    const { store } = manager;
    runtime.set(SESSION_MANAGER, manager);
    expect(runtime.get(SESSION_MANAGER)).toBe(manager);
    await runtime.dispose();
    await expect(store.count()).rejects.toThrow(/closed/);
    expect(runtime.get(SESSION_MANAGER)).not.toBe(manager);
    await runtime.get(SESSION_MANAGER).stop();
  });
});
