import { randomUUID } from 'node:crypto';
import type { SessionState, SessionStore } from '@ccflow/sessions';
import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectData, ProjectFilter, ProjectStore } from '../project-store.ts';
import { mulberry32, pick, projectFixture } from './fixtures.ts';

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
 * The `ProjectStore` contract as a vitest suite: call it at the top level of a test file with a factory that
 * returns a new, empty project store and the session store it reads sessions from. Every test gets its own pair
 * and closes both. A store that passes can stand in for `MemoryProjectStore` anywhere.
 */
export function projectStoreConformance<S extends ProjectStores>(
  name: string,
  factory: () => S | Promise<S>,
  options: ProjectStoreConformanceOptions<S> = {},
): void {
  describe(name, () => {
    let stores: S;
    let store: ProjectStore;
    let sessions: SessionStore;

    beforeEach(async () => {
      stores = await factory();
      store = stores.projects;
      sessions = stores.sessions;
      expect(await store.count(), 'the factory must return an empty project store').toBe(0);
      expect(await sessions.count(), 'the factory must return an empty session store').toBe(0);
    });

    afterEach(async () => {
      await store.close();
      await sessions.close();
      await options.cleanup?.(stores);
    });

    async function saveAll(projects: ProjectData[]): Promise<void> {
      for (const project of projects) await store.save(project);
    }

    async function saveSessions(states: SessionState[]): Promise<void> {
      for (const state of states) await sessions.save(state);
    }

    async function listIds(filter?: ProjectFilter): Promise<string[]> {
      return ids(await store.list(filter));
    }

    describe('save and load', () => {
      it('round-trips every field exactly', async () => {
        const project = richProject();
        await store.save(project);
        const loaded = await store.load(project.projectId);
        expect(loaded).toEqual(project);
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(loaded?.updatedAt).toBeInstanceOf(Date);
        expect(loaded?.createdAt.getTime()).toBe(project.createdAt.getTime());
        expect(loaded?.updatedAt.getTime()).toBe(project.updatedAt.getTime());
        expect(await store.list()).toEqual([project]);
      });

      it('keeps an absent parentProjectId undefined, not null, and empty text and metadata empty', async () => {
        const project = projectFixture({ name: '', description: '' });
        await store.save(project);
        for (const found of [await store.load(project.projectId), (await store.list())[0]]) {
          expect(found).toEqual(project);
          expect(found?.parentProjectId).toBeUndefined();
          expect(found?.name).toBe('');
          expect(found?.description).toBe('');
          expect(found?.metadata).toEqual({});
        }
      });

      it('replaces the whole project: last write wins, no duplicate, cleared fields are cleared', async () => {
        const first = richProject();
        const second = projectFixture({
          projectId: first.projectId,
          name: 'renamed',
          metadata: { replaced: true },
        });
        await store.save(first);
        await store.save(second);
        expect(await store.load(first.projectId)).toEqual(second);
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([second]);
        expect(await store.count({ parentProjectId: first.parentProjectId! })).toBe(0);
        expect(await store.count({ nameContains: first.name })).toBe(0);
      });

      it('loads a missing id as undefined', async () => {
        await store.save(projectFixture({ projectId: 'present' }));
        expect(await store.load('absent')).toBeUndefined();
        expect(await store.load('PRESENT')).toBeUndefined();
        expect(await store.load('')).toBeUndefined();
      });

      it('keeps its own copy: mutating what was saved, loaded or listed changes nothing stored', async () => {
        const project = richProject();
        const snapshot = structuredClone(project);
        await store.save(project);
        project.metadata.extra = 1;
        project.createdAt.setTime(0);
        const loaded = (await store.load(project.projectId))!;
        loaded.name = 'mutated';
        loaded.updatedAt.setTime(0);
        const listed = (await store.list())[0]!;
        listed.metadata.extra = 2;
        const child = (await store.getSubprojects(project.parentProjectId!))[0]!;
        (child.metadata.nested as { list: unknown[] }).list.push('mutated');
        expect(await store.load(project.projectId)).toEqual(snapshot);
      });

      it('rejects what no store can keep: an empty projectId, an invalid date', async () => {
        await expectStoreError(store.save(projectFixture({ projectId: '' })));
        await expectStoreError(store.save(projectFixture({ createdAt: new Date(Number.NaN) })));
        await expectStoreError(store.save(projectFixture({ updatedAt: new Date('not a date') })));
        expect(await store.count()).toBe(0);
      });
    });

    describe('delete', () => {
      it('says whether there was a project, and removes only that one', async () => {
        await saveAll([projectFixture({ projectId: 'a' }), projectFixture({ projectId: 'b' })]);
        expect(await store.delete('a')).toBe(true);
        expect(await store.delete('a')).toBe(false);
        expect(await store.load('a')).toBeUndefined();
        expect(await store.delete('never')).toBe(false);
        expect(await store.delete('B')).toBe(false);
        expect(await listIds()).toEqual(['b']);
      });

      it('keeps subprojects, still findable by their parentProjectId, and the sessions of the project', async () => {
        const at = (s: number) => new Date(Date.UTC(2025, 0, 1) + s * 1000);
        await saveAll([
          projectFixture({ projectId: 'parent', createdAt: at(0) }),
          projectFixture({ projectId: 'child-1', parentProjectId: 'parent', createdAt: at(1) }),
          projectFixture({ projectId: 'child-2', parentProjectId: 'parent', createdAt: at(2) }),
          projectFixture({ projectId: 'grandchild', parentProjectId: 'child-1', createdAt: at(3) }),
        ]);
        const own = stateFixture({ sessionId: 'own', projectId: 'parent' });
        await saveSessions([own]);
        expect(await store.delete('parent')).toBe(true);
        expect(await store.load('parent')).toBeUndefined();
        expect(await listIds()).toEqual(['child-1', 'child-2', 'grandchild']);
        expect((await store.load('child-1'))?.parentProjectId).toBe('parent');
        expect(await listIds({ parentProjectId: 'parent' })).toEqual(['child-1', 'child-2']);
        expect(ids(await store.getSubprojects('parent'))).toEqual(['child-1', 'child-2']);
        expect(ids(await store.getSubprojects('child-1'))).toEqual(['grandchild']);
        expect(await sessions.load('own')).toEqual(own);
        expect((await store.getProjectSessions('parent')).map((s) => s.sessionId)).toEqual(['own']);
      });
    });

    describe('filters', () => {
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

      async function expectMatches(filter: ProjectFilter, expected: string[]): Promise<void> {
        expect(await listIds(filter), JSON.stringify(filter)).toEqual(expected);
        expect(await store.count(filter), JSON.stringify(filter)).toBe(expected.length);
      }

      it('no filter, or an empty one, matches everything', async () => {
        await saveAll(projects());
        const all = rows.map(([id]) => id);
        await expectMatches({}, all);
        expect(await listIds()).toEqual(all);
        expect(await store.count()).toBe(all.length);
      });

      it('nameContains is a case-insensitive substring', async () => {
        await saveAll(projects());
        await expectMatches({ nameContains: 'alpha' }, ['p1', 'p2', 'p3', 'p5']);
        await expectMatches({ nameContains: 'ALPHA' }, ['p1', 'p2', 'p3', 'p5']);
        await expectMatches({ nameContains: 'pHa P' }, ['p1']);
        await expectMatches({ nameContains: 'beta' }, ['p2', 'p4', 'p5']);
        await expectMatches({ nameContains: 'project' }, ['p1']);
        await expectMatches({ nameContains: 'alpha project!' }, []);
        await expectMatches(
          { nameContains: '' },
          rows.map(([id]) => id),
        );
        await expectMatches({ nameContains: ' ' }, ['p1', 'p3', 'p6', 'p8']);
      });

      it('% and _ in nameContains are plain characters, not wildcards', async () => {
        await saveAll(projects());
        await expectMatches({ nameContains: '%' }, ['p3']);
        await expectMatches({ nameContains: '100%' }, ['p3']);
        await expectMatches({ nameContains: '1%' }, []);
        await expectMatches({ nameContains: '_' }, ['p2']);
        await expectMatches({ nameContains: 'alpha_beta' }, ['p2']);
        await expectMatches({ nameContains: 'a_b' }, ['p2']);
        await expectMatches({ nameContains: 'alpha%beta' }, []);
        await expectMatches({ nameContains: '%%' }, []);
        await expectMatches({ nameContains: '\\' }, []);
        await expectMatches({ nameContains: "'" }, []);
      });

      it('nameContains matches unicode, case-insensitively beyond ASCII', async () => {
        await saveAll(projects());
        await expectMatches({ nameContains: '日本' }, ['p7']);
        await expectMatches({ nameContains: 'プロジェクト' }, ['p7']);
        await expectMatches({ nameContains: 'café' }, ['p6']);
        await expectMatches({ nameContains: 'CAFÉ CRÈME' }, ['p6']);
        await expectMatches({ nameContains: 'école' }, ['p8']);
        await expectMatches({ nameContains: 'cafe' }, []);
        await expectMatches({ nameContains: 'ecole' }, []);
      });

      it('parentProjectId matches exactly and case-sensitively', async () => {
        await saveAll(projects());
        await expectMatches({ parentProjectId: 'p1' }, ['p2', 'p3']);
        await expectMatches({ parentProjectId: 'P1' }, ['p7']);
        await expectMatches({ parentProjectId: 'p4' }, ['p5', 'p6']);
        await expectMatches({ parentProjectId: 'p' }, []);
        await expectMatches({ parentProjectId: '' }, []);
        await expectMatches({ parentProjectId: 'p2' }, []);
      });

      it('after and before are inclusive bounds on createdAt, not updatedAt', async () => {
        await saveAll(projects());
        await expectMatches({ after: t(6) }, ['p6', 'p7', 'p8']);
        await expectMatches({ before: t(3) }, ['p1', 'p2', 'p3']);
        await expectMatches({ after: t(2), before: t(4) }, ['p2', 'p3', 'p4']);
        await expectMatches({ after: t(3), before: t(3) }, ['p3']);
        await expectMatches({ after: new Date(t(3).getTime() + 1) }, ['p4', 'p5', 'p6', 'p7', 'p8']);
        await expectMatches({ before: new Date(t(3).getTime() - 1) }, ['p1', 'p2']);
        await expectMatches({ after: t(4), before: t(2) }, []);
        await store.save(projectFixture({ projectId: 'touched', createdAt: t(0), updatedAt: t(100) }));
        await expectMatches({ after: t(50) }, []);
      });

      it('combined filters must all hold', async () => {
        await saveAll(projects());
        await expectMatches({ nameContains: 'alpha', parentProjectId: 'p1' }, ['p2', 'p3']);
        await expectMatches({ nameContains: 'BETA', parentProjectId: 'p4' }, ['p5']);
        await expectMatches({ nameContains: 'a', after: t(4), before: t(6) }, ['p4', 'p5', 'p6']);
        await expectMatches({ parentProjectId: 'p1', before: t(2) }, ['p2']);
        await expectMatches({ nameContains: '%', parentProjectId: 'p1', after: t(3), before: t(3) }, ['p3']);
        await expectMatches({ nameContains: 'crème', parentProjectId: 'p1' }, []);
      });

      it('count ignores limit and offset: it is the total that list pages through', async () => {
        await saveAll(projects());
        expect(await store.count({ limit: 2 })).toBe(rows.length);
        expect(await store.count({ limit: 0 })).toBe(rows.length);
        expect(await store.count({ offset: 7, limit: 1 })).toBe(rows.length);
        expect(await store.count({ nameContains: 'alpha', offset: 10 })).toBe(4);
      });

      it('rejects a filter date that is not one', async () => {
        await expectStoreError(store.list({ after: new Date(Number.NaN) }));
        await expectStoreError(store.list({ before: new Date('nope') }));
        await expectStoreError(store.count({ before: new Date(Number.NaN) }));
      });
    });

    describe('ordering', () => {
      it('oldest createdAt first, ties by projectId, whatever the saving order or updatedAt', async () => {
        const at = (ms: number) => new Date(Date.UTC(2025, 5, 1) + ms);
        await saveAll([
          projectFixture({ projectId: 'late', createdAt: at(2), updatedAt: at(-9000) }),
          projectFixture({ projectId: 'b', createdAt: at(1) }),
          projectFixture({ projectId: 'z', createdAt: at(1) }),
          projectFixture({ projectId: 'a', createdAt: at(1) }),
          projectFixture({ projectId: 'B', createdAt: at(1) }),
          projectFixture({ projectId: 'first', createdAt: at(0), updatedAt: at(9000) }),
        ]);
        expect(await listIds()).toEqual(['first', 'B', 'a', 'b', 'z', 'late']);
      });
    });

    describe('pagination', () => {
      const five = () =>
        ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
          projectFixture({ projectId: id, createdAt: new Date(Date.UTC(2025, 0, 1) + 4 - i) }),
        );

      it('limit and offset page through the ordered list', async () => {
        await saveAll(five());
        expect(await listIds({ limit: 2 })).toEqual(['e', 'd']);
        expect(await listIds({ limit: 2, offset: 2 })).toEqual(['c', 'b']);
        expect(await listIds({ limit: 2, offset: 4 })).toEqual(['a']);
        expect(await listIds({ offset: 3 })).toEqual(['b', 'a']);
        expect(await listIds({ limit: 10 })).toEqual(['e', 'd', 'c', 'b', 'a']);
      });

      it('offset past the end and limit 0 give nothing', async () => {
        await saveAll(five());
        expect(await store.list({ offset: 5 })).toEqual([]);
        expect(await store.list({ offset: 1000, limit: 3 })).toEqual([]);
        expect(await store.list({ limit: 0 })).toEqual([]);
        expect(await store.list({ limit: 0, offset: 2 })).toEqual([]);
      });

      it('limit defaults to 100', async () => {
        const projects = Array.from({ length: 101 }, (_, i) =>
          projectFixture({
            projectId: `p${String(i).padStart(3, '0')}`,
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
          }),
        );
        await saveAll(projects.toReversed());
        const all = ids(projects);
        expect(await listIds()).toEqual(all.slice(0, 100));
        expect(await listIds({ nameContains: 'PROJ' })).toEqual(all.slice(0, 100));
        expect(await listIds({ offset: 100 })).toEqual(['p100']);
        expect(await listIds({ limit: 101 })).toEqual(all);
        expect(await store.count()).toBe(101);
      });

      it('rejects a limit or offset that is not a non-negative integer', async () => {
        await saveAll(five());
        for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectStoreError(store.list({ limit: bad }));
          await expectStoreError(store.list({ offset: bad }));
          await expectStoreError(store.count({ limit: bad }));
          await expectStoreError(store.count({ offset: bad }));
          await expectStoreError(store.getProjectSessions('p', bad));
        }
      });
    });

    describe('getSubprojects', () => {
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

      it('gives the direct children only, in list order, at every level', async () => {
        await saveAll(tree());
        expect(ids(await store.getSubprojects('root'))).toEqual(['a', 'b']);
        expect(ids(await store.getSubprojects('a'))).toEqual(['a1', 'a2']);
        expect(ids(await store.getSubprojects('a1'))).toEqual(['a1x']);
        expect(await store.getSubprojects('a1x')).toEqual([]);
        expect(await store.getSubprojects('b')).toEqual([]);
        expect(await store.getSubprojects('missing')).toEqual([]);
        expect(await store.getSubprojects('')).toEqual([]);
        expect(await store.getSubprojects('root')).toEqual(await store.list({ parentProjectId: 'root' }));
      });

      it('gives whole projects', async () => {
        const child = richProject({ parentProjectId: 'the-parent' });
        await store.save(child);
        expect(await store.getSubprojects('the-parent')).toEqual([child]);
      });

      it('gives every child: it has no limit to page with, so no default one either', async () => {
        const children = Array.from({ length: 101 }, (_, i) =>
          projectFixture({
            projectId: `c${String(i).padStart(3, '0')}`,
            parentProjectId: 'big',
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
          }),
        );
        await saveAll(children);
        expect(ids(await store.getSubprojects('big'))).toEqual(ids(children));
      });
    });

    describe('getProjectSessions', () => {
      const at = (s: number) => new Date(Date.UTC(2025, 4, 1) + s * 1000);

      it('gives the sessions carrying the projectId, newest first, as session metadata', async () => {
        await store.save(projectFixture({ projectId: 'p' }));
        await store.save(projectFixture({ projectId: 'sub', parentProjectId: 'p' }));
        await saveSessions([
          stateFixture({ sessionId: 's-old', projectId: 'p', createdAt: at(1), options: { model: 'opus' } }),
          stateFixture({ sessionId: 's-new', projectId: 'p', createdAt: at(3), tags: ['x'] }),
          stateFixture({ sessionId: 's-mid', projectId: 'p', createdAt: at(2), status: 'closed' }),
          stateFixture({ sessionId: 'none', projectId: undefined, createdAt: at(2) }),
          stateFixture({ sessionId: 'other', projectId: 'q', createdAt: at(2) }),
          stateFixture({ sessionId: 'upper', projectId: 'P', createdAt: at(2) }),
          stateFixture({ sessionId: 'in-sub', projectId: 'sub', createdAt: at(2) }),
        ]);
        const found = await store.getProjectSessions('p');
        expect(found.map((s) => s.sessionId)).toEqual(['s-new', 's-mid', 's-old']);
        expect(found).toEqual(await sessions.list({ projectId: 'p' }));
        for (const s of found) expect(s).not.toHaveProperty('options');
        expect((await store.getProjectSessions('sub')).map((s) => s.sessionId)).toEqual(['in-sub']);
        expect(await store.getProjectSessions('missing')).toEqual([]);
        expect(await store.getProjectSessions('')).toEqual([]);
      });

      it('takes a limit, 100 by default', async () => {
        const states = Array.from({ length: 101 }, (_, i) =>
          stateFixture({ sessionId: `s${String(i).padStart(3, '0')}`, projectId: 'p', createdAt: at(i) }),
        );
        await saveSessions(states);
        await saveSessions([stateFixture({ projectId: 'q' })]);
        const newestFirst = states.map((s) => s.sessionId).toReversed();
        const idsOf = async (limit?: number) =>
          (await store.getProjectSessions('p', limit)).map((s) => s.sessionId);
        expect(await idsOf()).toEqual(newestFirst.slice(0, 100));
        expect(await idsOf(101)).toEqual(newestFirst);
        expect(await idsOf(1000)).toEqual(newestFirst);
        expect(await idsOf(3)).toEqual(newestFirst.slice(0, 3));
        expect(await idsOf(0)).toEqual([]);
      });

      it('sees sessions saved, changed and deleted after the project', async () => {
        await store.save(projectFixture({ projectId: 'p' }));
        expect(await store.getProjectSessions('p')).toEqual([]);
        const state = stateFixture({ sessionId: 'moving', projectId: 'p' });
        await sessions.save(state);
        expect((await store.getProjectSessions('p')).map((s) => s.sessionId)).toEqual(['moving']);
        await sessions.save({ ...state, projectId: 'q' });
        expect(await store.getProjectSessions('p')).toEqual([]);
        expect((await store.getProjectSessions('q')).map((s) => s.sessionId)).toEqual(['moving']);
        await sessions.delete('moving');
        expect(await store.getProjectSessions('q')).toEqual([]);
      });
    });

    describe('after close', () => {
      it('every method rejects with StoreError, even with the session store open; closing twice is fine', async () => {
        const project = projectFixture();
        await store.save(project);
        await sessions.save(stateFixture({ projectId: project.projectId }));
        await store.close();
        await expectStoreError(store.save(projectFixture()));
        await expectStoreError(store.load(project.projectId));
        await expectStoreError(store.delete(project.projectId));
        await expectStoreError(store.list());
        await expectStoreError(store.getProjectSessions(project.projectId));
        await expectStoreError(store.getSubprojects(project.projectId));
        await expectStoreError(store.count());
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('random projects and filters', () => {
      it('list and count agree with a reference filter', async () => {
        for (let seed = 1; seed <= 25; seed += 1) {
          const next = mulberry32(seed);
          const latest = new Map<string, ProjectData>();
          for (let i = 0, n = Math.floor(next() * 20); i < n; i += 1) {
            const project = randomProject(next);
            await store.save(project);
            latest.set(project.projectId, project);
          }
          const all = [...latest.values()];
          for (let i = 0; i < 12; i += 1) {
            const filter = randomFilter(next);
            const matches = referenceIds(all, filter);
            const offset = filter.offset ?? 0;
            const page = matches.slice(offset, offset + (filter.limit ?? 100));
            const why = `seed ${seed}, filter ${JSON.stringify(filter)}`;
            expect(await listIds(filter), why).toEqual(page);
            expect(await store.count(filter), why).toBe(matches.length);
            if (filter.parentProjectId !== undefined) {
              expect(ids(await store.getSubprojects(filter.parentProjectId)), why).toEqual(
                referenceIds(all, { parentProjectId: filter.parentProjectId }),
              );
            }
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

function ids(projects: ProjectData[]): string[] {
  return projects.map((p) => p.projectId);
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

/** Few ids and instants, so saves replace each other and `createdAt` ties are common. */
function randomProject(next: () => number): ProjectData {
  return projectFixture({
    projectId: `id-${Math.floor(next() * 12)}`,
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

/** The contract, written as plainly as possible: the matching ids in list order. */
function referenceIds(projects: ProjectData[], filter: ProjectFilter): string[] {
  return projects
    .filter(
      (p) =>
        (filter.nameContains === undefined ||
          p.name.toLowerCase().includes(filter.nameContains.toLowerCase())) &&
        (filter.parentProjectId === undefined || p.parentProjectId === filter.parentProjectId) &&
        (filter.after === undefined || p.createdAt >= filter.after) &&
        (filter.before === undefined || p.createdAt <= filter.before),
    )
    .sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        (a.projectId < b.projectId ? -1 : a.projectId > b.projectId ? 1 : 0),
    )
    .map((p) => p.projectId);
}
