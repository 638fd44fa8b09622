import type { ProjectFilter } from '@ccflow/tracing';
import { projectFixture } from '@ccflow/tracing/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndexBound, planOf, subsets } from '../test/query-plan.ts';
import { useTempDir } from '../test/temp-dir.ts';
import { projectQuery } from './project-query.ts';
import { SQLiteProjectStore } from './sqlite-project-store.ts';

const temp = useTempDir();
const at = new Date(Date.UTC(2025, 0, 1));
const PARTS: Record<string, ProjectFilter> = {
  longName: { nameContains: 'Review' },
  shortName: { nameContains: 'Re' },
  parentProjectId: { parentProjectId: 'root' },
  after: { after: at },
  before: { before: at },
};
const filters = subsets(Object.keys(PARTS))
  .filter((keys) => !(keys.includes('longName') && keys.includes('shortName')))
  .map((keys) => Object.assign({ limit: 50, offset: 1 }, ...keys.map((k) => PARTS[k])) as ProjectFilter);

describe('projectQuery', () => {
  let path: string;
  let db: Database.Database;

  beforeAll(async () => {
    path = temp.file();
    await new SQLiteProjectStore(path).close();
    db = new Database(path);
  });
  afterAll(() => db.close());

  it('puts every value in a parameter; the needle is folded and quoted for the trigram search', () => {
    const { sql, params } = projectQuery({ nameContains: `It's "100%"_Ü`, parentProjectId: "'--" }, 'list');
    expect(sql).not.toMatch(/100|'--/);
    expect(params).toEqual([`"it's ""100%""_ü"`, `it's "100%"_ü`, "'--", 100, 0]);
  });

  it('every filter and combination uses an index; only a long name search sorts (its matches)', async () => {
    const check = () => {
      for (const filter of filters) {
        const why = JSON.stringify(filter);
        const plan = planOf(db, projectQuery(filter, 'list'));
        const byName = filter.nameContains === 'Review';
        expectIndexBound(plan, why, { sorted: !byName });
        if (byName) expect(plan[0], why).toMatch(/^SCAN n VIRTUAL TABLE INDEX/);
        expectIndexBound(planOf(db, projectQuery(filter, 'count')), why, { sorted: false });
      }
    };
    check();
    const store = new SQLiteProjectStore(path);
    for (let i = 0; i < 500; i += 1) {
      await store.save(
        projectFixture({
          projectId: `p${i}`,
          name: i % 10 === 0 ? `Code review ${i}` : `Project ${i}`,
          parentProjectId: i % 5 === 0 ? 'root' : undefined,
          createdAt: new Date(at.getTime() + (i - 250) * 1000),
        }),
      );
    }
    await store.close();
    db.exec('ANALYZE');
    check();
  });
});
