import { once } from 'node:events';
import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { finished, spawnWorker } from './spawn-worker.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();

async function newFile(): Promise<string> {
  const path = temp.file();
  const store = new SQLiteSessionStore(path);
  await store.save(stateFixture({ sessionId: 's' }));
  await store.close();
  return path;
}

/**
 * A child process that holds the file's write lock for `ms`; resolves once it holds it, with a promise of its end
 * (wrapped: an async function returning the promise itself would wait for it).
 */
async function holdLock(path: string, ms: number): Promise<{ done: ReturnType<typeof finished> }> {
  const child = spawnWorker('lock-holder.ts', [path, String(ms)]);
  const done = finished(child);
  const [chunk] = await once(child.stdout!, 'data');
  expect(String(chunk)).toBe('locked\n');
  return { done };
}

describe('write locks between connections', () => {
  it('why BEGIN IMMEDIATE: a deferred transaction that read, then writes after another commit, fails at once', async () => {
    const path = await newFile();
    const a = new Database(path, { timeout: 5000 });
    const b = new Database(path, { timeout: 5000 });
    a.exec('BEGIN');
    a.prepare('SELECT count(*) FROM sessions').get();
    b.prepare("UPDATE sessions SET status = 'closed'").run();
    const started = Date.now();
    expect(() => a.prepare("UPDATE sessions SET status = 'error'").run()).toThrow(
      expect.objectContaining({ code: 'SQLITE_BUSY_SNAPSHOT' }),
    );
    // The busy timeout could not help: the snapshot is stale, waiting cannot make it fresh.
    expect(Date.now() - started).toBeLessThan(1000);
    a.exec('ROLLBACK');
    a.close();
    b.close();
  });

  it("a store's write waits for another process's lock (BEGIN IMMEDIATE honours the busy timeout)", async () => {
    const path = await newFile();
    const store = new SQLiteSessionStore(path);
    const holder = await holdLock(path, 1000);
    const started = Date.now();
    expect(await store.updateStatus('s', 'closed')).toBe(true);
    await store.save(stateFixture({ sessionId: 'while-locked' }));
    expect(Date.now() - started).toBeGreaterThan(150);
    expect((await holder.done).code).toBe(0);
    expect((await store.load('s'))?.turnCount).toBe(1);
    expect((await store.load('s'))?.status).toBe('closed');
    await store.close();
  });

  it('a lock held past the timeout gives a StoreError that says so, and writes nothing', async () => {
    const path = await newFile();
    const store = new SQLiteSessionStore({ dbPath: path, timeoutMs: 100 });
    const holder = await holdLock(path, 2500);
    const error = await store.save(stateFixture({ sessionId: 'late' })).catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /locked by another connection past the busy timeout \[SQLITE_BUSY/,
    );
    expect((error as StoreError).path).toBe(path);
    await holder.done;
    expect(await store.exists('late')).toBe(false);
    await store.close();
  });
});
