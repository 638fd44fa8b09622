import { MockExecutor } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { loadSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { Session } from './session.ts';

describe('Session: title and tags change after creation', () => {
  it('setTitle and setTags are saved, read back by a loaded session, and touch updatedAt', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new Session({ executor, store, title: 'First name', tags: ['a'] });
    await session.save();
    const created = (await store.load(session.sessionId))!;
    expect(created).toMatchObject({ title: 'First name', tags: ['a'], version: 1 });

    await session.setTitle('Second name');
    await session.setTags(['b', 'c']);
    const stored = (await store.load(session.sessionId))!;
    expect(stored).toMatchObject({ title: 'Second name', tags: ['b', 'c'], version: 3 });
    expect(stored.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    const loaded = (await loadSession(session.sessionId, store, { executor }))!;
    expect(loaded.title).toBe('Second name');
    expect(loaded.tags).toEqual(['b', 'c']);
  });

  it('a closed session can still be renamed; undefined clears the title', async () => {
    const store = new MemorySessionStore();
    const session = new Session({ executor: new MockExecutor(), store, title: 'Named' });
    await session.close();
    await session.setTitle(undefined);
    expect(await store.load(session.sessionId)).toMatchObject({ title: undefined, status: 'closed' });
  });

  it('a secret in a title is redacted before it is stored', async () => {
    const store = new MemorySessionStore();
    const session = new Session({ executor: new MockExecutor(), store });
    await session.setTitle('deploy with sk-ant-api03-title-secret-key');
    const stored = await store.load(session.sessionId);
    expect(stored?.title).toBe('deploy with [redacted]');
  });
});
