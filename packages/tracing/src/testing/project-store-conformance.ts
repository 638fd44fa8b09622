import { randomUUID } from 'node:crypto';
import type { SessionStore } from '@ccflow/sessions';
import { STORE_ERROR_CHECKS, stateFixture } from '@ccflow/sessions/testing';
import { recordStoreConformance } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import type { ProjectData, ProjectFilter, ProjectStore } from '../project-store.ts';
import { pick, projectFixture } from './fixtures.ts';

/** A project store and the session store its `getProjectSessions` reads (a SQLite pair shares one file). */
export interface ProjectStores {
  projects: ProjectStore;
  sessions: SessionStore;
}

export interface ProjectStoreConformanceOptions<S extends ProjectStores> {
  /** Runs after each test, once both stores are closed: remove their file, drop their database. */
  cleanup?: (stores: S) => void | Promise<void>;
}

/**
 * The `ProjectStore` contract as a vitest suite (on `@ccflow/testing`'s record-store kit): call it at the top level
 * of a test file with a factory that returns a new, empty project store and the session store it reads sessions
 * from. Every test gets its own pair and closes both. A store that passes can stand in for `MemoryProjectStore`.
 */
export function projectStoreConformance<S extends ProjectStores>(
  name: string,
  factory: () => S | Promise<S>,
  options: ProjectStoreConformanceOptions<S> = {},
): void {
  const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
  // id, name, parentProjectId; created at second n
  const rows: [string, string, string | undefined][] = [
    ['p1', 'Alpha Project', undefined],
    ['p2', 'alpha_beta', 'p1'],
    ['p3', 'ALPHA 100%', 'p1'],
    ['p4', 'Beta', undefined],
    ['p5', 'alphaXbeta', 'p4'],
    ['p6', 'Café Crème', 'p4'],
    ['p7', '日本語プロジェクト', 'P1'],
    ['p8', 'ÉCOLE 1000', undefined],
  ];
  const projects = () =>
    rows.map(([projectId, name, parentProjectId], i) =>
      projectFixture({ projectId, name, parentProjectId, createdAt: t(i + 1) }),
    );
  const all = rows.map(([id]) => id);
  const ids = (found: { projectId: string }[]) => found.map((p) => p.projectId);
  const sessionIds = (found: { sessionId: string }[]) => found.map((s) => s.sessionId);

  recordStoreConformance<ProjectData, ProjectFilter, ProjectStore, S>(name, {
    factory: async () => {
      const stores = await factory();
      expect(await stores.sessions.count(), 'the factory must return an empty session store').toBe(0);
      return stores;
    },
    store: (stores) => stores.projects,
    close: async (stores) => {
      await stores.projects.close();
      await stores.sessions.close();
    },
    cleanup: options.cleanup,
    id: 'projectId',
    fixture: projectFixture,
    rich: richProject,
    filtersOf: (p) => [{ parentProjectId: p.parentProjectId }, { nameContains: p.name }],
    order: oldestFirst,
    matches,
    defaultLimit: 100,
    hasCleanup: false,
    randomRecord: randomProject,
    randomFilter,
    badFilters: [{ after: new Date(Number.NaN) }, { before: new Date('nope') }],
    errors: STORE_ERROR_CHECKS,
    otherCalls: (store, p) => [store.getProjectSessions(p.projectId), store.getSubprojects(p.projectId)],
    examples: [
      {
        name: 'nameContains is a case-insensitive substring, unicode included; % and _ are plain characters',
        records: projects,
        cases: [
          [{}, all],
          [{ nameContains: '' }, all],
          [{ nameContains: 'alpha' }, ['p1', 'p2', 'p3', 'p5']],
          [{ nameContains: 'ALPHA' }, ['p1', 'p2', 'p3', 'p5']],
          [{ nameContains: 'pHa P' }, ['p1']],
          [{ nameContains: 'beta' }, ['p2', 'p4', 'p5']],
          [{ nameContains: 'project' }, ['p1']],
          [{ nameContains: 'alpha project!' }, []],
          [{ nameContains: ' ' }, ['p1', 'p3', 'p6', 'p8']],
          [{ nameContains: '%' }, ['p3']],
          [{ nameContains: '100%' }, ['p3']],
          [{ nameContains: '1%' }, []],
          [{ nameContains: '_' }, ['p2']],
          [{ nameContains: 'alpha_beta' }, ['p2']],
          [{ nameContains: 'a_b' }, ['p2']],
          [{ nameContains: 'alpha%beta' }, []],
          [{ nameContains: '%%' }, []],
          [{ nameContains: '\\' }, []],
          [{ nameContains: "'" }, []],
          [{ nameContains: '日本' }, ['p7']],
          [{ nameContains: 'プロジェクト' }, ['p7']],
          [{ nameContains: 'café' }, ['p6']],
          [{ nameContains: 'CAFÉ CRÈME' }, ['p6']],
          [{ nameContains: 'école' }, ['p8']],
          [{ nameContains: 'cafe' }, []],
          [{ nameContains: 'ecole' }, []],
        ],
      },
      {
        name: 'parentProjectId is exact and case-sensitive; after and before are inclusive; combined must all hold',
        records: projects,
        cases: [
          [{ parentProjectId: 'p1' }, ['p2', 'p3']],
          [{ parentProjectId: 'P1' }, ['p7']],
          [{ parentProjectId: 'p4' }, ['p5', 'p6']],
          [{ parentProjectId: 'p' }, []],
          [{ parentProjectId: '' }, []],
          [{ parentProjectId: 'p2' }, []],
          [{ after: t(6) }, ['p6', 'p7', 'p8']],
          [{ before: t(3) }, ['p1', 'p2', 'p3']],
          [{ after: t(2), before: t(4) }, ['p2', 'p3', 'p4']],
          [{ after: t(3), before: t(3) }, ['p3']],
          [{ after: new Date(t(3).getTime() + 1) }, ['p4', 'p5', 'p6', 'p7', 'p8']],
          [{ before: new Date(t(3).getTime() - 1) }, ['p1', 'p2']],
          [{ after: t(4), before: t(2) }, []],
          [{ nameContains: 'alpha', parentProjectId: 'p1' }, ['p2', 'p3']],
          [{ nameContains: 'BETA', parentProjectId: 'p4' }, ['p5']],
          [{ nameContains: 'a', after: t(4), before: t(6) }, ['p4', 'p5', 'p6']],
          [{ parentProjectId: 'p1', before: t(2) }, ['p2']],
          [{ nameContains: '%', parentProjectId: 'p1', after: t(3), before: t(3) }, ['p3']],
          [{ nameContains: 'crème', parentProjectId: 'p1' }, []],
        ],
      },
      {
        name: 'the date bounds are on createdAt, not updatedAt',
        records: () => [projectFixture({ projectId: 'touched', createdAt: t(0), updatedAt: t(100) })],
        cases: [[{ after: t(50) }, []]],
      },
    ],
    extra: (tester) => {
      const at = (s: number) => new Date(Date.UTC(2025, 3, 1) + s * 1000);
      // root ─┬─ a ─┬─ a1 ── a1x
      //       │     └─ a2
      //       └─ b
      const tree = () => [
        projectFixture({ projectId: 'a1x', parentProjectId: 'a1', createdAt: at(5) }),
        projectFixture({ projectId: 'b', parentProjectId: 'root', createdAt: at(1) }),
        projectFixture({ projectId: 'a2', parentProjectId: 'a', createdAt: at(3) }),
        projectFixture({ projectId: 'a', parentProjectId: 'root', createdAt: at(1) }),
        projectFixture({ projectId: 'a1', parentProjectId: 'a', createdAt: at(2) }),
        projectFixture({ projectId: 'root', createdAt: at(0) }),
        projectFixture({ projectId: 'other', parentProjectId: 'ROOT', createdAt: at(0) }),
      ];

      it('delete keeps subprojects, still findable by their parentProjectId, and the sessions of the project', async () => {
        const { store, handle } = tester;
        await tester.saveAll(tree());
        const own = stateFixture({ sessionId: 'own', projectId: 'a' });
        await handle.sessions.save(own);
        expect(await store.delete('a')).toBe(true);
        expect(await store.load('a')).toBeUndefined();
        expect((await store.load('a1'))?.parentProjectId).toBe('a');
        expect(ids(await store.getSubprojects('a'))).toEqual(['a1', 'a2']);
        expect(ids(await store.getSubprojects('a1'))).toEqual(['a1x']);
        expect(await handle.sessions.load('own')).toEqual({ ...own, version: 1 });
        expect(sessionIds(await store.getProjectSessions('a'))).toEqual(['own']);
      });

      it('getSubprojects gives the direct children only, whole, in list order, at every level', async () => {
        const { store } = tester;
        await tester.saveAll(tree());
        expect(ids(await store.getSubprojects('root'))).toEqual(['a', 'b']);
        expect(ids(await store.getSubprojects('a'))).toEqual(['a1', 'a2']);
        expect(ids(await store.getSubprojects('a1'))).toEqual(['a1x']);
        for (const none of ['a1x', 'b', 'missing', '']) expect(await store.getSubprojects(none)).toEqual([]);
        expect(await store.getSubprojects('root')).toEqual(await store.list({ parentProjectId: 'root' }));
        const child = richProject({ parentProjectId: 'the-parent' });
        await store.save(child);
        expect(await store.getSubprojects('the-parent')).toEqual([{ ...child, version: 1 }]);
      });

      it('getSubprojects gives every child: it has no limit to page with, so no default one either', async () => {
        const children = Array.from({ length: 101 }, (_, i) =>
          projectFixture({
            projectId: `c${String(i).padStart(3, '0')}`,
            parentProjectId: 'big',
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
          }),
        );
        await tester.saveAll(children);
        expect(ids(await tester.store.getSubprojects('big'))).toEqual(ids(children));
      });

      it('getProjectSessions gives the sessions carrying the projectId, newest first, as session metadata', async () => {
        const { store, handle } = tester;
        await tester.saveAll([
          projectFixture({ projectId: 'p' }),
          projectFixture({ projectId: 'sub', parentProjectId: 'p' }),
        ]);
        for (const state of [
          stateFixture({ sessionId: 's-old', projectId: 'p', createdAt: at(1), options: { model: 'opus' } }),
          stateFixture({ sessionId: 's-new', projectId: 'p', createdAt: at(3), tags: ['x'] }),
          stateFixture({ sessionId: 's-mid', projectId: 'p', createdAt: at(2), status: 'closed' }),
          stateFixture({ sessionId: 'none', projectId: undefined, createdAt: at(2) }),
          stateFixture({ sessionId: 'other', projectId: 'q', createdAt: at(2) }),
          stateFixture({ sessionId: 'upper', projectId: 'P', createdAt: at(2) }),
          stateFixture({ sessionId: 'in-sub', projectId: 'sub', createdAt: at(2) }),
        ]) {
          await handle.sessions.save(state);
        }
        const found = await store.getProjectSessions('p');
        expect(sessionIds(found)).toEqual(['s-new', 's-mid', 's-old']);
        expect(found).toEqual(await handle.sessions.list({ projectId: 'p' }));
        for (const s of found) expect(s).not.toHaveProperty('options');
        expect(sessionIds(await store.getProjectSessions('sub'))).toEqual(['in-sub']);
        expect(await store.getProjectSessions('missing')).toEqual([]);
        expect(await store.getProjectSessions('')).toEqual([]);
        for (const bad of [-1, 1.5, Number.NaN])
          await tester.expectInputError(store.getProjectSessions('p', bad));
      });

      it('getProjectSessions takes a limit, 100 by default', async () => {
        const { store, handle } = tester;
        const states = Array.from({ length: 101 }, (_, i) =>
          stateFixture({ sessionId: `s${String(i).padStart(3, '0')}`, projectId: 'p', createdAt: at(i) }),
        );
        for (const state of [...states, stateFixture({ projectId: 'q' })]) await handle.sessions.save(state);
        const newestFirst = sessionIds(states).toReversed();
        const idsOf = async (limit?: number) => sessionIds(await store.getProjectSessions('p', limit));
        expect(await idsOf()).toEqual(newestFirst.slice(0, 100));
        expect(await idsOf(101)).toEqual(newestFirst);
        expect(await idsOf(1000)).toEqual(newestFirst);
        expect(await idsOf(3)).toEqual(newestFirst.slice(0, 3));
        expect(await idsOf(0)).toEqual([]);
      });

      it('getProjectSessions sees sessions saved, changed and deleted after the project', async () => {
        const { store, handle } = tester;
        await store.save(projectFixture({ projectId: 'p' }));
        expect(await store.getProjectSessions('p')).toEqual([]);
        const state = stateFixture({ sessionId: 'moving', projectId: 'p' });
        const version = await handle.sessions.save(state);
        expect(sessionIds(await store.getProjectSessions('p'))).toEqual(['moving']);
        await handle.sessions.save({ ...state, projectId: 'q', version });
        expect(await store.getProjectSessions('p')).toEqual([]);
        expect(sessionIds(await store.getProjectSessions('q'))).toEqual(['moving']);
        await handle.sessions.delete('moving');
        expect(await store.getProjectSessions('q')).toEqual([]);
      });

      it('after close, every method rejects even with the session store open', async () => {
        const { store, handle } = tester;
        const project = projectFixture();
        await store.save(project);
        await handle.sessions.save(stateFixture({ projectId: project.projectId }));
        await store.close();
        await tester.expectClosedError(store.getProjectSessions(project.projectId));
        expect(await handle.sessions.count()).toBe(1);
      });
    },
  });
}

/** The contract's order: oldest `createdAt` first, ties by `projectId` in binary order. */
function oldestFirst(a: ProjectData, b: ProjectData): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0)
  );
}

/** The contract's filter, written as plainly as possible. */
function matches(p: ProjectData, filter: ProjectFilter): boolean {
  return (
    (filter.nameContains === undefined || p.name.toLowerCase().includes(filter.nameContains.toLowerCase())) &&
    (filter.parentProjectId === undefined || p.parentProjectId === filter.parentProjectId) &&
    (filter.after === undefined || p.createdAt >= filter.after) &&
    (filter.before === undefined || p.createdAt <= filter.before)
  );
}

/** Every field set, with the characters that trip up SQL, JSON and CSV encodings. */
function richProject(overrides: Partial<ProjectData> = {}): ProjectData {
  return projectFixture({
    projectId: `proj-${randomUUID()}-"ü"_%'`,
    name: 'Ünïcödé "Project" it\'s 100% a_b 日本語 😀',
    description: 'Line one\nline "two"\ttabbed, back\\slash, 100%_ 😀',
    parentProjectId: `parent-'日本'_%"`,
    metadata: {
      nested: { list: [1, 'two', null, true, { deep: -1.5 }], empty: {} },
      emptyList: [],
      text: 'quote " apostrophe \' backslash \\ percent % underscore _',
      unicode: '日本語 😀',
      big: 2 ** 53 - 1,
    },
    createdAt: new Date('2024-02-29T23:59:59.999Z'),
    updatedAt: new Date('2025-01-02T03:04:05.678Z'),
    ...overrides,
  });
}

const RANDOM_NAMES = ['Alpha', 'alpha_1', 'ALPHA%', 'beta', 'Béta', 'bÉTA 100%', 'x_y', 'xay', ''];
const RANDOM_NEEDLES = ['a', 'A', 'al', 'lpha_', '%', '_', 'é', 'É', 'ta 1', 'x_', 'zz', ''];
const RANDOM_PARENTS = [undefined, 'id-0', 'id-1', 'ID-0'];
const RANDOM_BASE = Date.UTC(2025, 0, 1);

/** Few names and instants, so filters hit and `createdAt` ties are common. */
function randomProject(next: () => number, projectId: string): ProjectData {
  return projectFixture({
    projectId,
    name: pick(next, RANDOM_NAMES),
    parentProjectId: pick(next, RANDOM_PARENTS),
    createdAt: new Date(RANDOM_BASE + Math.floor(next() * 4) * 1000),
    updatedAt: new Date(RANDOM_BASE + Math.floor(next() * 4) * 1000),
  });
}

function randomFilter(next: () => number): ProjectFilter {
  const filter: ProjectFilter = {};
  if (next() < 0.4) filter.nameContains = pick(next, RANDOM_NEEDLES);
  if (next() < 0.3) filter.parentProjectId = pick(next, RANDOM_PARENTS.slice(1));
  if (next() < 0.3) filter.after = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.before = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.limit = Math.floor(next() * 5);
  if (next() < 0.3) filter.offset = Math.floor(next() * 5);
  return filter;
}
