import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  SESSION_STATUSES,
  type SessionFilter,
  type SessionMetadata,
  type SessionState,
  type SessionStatus,
  type SessionStore,
} from '../session-store.ts';
import { StoreError } from '../store-errors.ts';
import { mulberry32 } from './seeded-random.ts';

export interface SessionStoreConformanceOptions<S extends SessionStore> {
  /** Runs after each test, once the store is closed: remove its file, drop its database. */
  cleanup?: (store: S) => void | Promise<void>;
}

/** A valid session state (new id, created and updated now, no optional fields), with `overrides` on top. */
export function stateFixture(overrides: Partial<SessionState> = {}): SessionState {
  const now = Date.now();
  return {
    sessionId: randomUUID(),
    createdAt: new Date(now),
    updatedAt: new Date(now),
    status: 'active',
    model: undefined,
    systemPrompt: undefined,
    parentSessionId: undefined,
    projectId: undefined,
    turnCount: 0,
    totalInputTokens: 0,
    totalOutputTokens: 0,
    totalCacheReadTokens: 0,
    totalCacheWriteTokens: 0,
    totalThinkingTokens: 0,
    totalCostUsd: 0,
    tags: [],
    metadata: {},
    options: {},
    lastError: undefined,
    ...overrides,
  };
}

/**
 * The `SessionStore` contract as a vitest suite: call it at the top level of a test file with a factory that
 * returns a new, empty store. Every test gets its own store and closes it. A store that passes can stand in
 * for `MemorySessionStore` anywhere.
 */
export function sessionStoreConformance<S extends SessionStore>(
  name: string,
  factory: () => S | Promise<S>,
  options: SessionStoreConformanceOptions<S> = {},
): void {
  describe(name, () => {
    let store: S;
    let closed: boolean;

    beforeEach(async () => {
      store = await factory();
      closed = false;
      expect(await store.count(), 'the factory must return an empty store').toBe(0);
    });

    afterEach(async () => {
      if (!closed) await store.close();
      await options.cleanup?.(store);
    });

    async function saveAll(states: SessionState[]): Promise<void> {
      for (const state of states) await store.save(state);
    }

    async function listIds(filter?: SessionFilter): Promise<string[]> {
      return (await store.list(filter)).map((s) => s.sessionId);
    }

    describe('save and load', () => {
      it('round-trips every field exactly', async () => {
        const state = richState();
        await store.save(state);
        const loaded = await store.load(state.sessionId);
        expect(loaded).toEqual(state);
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(loaded?.updatedAt).toBeInstanceOf(Date);
        expect(loaded?.createdAt.getTime()).toBe(state.createdAt.getTime());
        expect(loaded?.updatedAt.getTime()).toBe(state.updatedAt.getTime());
        expect(await store.list()).toEqual([withoutOptions(state)]);
      });

      it('keeps absent optional fields undefined, not null, and empty collections empty', async () => {
        const state = stateFixture();
        await store.save(state);
        for (const found of [await store.load(state.sessionId), (await store.list())[0]]) {
          expect(found).toBeDefined();
          expect(found?.model).toBeUndefined();
          expect(found?.systemPrompt).toBeUndefined();
          expect(found?.parentSessionId).toBeUndefined();
          expect(found?.projectId).toBeUndefined();
          expect(found?.lastError).toBeUndefined();
          expect(found?.tags).toEqual([]);
          expect(found?.metadata).toEqual({});
        }
        expect((await store.load(state.sessionId))?.options).toEqual({});
      });

      it('replaces the whole state: last write wins, no duplicate, cleared fields are cleared', async () => {
        const first = richState();
        const second = stateFixture({
          sessionId: first.sessionId,
          createdAt: first.createdAt,
          status: 'closed',
          turnCount: first.turnCount + 1,
          tags: ['other'],
          metadata: { replaced: true },
        });
        await store.save(first);
        await store.save(second);
        expect(await store.load(first.sessionId)).toEqual(second);
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([withoutOptions(second)]);
        expect(await store.count({ tags: [first.tags[0]!] })).toBe(0);
      });

      it('loads a missing id as undefined', async () => {
        await store.save(stateFixture({ sessionId: 'present' }));
        expect(await store.load('absent')).toBeUndefined();
        expect(await store.load('PRESENT')).toBeUndefined();
      });

      it('keeps its own copy: mutating what was saved, loaded or listed changes nothing stored', async () => {
        const state = richState();
        const snapshot = structuredClone(state);
        await store.save(state);
        state.tags.push('mutated');
        state.metadata.extra = 1;
        state.createdAt.setTime(0);
        const loaded = (await store.load(state.sessionId))!;
        loaded.tags.push('mutated');
        loaded.options.model = 'mutated';
        loaded.updatedAt.setTime(0);
        const listed = (await store.list())[0]!;
        listed.tags.length = 0;
        listed.metadata.extra = 2;
        expect(await store.load(state.sessionId)).toEqual(snapshot);
      });

      it('rejects what no store can keep: an empty sessionId, an invalid date', async () => {
        await expectStoreError(store.save(stateFixture({ sessionId: '' })));
        await expectStoreError(store.save(stateFixture({ createdAt: new Date(Number.NaN) })));
        await expectStoreError(store.save(stateFixture({ updatedAt: new Date('not a date') })));
        expect(await store.count()).toBe(0);
      });
    });

    describe('delete and exists', () => {
      it('delete says whether there was a session, and removes only that one', async () => {
        await saveAll([stateFixture({ sessionId: 'a' }), stateFixture({ sessionId: 'b' })]);
        expect(await store.exists('a')).toBe(true);
        expect(await store.delete('a')).toBe(true);
        expect(await store.delete('a')).toBe(false);
        expect(await store.exists('a')).toBe(false);
        expect(await store.load('a')).toBeUndefined();
        expect(await store.exists('b')).toBe(true);
        expect(await store.delete('never')).toBe(false);
        expect(await listIds()).toEqual(['b']);
      });
    });

    describe('filters', () => {
      const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
      // sessionId, status, model, projectId, tags; s1 created at second 1, s2 at second 2, ...
      const rows: [string, SessionStatus, string | undefined, string | undefined, string[]][] = [
        ['s1', 'active', 'opus', 'p', ['x', 'y']],
        ['s2', 'closed', 'opus', 'q', ['x']],
        ['s3', 'active', 'sonnet', 'p', ['y']],
        ['s4', 'error', undefined, undefined, []],
        ['s5', 'expired', 'Opus', 'P', ['x', 'y', 'z']],
      ];
      const sessions = () =>
        rows.map(([sessionId, status, model, projectId, tags], i) =>
          stateFixture({ sessionId, createdAt: t(i + 1), status, model, projectId, tags }),
        );

      async function expectMatches(filter: SessionFilter, ids: string[]): Promise<void> {
        expect(await listIds(filter), JSON.stringify(filter)).toEqual(ids);
        expect(await store.count(filter), JSON.stringify(filter)).toBe(ids.length);
      }

      it('no filter, or an empty one, matches everything', async () => {
        await saveAll(sessions());
        await expectMatches({}, ['s5', 's4', 's3', 's2', 's1']);
        expect(await listIds()).toEqual(['s5', 's4', 's3', 's2', 's1']);
        expect(await store.count()).toBe(5);
      });

      it('status, projectId, model, tags, each alone', async () => {
        await saveAll(sessions());
        await expectMatches({ status: 'active' }, ['s3', 's1']);
        await expectMatches({ status: 'expired' }, ['s5']);
        await expectMatches({ projectId: 'p' }, ['s3', 's1']);
        await expectMatches({ projectId: 'P' }, ['s5']);
        await expectMatches({ projectId: '' }, []);
        await expectMatches({ model: 'opus' }, ['s2', 's1']);
        await expectMatches({ model: 'Opus' }, ['s5']);
        await expectMatches({ model: 'op' }, []);
        await expectMatches({ tags: ['x'] }, ['s5', 's2', 's1']);
        await expectMatches({ tags: ['x', 'y'] }, ['s5', 's1']);
        await expectMatches({ tags: ['y', 'x', 'z'] }, ['s5']);
        await expectMatches({ tags: ['x', 'w'] }, []);
      });

      it('createdAfter and createdBefore are inclusive bounds', async () => {
        await saveAll(sessions());
        await expectMatches({ createdAfter: t(3) }, ['s5', 's4', 's3']);
        await expectMatches({ createdBefore: t(3) }, ['s3', 's2', 's1']);
        await expectMatches({ createdAfter: t(2), createdBefore: t(4) }, ['s4', 's3', 's2']);
        await expectMatches({ createdAfter: t(3), createdBefore: t(3) }, ['s3']);
        await expectMatches({ createdAfter: new Date(t(3).getTime() + 1) }, ['s5', 's4']);
        await expectMatches({ createdBefore: new Date(t(3).getTime() - 1) }, ['s2', 's1']);
        await expectMatches({ createdAfter: t(4), createdBefore: t(2) }, []);
      });

      it('combined filters must all hold', async () => {
        await saveAll(sessions());
        await expectMatches({ status: 'active', tags: ['y'] }, ['s3', 's1']);
        await expectMatches({ status: 'active', model: 'opus', tags: ['y'] }, ['s1']);
        await expectMatches({ projectId: 'p', model: 'sonnet', createdBefore: t(3) }, ['s3']);
        await expectMatches({ projectId: 'q', status: 'active' }, []);
        await expectMatches({ model: 'opus', tags: ['x'], createdAfter: t(2) }, ['s2']);
        await expectMatches({ status: 'closed', tags: ['y'] }, []);
        await expectMatches({ tags: ['x'], createdAfter: t(2), createdBefore: t(4) }, ['s2']);
      });

      it('count ignores limit and offset: it is the total that list pages through', async () => {
        await saveAll(sessions());
        expect(await store.count({ limit: 2 })).toBe(5);
        expect(await store.count({ offset: 4, limit: 1 })).toBe(5);
        expect(await store.count({ status: 'active', offset: 10 })).toBe(2);
      });

      it('list returns metadata without options', async () => {
        await saveAll(sessions());
        for (const found of await store.list()) expect(found).not.toHaveProperty('options');
      });

      it('rejects a filter date that is not one', async () => {
        await expectStoreError(store.list({ createdAfter: new Date(Number.NaN) }));
        await expectStoreError(store.count({ createdBefore: new Date(Number.NaN) }));
      });
    });

    describe('ordering', () => {
      it('newest createdAt first, ties by sessionId ascending, whatever the saving order or updatedAt', async () => {
        const at = (ms: number) => new Date(Date.UTC(2025, 5, 1) + ms);
        await saveAll([
          stateFixture({ sessionId: 'm', createdAt: at(0), updatedAt: at(9000) }),
          stateFixture({ sessionId: 'b', createdAt: at(1) }),
          stateFixture({ sessionId: 'z', createdAt: at(1) }),
          stateFixture({ sessionId: 'a', createdAt: at(1) }),
          stateFixture({ sessionId: 'B', createdAt: at(1) }),
          stateFixture({ sessionId: 'c', createdAt: at(2), updatedAt: at(-9000) }),
          stateFixture({ sessionId: 'a-0', createdAt: at(0) }),
        ]);
        expect(await listIds()).toEqual(['c', 'B', 'a', 'b', 'z', 'a-0', 'm']);
      });
    });

    describe('pagination', () => {
      const five = () =>
        ['e', 'd', 'c', 'b', 'a'].map((id, i) =>
          stateFixture({ sessionId: id, createdAt: new Date(Date.UTC(2025, 0, 1) + i) }),
        );

      it('limit and offset page through the ordered list', async () => {
        await saveAll(five());
        expect(await listIds({ limit: 2 })).toEqual(['a', 'b']);
        expect(await listIds({ limit: 2, offset: 2 })).toEqual(['c', 'd']);
        expect(await listIds({ limit: 2, offset: 4 })).toEqual(['e']);
        expect(await listIds({ offset: 3 })).toEqual(['d', 'e']);
        expect(await listIds({ limit: 10 })).toEqual(['a', 'b', 'c', 'd', 'e']);
        expect(await listIds({ limit: 1, offset: 1, tags: [] })).toEqual(['b']);
      });

      it('offset past the end and limit 0 give nothing', async () => {
        await saveAll(five());
        expect(await store.list({ offset: 5 })).toEqual([]);
        expect(await store.list({ offset: 1000, limit: 3 })).toEqual([]);
        expect(await store.list({ limit: 0 })).toEqual([]);
        expect(await store.list({ limit: 0, offset: 2 })).toEqual([]);
      });

      it('rejects a limit or offset that is not a non-negative integer', async () => {
        await saveAll(five());
        for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectStoreError(store.list({ limit: bad }));
          await expectStoreError(store.list({ offset: bad }));
          await expectStoreError(store.count({ limit: bad }));
          await expectStoreError(store.count({ offset: bad }));
        }
      });
    });

    describe('tags', () => {
      it('an empty tags filter is no filter', async () => {
        await saveAll([stateFixture({ tags: [] }), stateFixture({ tags: ['x'] })]);
        expect(await store.count({ tags: [] })).toBe(2);
        expect(await store.list({ tags: [] })).toHaveLength(2);
      });

      it('match exactly and case-sensitively: no prefix, substring or case-folded match', async () => {
        await saveAll([
          stateFixture({ sessionId: 'prod', tags: ['prod'] }),
          stateFixture({ sessionId: 'Prod', tags: ['Prod'] }),
          stateFixture({ sessionId: 'production', tags: ['production'] }),
          stateFixture({ sessionId: 'pro', tags: ['pro'] }),
          stateFixture({ sessionId: 'space', tags: ['prod '] }),
        ]);
        expect(await listIds({ tags: ['prod'] })).toEqual(['prod']);
        expect(await listIds({ tags: ['Prod'] })).toEqual(['Prod']);
        expect(await listIds({ tags: ['pro'] })).toEqual(['pro']);
        expect(await listIds({ tags: ['duct'] })).toEqual([]);
        expect(await listIds({ tags: ['PROD'] })).toEqual([]);
      });

      it('tags with % _ , " \' and unicode are plain text, not patterns or separators', async () => {
        await saveAll([
          stateFixture({ sessionId: 'pct', tags: ['100%'] }),
          stateFixture({ sessionId: 'pct-like', tags: ['1000'] }),
          stateFixture({ sessionId: 'und', tags: ['a_b'] }),
          stateFixture({ sessionId: 'und-like', tags: ['axb'] }),
          stateFixture({ sessionId: 'comma', tags: ['a,b'] }),
          stateFixture({ sessionId: 'split', tags: ['a', 'b'] }),
          stateFixture({ sessionId: 'quoted', tags: ['"q"', "it's"] }),
          stateFixture({ sessionId: 'q', tags: ['q', 'it'] }),
          stateFixture({ sessionId: 'uni', tags: ['café', '日本'] }),
        ]);
        expect(await listIds({ tags: ['100%'] })).toEqual(['pct']);
        expect(await listIds({ tags: ['%'] })).toEqual([]);
        expect(await listIds({ tags: ['a_b'] })).toEqual(['und']);
        expect(await listIds({ tags: ['_'] })).toEqual([]);
        expect(await listIds({ tags: ['a,b'] })).toEqual(['comma']);
        expect(await listIds({ tags: ['a', 'b'] })).toEqual(['split']);
        expect(await listIds({ tags: ['a'] })).toEqual(['split']);
        expect(await listIds({ tags: ['"q"'] })).toEqual(['quoted']);
        expect(await listIds({ tags: ['q'] })).toEqual(['q']);
        expect(await listIds({ tags: ["it's"] })).toEqual(['quoted']);
        expect(await listIds({ tags: ['café'] })).toEqual(['uni']);
        expect(await listIds({ tags: ['cafe'] })).toEqual([]);
      });

      it('a tag repeated in the filter counts once', async () => {
        await saveAll([stateFixture({ sessionId: 'x', tags: ['x'] }), stateFixture({ tags: ['y'] })]);
        expect(await listIds({ tags: ['x', 'x'] })).toEqual(['x']);
        expect(await store.count({ tags: ['x', 'x'] })).toBe(1);
      });
    });

    describe('updateStatus', () => {
      it('sets the status, touches updatedAt, leaves the rest alone', async () => {
        const state = richState({ status: 'active', updatedAt: new Date(Date.now() - 60_000) });
        await store.save(state);
        const before = Date.now();
        expect(await store.updateStatus(state.sessionId, 'expired')).toBe(true);
        const after = Date.now();
        const loaded = (await store.load(state.sessionId))!;
        expect(loaded.status).toBe('expired');
        expect(loaded.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(loaded.updatedAt.getTime()).toBeLessThanOrEqual(after);
        expect({ ...loaded, status: state.status, updatedAt: state.updatedAt }).toEqual(state);
        expect(await store.count({ status: 'expired' })).toBe(1);
        expect(await store.count({ status: 'active' })).toBe(0);
      });

      it('is false for a missing session, and creates none', async () => {
        expect(await store.updateStatus('absent', 'closed')).toBe(false);
        expect(await store.exists('absent')).toBe(false);
        expect(await store.count()).toBe(0);
      });
    });

    describe('concurrency', () => {
      it('concurrent saves of one session leave exactly one of the saved states, whole', async () => {
        const states = Array.from({ length: 50 }, (_, i) =>
          stateFixture({
            sessionId: 'contended',
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
            status: SESSION_STATUSES[i % SESSION_STATUSES.length]!,
            systemPrompt: `prompt ${i}`,
            turnCount: i,
            totalCostUsd: i / 100,
            tags: [`t${i}`, 'shared'],
            metadata: { i },
            options: { maxTurns: i + 1 },
          }),
        );
        await Promise.all(states.map((s) => store.save(s)));
        const loaded = (await store.load('contended'))!;
        expect(loaded).toEqual(states[loaded.turnCount]);
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([withoutOptions(loaded)]);
        expect(await store.count({ tags: ['shared'] })).toBe(1);
        expect(await store.count({ tags: [`t${loaded.turnCount}`] })).toBe(1);
      });

      it('concurrent saves of different sessions all land', async () => {
        const states = Array.from({ length: 50 }, (_, i) =>
          stateFixture({ sessionId: `s${i}`, turnCount: i }),
        );
        await Promise.all(states.map((s) => store.save(s)));
        expect(await store.count()).toBe(50);
        const loaded = await Promise.all(states.map((s) => store.load(s.sessionId)));
        expect(loaded).toEqual(states);
      });
    });

    describe('cleanup', () => {
      it('deletes sessions updated more than olderThanMs ago, by updatedAt, and says how many', async () => {
        const hour = 3_600_000;
        const now = Date.now();
        await saveAll([
          stateFixture({ sessionId: 'old', updatedAt: new Date(now - hour - 1000) }),
          stateFixture({ sessionId: 'older', updatedAt: new Date(now - 10 * hour) }),
          stateFixture({ sessionId: 'recent', updatedAt: new Date(now - hour + 1000) }),
          stateFixture({ sessionId: 'created-long-ago', createdAt: new Date(0), updatedAt: new Date(now) }),
          stateFixture({ sessionId: 'future', updatedAt: new Date(now + hour) }),
        ]);
        expect(await store.cleanup(hour)).toBe(2);
        expect((await listIds()).sort()).toEqual(['created-long-ago', 'future', 'recent']);
        expect(await store.cleanup(hour)).toBe(0);
      });

      it('cleanup(0) deletes everything updated before now', async () => {
        const now = Date.now();
        await saveAll([
          stateFixture({ sessionId: 'past', updatedAt: new Date(now - 1000) }),
          stateFixture({ sessionId: 'future', updatedAt: new Date(now + 60_000) }),
        ]);
        expect(await store.cleanup(0)).toBe(1);
        expect(await listIds()).toEqual(['future']);
      });

      it('returns 0 on an empty store and rejects an age that is not a finite number >= 0', async () => {
        expect(await store.cleanup(1000)).toBe(0);
        for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
          await expectStoreError(store.cleanup(bad));
      });
    });

    describe('after close', () => {
      it('every method rejects with StoreError; closing twice is fine', async () => {
        const state = stateFixture();
        await store.save(state);
        await store.close();
        closed = true;
        await expectStoreError(store.save(stateFixture()));
        await expectStoreError(store.load(state.sessionId));
        await expectStoreError(store.delete(state.sessionId));
        await expectStoreError(store.list());
        await expectStoreError(store.exists(state.sessionId));
        await expectStoreError(store.count());
        await expectStoreError(store.updateStatus(state.sessionId, 'closed'));
        await expectStoreError(store.cleanup(0));
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('random sessions and filters', () => {
      it('list and count agree with a reference filter', async () => {
        for (let seed = 1; seed <= 25; seed += 1) {
          const next = mulberry32(seed);
          const latest = new Map<string, SessionState>();
          for (let i = 0, n = Math.floor(next() * 20); i < n; i += 1) {
            const state = randomState(next);
            await store.save(state);
            latest.set(state.sessionId, state);
          }
          const all = [...latest.values()];
          for (let i = 0; i < 12; i += 1) {
            const filter = randomFilter(next);
            const matches = referenceIds(all, filter);
            const offset = filter.offset ?? 0;
            const page = matches.slice(
              offset,
              filter.limit === undefined ? undefined : offset + filter.limit,
            );
            const why = `seed ${seed}, filter ${JSON.stringify(filter)}`;
            expect(await listIds(filter), why).toEqual(page);
            expect(await store.count(filter), why).toBe(matches.length);
          }
          for (const id of latest.keys()) await store.delete(id);
        }
      });
    });
  });
}

async function expectStoreError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toSatisfy((error: unknown) => StoreError.isInstance(error));
}

function withoutOptions({ options: _, ...metadata }: SessionState): SessionMetadata {
  return metadata;
}

/** Every field set, with the characters that trip up SQL, JSON and CSV encodings. */
function richState(overrides: Partial<SessionState> = {}): SessionState {
  return stateFixture({
    sessionId: `sess-${randomUUID()}-"ü"_%'`,
    createdAt: new Date('2024-02-29T23:59:59.999Z'),
    updatedAt: new Date('2025-01-02T03:04:05.678Z'),
    status: 'error',
    model: 'claude-opus-4-1',
    systemPrompt: 'Be "brief".\nIt\'s 100% fine_to use \\ and 日本語 😀',
    parentSessionId: 'parent-ü_%',
    projectId: 'proj-"ü"_%',
    turnCount: 7,
    totalInputTokens: 1_234_567_890_123,
    totalOutputTokens: 4567,
    totalCacheReadTokens: 89,
    totalCacheWriteTokens: 10,
    totalThinkingTokens: 11,
    totalCostUsd: 0.1 + 0.2,
    tags: ['zeta', 'ünï', 'with space', '100%', 'snake_case', 'a,b', '"quoted"', "it's", 'alpha'],
    metadata: {
      nested: { list: [1, 'two', null, true, { deep: -1.5 }], empty: {} },
      emptyList: [],
      text: 'quote " apostrophe \' backslash \\ percent % underscore _',
      unicode: '日本語 😀',
    },
    options: {
      model: 'claude-opus-4-1',
      permissionMode: 'plan',
      allowedTools: ['Read', 'Bash(git:*)'],
      mcpServers: { db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'] } },
      maxBudgetUsd: 2.5,
      context: { ticket: { id: 42, title: 'Fix "the" bug' } },
    },
    lastError: 'boom: "x" 100%_',
    ...overrides,
  });
}

const RANDOM_TAGS = ['a', 'b', 'A', 'ab', 'a,b', '%', '_', '"q"'];
const RANDOM_MODELS = [undefined, 'opus', 'sonnet', 'Sonnet'];
const RANDOM_PROJECTS = [undefined, 'p1', 'p2'];
const RANDOM_BASE = Date.UTC(2025, 0, 1);

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** Few ids and few instants, so saves replace each other and `createdAt` ties are common. */
function randomState(next: () => number): SessionState {
  return stateFixture({
    sessionId: `id-${Math.floor(next() * 12)}`,
    createdAt: new Date(RANDOM_BASE + Math.floor(next() * 4) * 1000),
    status: pick(next, SESSION_STATUSES),
    model: pick(next, RANDOM_MODELS),
    projectId: pick(next, RANDOM_PROJECTS),
    tags: RANDOM_TAGS.filter(() => next() < 0.3),
  });
}

function randomFilter(next: () => number): SessionFilter {
  const filter: SessionFilter = {};
  if (next() < 0.3) filter.status = pick(next, SESSION_STATUSES);
  if (next() < 0.3) filter.model = pick(next, RANDOM_MODELS.slice(1));
  if (next() < 0.3) filter.projectId = pick(next, RANDOM_PROJECTS.slice(1));
  if (next() < 0.4) filter.tags = RANDOM_TAGS.filter(() => next() < 0.2);
  if (next() < 0.3) filter.createdAfter = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.createdBefore = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.limit = Math.floor(next() * 5);
  if (next() < 0.3) filter.offset = Math.floor(next() * 5);
  return filter;
}

/** The contract, written as plainly as possible: the matching ids in list order. */
function referenceIds(states: SessionState[], filter: SessionFilter): string[] {
  return states
    .filter(
      (s) =>
        (filter.status === undefined || s.status === filter.status) &&
        (filter.projectId === undefined || s.projectId === filter.projectId) &&
        (filter.model === undefined || s.model === filter.model) &&
        (filter.tags ?? []).every((tag) => s.tags.includes(tag)) &&
        (filter.createdAfter === undefined || s.createdAt >= filter.createdAfter) &&
        (filter.createdBefore === undefined || s.createdAt <= filter.createdBefore),
    )
    .sort(
      (a, b) =>
        b.createdAt.getTime() - a.createdAt.getTime() ||
        (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0),
    )
    .map((s) => s.sessionId);
}
