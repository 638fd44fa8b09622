import type { TraceFilter } from '@ccflow/tracing';
import { traceFixture } from '@ccflow/tracing/testing';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectIndexBound, planOf, subsets } from '../test/query-plan.ts';
import { useTempDir } from '../test/temp-dir.ts';
import { SQLiteTraceStore } from './sqlite-trace-store.ts';
import { traceQuery } from './trace-query.ts';

const temp = useTempDir();
const at = new Date(Date.UTC(2025, 0, 1));
const PARTS: Record<string, TraceFilter> = {
  sessionId: { sessionId: 's' },
  projectId: { projectId: 'p' },
  status: { status: 'success' },
  model: { model: 'claude-haiku-4-5' },
  parentTraceId: { parentTraceId: 't' },
  after: { after: at },
  before: { before: at },
};
const filters = subsets(Object.keys(PARTS)).map(
  (keys) => Object.assign({ limit: 50, offset: 10 }, ...keys.map((k) => PARTS[k])) as TraceFilter,
);

describe('traceQuery', () => {
  let path: string;
  let db: Database.Database;

  beforeAll(async () => {
    path = temp.file();
    await new SQLiteTraceStore(path).close();
    db = new Database(path);
  });
  afterAll(() => db.close());

  it('puts every value in a parameter, never in the SQL text', () => {
    const odd = "'; DROP TABLE traces; -- 100%_";
    const { sql, params } = traceQuery(
      {
        sessionId: odd,
        projectId: odd,
        status: odd as never,
        model: odd,
        parentTraceId: odd,
        limit: 1,
        offset: 2,
      },
      'list',
    );
    expect(sql).not.toContain(odd);
    expect(params).toEqual([odd, odd, odd, odd, odd, 1, 2]);
    expect(traceQuery({}, 'list').params).toEqual([100, 0]);
  });

  it('every filter and every combination walks an index in list order, before and after ANALYZE', async () => {
    expect(filters.length).toBe(128);
    const check = () => {
      for (const filter of filters) {
        expectIndexBound(planOf(db, traceQuery(filter, 'list')), JSON.stringify(filter), { sorted: true });
        expectIndexBound(planOf(db, traceQuery(filter, 'count')), JSON.stringify(filter), { sorted: false });
      }
    };
    check();
    const store = new SQLiteTraceStore(path);
    await store.saveMany(
      Array.from({ length: 3000 }, (_, i) =>
        traceFixture({
          traceId: `t${i}`,
          sessionId: `s${i % 300}`,
          projectId: i % 2 === 0 ? 'p' : undefined,
          parentTraceId: i % 50 === 0 ? 't' : undefined,
          status: i % 20 === 0 ? 'error' : 'success',
          model: i % 3 === 0 ? 'claude-haiku-4-5' : 'claude-sonnet-4-5',
          sequenceNumber: Math.floor(i / 300) + 1,
          createdAt: new Date(at.getTime() + (i - 1500) * 1000),
        }),
      ),
    );
    await store.close();
    db.exec('ANALYZE');
    check();
  });

  it('rejects what cannot be a page or a date', () => {
    expect(() => traceQuery({ limit: 1.5 }, 'list')).toThrow(/limit/);
    expect(() => traceQuery({ offset: -1 }, 'count')).toThrow(/offset/);
    expect(() => traceQuery({ before: new Date(Number.NaN) }, 'list')).toThrow(/before/);
  });
});
