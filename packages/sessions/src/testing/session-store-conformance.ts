import { randomUUID } from 'node:crypto';
import { recordStoreConformance } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import {
  SESSION_STATUSES,
  type SessionFilter,
  type SessionMetadata,
  type SessionState,
  type SessionStatus,
  type SessionStore,
} from '../session-store.ts';
import { STORE_ERROR_CHECKS } from './store-error-checks.ts';

export interface SessionStoreConformanceOptions<S extends SessionStore> {
  /** Runs after each test, once the store is closed: remove its file, drop its database. */
  cleanup?: (store: S) => void | Promise<void>;
}

/** A valid new session state (new id, version 0, created and updated now, no optional fields), with `overrides`. */
export function stateFixture(overrides: Partial<SessionState> = {}): SessionState {
  const now = Date.now();
  return {
    sessionId: randomUUID(),
    version: 0,
    createdAt: new Date(now),
    updatedAt: new Date(now),
    status: 'active',
    model: undefined,
    systemPrompt: undefined,
    parentSessionId: undefined,
    projectId: undefined,
    title: undefined,
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
 * The `SessionStore` contract as a vitest suite (on `@ccflow/testing`'s record-store kit): call it at the top level
 * of a test file with a factory that returns a new, empty store. Every test gets its own store and closes it. A
 * store that passes can stand in for `MemorySessionStore` anywhere.
 */
export function sessionStoreConformance<S extends SessionStore>(
  name: string,
  factory: () => S | Promise<S>,
  options: SessionStoreConformanceOptions<S> = {},
): void {
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
  const tagged = (pairs: [string, string[]][]) => () =>
    pairs.map(([sessionId, tags]) => stateFixture({ sessionId, tags }));

  recordStoreConformance<SessionState, SessionFilter, S, S>(name, {
    factory,
    cleanup: options.cleanup,
    id: 'sessionId',
    fixture: stateFixture,
    rich: richState,
    listed: ({ options: _, ...metadata }: SessionState): SessionMetadata => metadata,
    filtersOf: (s) => [
      { tags: [s.tags[0]!] },
      { model: s.model },
      { projectId: s.projectId },
      { status: s.status },
    ],
    order: newestFirst,
    matches,
    defaultLimit: undefined,
    hasCleanup: true,
    randomRecord: randomState,
    randomFilter,
    badFilters: [{ createdAfter: new Date(Number.NaN) }, { createdBefore: new Date('nope') }],
    errors: STORE_ERROR_CHECKS,
    otherCalls: (store, s) => [store.exists(s.sessionId), store.updateStatus(s.sessionId, 'closed')],
    examples: [
      {
        name: 'status, projectId, model, tags: each alone, exact and case-sensitive',
        records: sessions,
        cases: [
          [{}, ['s5', 's4', 's3', 's2', 's1']],
          [{ status: 'active' }, ['s3', 's1']],
          [{ status: 'expired' }, ['s5']],
          [{ projectId: 'p' }, ['s3', 's1']],
          [{ projectId: 'P' }, ['s5']],
          [{ projectId: '' }, []],
          [{ model: 'opus' }, ['s2', 's1']],
          [{ model: 'Opus' }, ['s5']],
          [{ model: 'op' }, []],
          [{ tags: ['x'] }, ['s5', 's2', 's1']],
          [{ tags: ['x', 'y'] }, ['s5', 's1']],
          [{ tags: ['y', 'x', 'z'] }, ['s5']],
          [{ tags: ['x', 'w'] }, []],
          [{ tags: ['x', 'x'] }, ['s5', 's2', 's1']],
          [{ tags: [] }, ['s5', 's4', 's3', 's2', 's1']],
        ],
      },
      {
        name: 'createdAfter and createdBefore are inclusive bounds; combined filters must all hold',
        records: sessions,
        cases: [
          [{ createdAfter: t(3) }, ['s5', 's4', 's3']],
          [{ createdBefore: t(3) }, ['s3', 's2', 's1']],
          [{ createdAfter: t(2), createdBefore: t(4) }, ['s4', 's3', 's2']],
          [{ createdAfter: t(3), createdBefore: t(3) }, ['s3']],
          [{ createdAfter: new Date(t(3).getTime() + 1) }, ['s5', 's4']],
          [{ createdBefore: new Date(t(3).getTime() - 1) }, ['s2', 's1']],
          [{ createdAfter: t(4), createdBefore: t(2) }, []],
          [{ status: 'active', tags: ['y'] }, ['s3', 's1']],
          [{ status: 'active', model: 'opus', tags: ['y'] }, ['s1']],
          [{ projectId: 'p', model: 'sonnet', createdBefore: t(3) }, ['s3']],
          [{ projectId: 'q', status: 'active' }, []],
          [{ model: 'opus', tags: ['x'], createdAfter: t(2) }, ['s2']],
          [{ tags: ['x'], createdAfter: t(2), createdBefore: t(4) }, ['s2']],
        ],
      },
      {
        name: 'tags match exactly and case-sensitively: no prefix, substring or case-folded match',
        records: tagged([
          ['prod', ['prod']],
          ['Prod', ['Prod']],
          ['production', ['production']],
          ['pro', ['pro']],
          ['space', ['prod ']],
        ]),
        cases: [
          [{ tags: ['prod'] }, ['prod']],
          [{ tags: ['Prod'] }, ['Prod']],
          [{ tags: ['pro'] }, ['pro']],
          [{ tags: ['duct'] }, []],
          [{ tags: ['PROD'] }, []],
        ],
      },
      {
        name: 'tags with % _ , " \' and unicode are plain text, not patterns or separators',
        records: tagged([
          ['pct', ['100%']],
          ['pct-like', ['1000']],
          ['und', ['a_b']],
          ['und-like', ['axb']],
          ['comma', ['a,b']],
          ['split', ['a', 'b']],
          ['quoted', ['"q"', "it's"]],
          ['q', ['q', 'it']],
          ['uni', ['café', '日本']],
        ]),
        cases: [
          [{ tags: ['100%'] }, ['pct']],
          [{ tags: ['%'] }, []],
          [{ tags: ['a_b'] }, ['und']],
          [{ tags: ['_'] }, []],
          [{ tags: ['a,b'] }, ['comma']],
          [{ tags: ['a', 'b'] }, ['split']],
          [{ tags: ['a'] }, ['split']],
          [{ tags: ['"q"'] }, ['quoted']],
          [{ tags: ['q'] }, ['q']],
          [{ tags: ["it's"] }, ['quoted']],
          [{ tags: ['café'] }, ['uni']],
          [{ tags: ['cafe'] }, []],
        ],
      },
    ],
    extra: (tester) => {
      it('exists says whether a session is stored', async () => {
        const { store } = tester;
        await store.save(stateFixture({ sessionId: 'a' }));
        expect(await store.exists('a')).toBe(true);
        expect(await store.exists('A')).toBe(false);
        await store.delete('a');
        expect(await store.exists('a')).toBe(false);
      });

      it('updateStatus sets the status, touches updatedAt, adds 1 to the version, leaves the rest alone', async () => {
        const { store } = tester;
        const state = richState({ status: 'active', updatedAt: new Date(Date.now() - 60_000) });
        await store.save(state);
        const before = Date.now();
        expect(await store.updateStatus(state.sessionId, 'expired')).toBe(true);
        const after = Date.now();
        const loaded = (await store.load(state.sessionId))!;
        expect(loaded.status).toBe('expired');
        expect(loaded.version).toBe(2);
        expect(loaded.updatedAt.getTime()).toBeGreaterThanOrEqual(before);
        expect(loaded.updatedAt.getTime()).toBeLessThanOrEqual(after);
        expect({ ...loaded, status: state.status, updatedAt: state.updatedAt }).toEqual({
          ...state,
          version: 2,
        });
        expect(await store.count({ status: 'expired' })).toBe(1);
        expect(await store.save({ ...state, version: 1 }).catch((e: unknown) => e)).toMatchObject({
          code: 'STORE_CONFLICT',
          actualVersion: 2,
        });
      });

      it('updateStatus is false for a missing session, and creates none', async () => {
        const { store } = tester;
        expect(await store.updateStatus('absent', 'closed')).toBe(false);
        expect(await store.exists('absent')).toBe(false);
        expect(await store.count()).toBe(0);
      });
    },
  });
}

/** The contract's order: newest `createdAt` first, ties by `sessionId` in binary order. */
function newestFirst(a: SessionState, b: SessionState): number {
  return (
    b.createdAt.getTime() - a.createdAt.getTime() ||
    (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)
  );
}

/** The contract's filter, written as plainly as possible. */
function matches(s: SessionState, filter: SessionFilter): boolean {
  return (
    (filter.status === undefined || s.status === filter.status) &&
    (filter.projectId === undefined || s.projectId === filter.projectId) &&
    (filter.model === undefined || s.model === filter.model) &&
    (filter.tags ?? []).every((tag) => s.tags.includes(tag)) &&
    (filter.createdAfter === undefined || s.createdAt >= filter.createdAfter) &&
    (filter.createdBefore === undefined || s.createdAt <= filter.createdBefore)
  );
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
    title: 'Fix "the" bug: 100%_ \\ 日本語 😀',
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

/** Few instants, so `createdAt` ties are common. */
function randomState(next: () => number, sessionId: string): SessionState {
  return stateFixture({
    sessionId,
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
