import { StoreConflictError, StoreError } from '@ccflow/sessions';
import { sessionStoreConformance, stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { SQLiteSessionStore } from './sqlite-session-store.ts';

const temp = useTempDir();

sessionStoreConformance('SQLiteSessionStore', () => new SQLiteSessionStore(temp.file()));

describe('SQLiteSessionStore beyond the contract', () => {
  it('keeps every session across a reopen, and another connection sees them', async () => {
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    const state = stateFixture({ tags: ['a', 'b'], metadata: { n: 1 }, options: { model: 'opus' } });
    await store.save(state);
    const other = new SQLiteSessionStore({ dbPath: path, timeoutMs: 5000 });
    const stored = { ...state, version: 1 };
    expect(await other.load(state.sessionId)).toEqual(stored);
    await other.close();
    await store.close();
    const reopened = new SQLiteSessionStore(path);
    expect(await reopened.load(state.sessionId)).toEqual(stored);
    expect(await reopened.list({ tags: ['b'] })).toHaveLength(1);
    await reopened.close();
  });

  it('saveMany writes every state or, on one bad state, none', async () => {
    const store = new SQLiteSessionStore(temp.file());
    await store.saveMany([stateFixture({ sessionId: 'a' }), stateFixture({ sessionId: 'b', tags: ['t'] })]);
    expect(await store.count()).toBe(2);
    const bad = stateFixture({ sessionId: 'c', createdAt: new Date(Number.NaN) });
    await expect(store.saveMany([stateFixture({ sessionId: 'd', tags: ['t'] }), bad])).rejects.toSatisfy(
      (e: unknown) => StoreError.isInstance(e),
    );
    expect((await store.list()).map((s) => s.sessionId).sort()).toEqual(['a', 'b']);
    expect(await store.count({ tags: ['t'] })).toBe(1);
    await store.close();
  });

  it('saveMany resolves to the new versions; one stale state refuses the whole batch', async () => {
    const store = new SQLiteSessionStore(temp.file());
    const a = stateFixture({ sessionId: 'a', turnCount: 1 });
    expect(await store.saveMany([a, stateFixture({ sessionId: 'b' })])).toEqual([1, 1]);
    const error = await store
      .saveMany([{ ...a, version: 1, turnCount: 2 }, stateFixture({ sessionId: 'b' })])
      .catch((e: unknown) => e);
    expect(StoreConflictError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ id: 'b', expectedVersion: 0, actualVersion: 1, path: store.path });
    expect(await store.load('a')).toMatchObject({ version: 1, turnCount: 1 });
    await store.close();
  });

  it('a state JSON cannot hold is rejected and writes nothing', async () => {
    const store = new SQLiteSessionStore(temp.file());
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(store.save(stateFixture({ metadata: cyclic }))).rejects.toSatisfy((e: unknown) =>
      StoreError.isInstance(e),
    );
    await expect(store.save(stateFixture({ metadata: { n: 10n } }))).rejects.toThrow(/metadata/);
    expect(await store.count()).toBe(0);
    await store.close();
  });

  it('filter values with quotes, % and _ and unicode are data, never SQL', async () => {
    const store = new SQLiteSessionStore(temp.file());
    const odd = ["'; DROP TABLE sessions; --", '100%', 'a_b', '"x"', 'ünï 日本 😀', '\\', ''];
    for (const [i, value] of odd.entries()) {
      await store.save(
        stateFixture({
          sessionId: value === '' ? 'empty' : value,
          model: value,
          projectId: value,
          tags: [value],
        }),
      );
      await store.save(
        stateFixture({ sessionId: `decoy-${i}`, model: `${value}x`, projectId: 'x', tags: ['x'] }),
      );
    }
    for (const value of odd) {
      const id = value === '' ? 'empty' : value;
      expect((await store.list({ model: value })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.list({ projectId: value })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.list({ tags: [value] })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.load(id))?.tags).toEqual([value]);
    }
    expect(await store.count()).toBe(odd.length * 2);
    await store.close();
  });

  it('keeps one tag row per distinct tag, in step with the saved list', async () => {
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    await store.save(stateFixture({ sessionId: 's', tags: ['a', 'b', 'a'] }));
    await store.save(stateFixture({ sessionId: 's', version: 1, tags: ['b', 'c'] }));
    expect((await store.load('s'))?.tags).toEqual(['b', 'c']);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT tag FROM session_tags ORDER BY tag').pluck().all()).toEqual(['b', 'c']);
    await store.delete('s');
    expect(db.prepare('SELECT count(*) FROM session_tags').pluck().get()).toBe(0);
    db.close();
    await store.close();
  });

  it('cleanup removes the tags of the sessions it deletes', async () => {
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    await store.save(stateFixture({ sessionId: 'old', tags: ['t'], updatedAt: new Date(0) }));
    await store.save(stateFixture({ sessionId: 'new', tags: ['t'] }));
    expect(await store.cleanup(60_000)).toBe(1);
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT session_id FROM session_tags').pluck().all()).toEqual(['new']);
    db.close();
    await store.close();
  });

  it('an in-memory store (":memory:") is private to its instance', async () => {
    const a = new SQLiteSessionStore(':memory:');
    const b = new SQLiteSessionStore(':memory:');
    await a.save(stateFixture());
    expect(await a.count()).toBe(1);
    expect(await b.count()).toBe(0);
    await a.close();
    await b.close();
  });
});
