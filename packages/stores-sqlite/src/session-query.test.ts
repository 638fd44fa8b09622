import type { SessionFilter } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndexBound, planOf, subsets } from '../test/query-plan.ts';
import { useTempDir } from '../test/temp-dir.ts';
import { sessionQuery } from './session-query.ts';
import { SQLiteSessionStore } from './sqlite-session-store.ts';

const temp = useTempDir();
const at = new Date(Date.UTC(2025, 0, 1));
const PARTS: Record<string, SessionFilter> = {
  status: { status: 'active' },
  projectId: { projectId: 'p' },
  model: { model: 'opus' },
  oneTag: { tags: ['x'] },
  twoTags: { tags: ['x', 'y'] },
  createdAfter: { createdAfter: at },
  createdBefore: { createdBefore: at },
};
const filters = subsets(Object.keys(PARTS))
  .filter((keys) => !(keys.includes('oneTag') && keys.includes('twoTags')))
  .map((keys) => Object.assign({ limit: 50, offset: 10 }, ...keys.map((k) => PARTS[k])) as SessionFilter);

describe('sessionQuery', () => {
  let path: string;
  let db: Database.Database;

  beforeAll(async () => {
    path = temp.file();
    const store = new SQLiteSessionStore(path);
    await store.close();
    db = new Database(path);
  });
  afterAll(() => db.close());

  it('puts every value in a parameter, never in the SQL text', () => {
    const odd = "'; DROP TABLE sessions; -- 100%_";
    const { sql, params } = sessionQuery(
      { status: odd as never, projectId: odd, model: odd, tags: [odd, `${odd}2`], limit: 3, offset: 4 },
      'list',
    );
    expect(sql).not.toContain(odd);
    expect(sql).not.toContain('DROP');
    expect(params).toEqual([odd, `${odd}2`, odd, odd, odd, 3, 4]);
  });

  it('every filter and every combination of filters walks an index in list order (empty file)', () => {
    expect(filters.length).toBe(96);
    for (const filter of filters) {
      expectIndexBound(planOf(db, sessionQuery(filter, 'list')), JSON.stringify(filter), { sorted: true });
      expectIndexBound(planOf(db, sessionQuery(filter, 'count')), JSON.stringify(filter), { sorted: false });
    }
  });

  it('still does with the planner statistics of a populated, skewed file (ANALYZE)', async () => {
    const store = new SQLiteSessionStore(path);
    const statuses = ['active', 'active', 'active', 'closed', 'error'] as const;
    await store.saveMany(
      Array.from({ length: 3000 }, (_, i) =>
        stateFixture({
          sessionId: `s${i}`,
          createdAt: new Date(at.getTime() + (i - 1500) * 1000),
          status: statuses[i % statuses.length]!,
          model: i % 10 === 0 ? 'sonnet' : 'opus',
          projectId: i % 100 === 0 ? 'p' : `q${i % 7}`,
          tags: i % 3 === 0 ? ['x', 'y'] : i % 3 === 1 ? ['x'] : [`t${i}`],
        }),
      ),
    );
    await store.close();
    db.exec('ANALYZE');
    for (const filter of filters) {
      expectIndexBound(planOf(db, sessionQuery(filter, 'list')), JSON.stringify(filter), { sorted: true });
      expectIndexBound(planOf(db, sessionQuery(filter, 'count')), JSON.stringify(filter), { sorted: false });
    }
  });

  it('a tag filter is driven by the session_tags key, other tags are key lookups', () => {
    const plan = planOf(db, sessionQuery({ tags: ['x', 'y'], status: 'active' }, 'list')).join(' | ');
    expect(plan).toMatch(/^SEARCH t0 USING PRIMARY KEY \(tag=\?\)/);
    expect(plan).toMatch(/SEARCH t USING .*\(.*tag=\?.*session_id=\?.*\)|SEARCH t USING PRIMARY KEY/);
  });

  it('rejects what cannot be a page or a date', () => {
    expect(() => sessionQuery({ limit: -1 }, 'list')).toThrow(/limit/);
    expect(() => sessionQuery({ offset: 0.5 }, 'count')).toThrow(/offset/);
    expect(() => sessionQuery({ createdAfter: new Date(Number.NaN) }, 'list')).toThrow(/createdAfter/);
  });
});
