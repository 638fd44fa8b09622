import { createHash } from 'node:crypto';
import type { SessionFilter } from '@ccflow/sessions';
import type { ProjectFilter, TraceFilter } from '@ccflow/tracing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { PostgresProjectStore } from '../src/postgres-project-store.ts';
import { PostgresSessionStore } from '../src/postgres-session-store.ts';
import { PostgresTraceStore } from '../src/postgres-trace-store.ts';
import { projectQuery } from '../src/project-query.ts';
import type { Query } from '../src/session-query.ts';
import { sessionQuery } from '../src/session-query.ts';
import { traceQuery } from '../src/trace-query.ts';
import { usePostgres } from './use-postgres.ts';

const db = usePostgres('plans_suite');
const ROWS = 20_000;
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
/**
 * Filters with few distinct values (4 statuses, 10 models) and date bounds: for a page, walking the created order's
 * index and skipping rows costs about what the filter's own index does, and the planner may take either.
 */
const PICKS_ANY_INDEX = new Set(['status', 'model', 'createdAfter', 'createdBefore', 'after', 'before']);
const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * 86_400_000);

/**
 * Every filter, alone and in every combination, is answered through an index, checked with `EXPLAIN` on 20,000
 * sessions, traces and projects after `ANALYZE`. Two settings: the planner as it is, for a page of 50 by
 * each single filter (the common call: it must pick an index by itself), and `enable_seqscan = off` for every
 * combination, `list` and `count` (no Seq Scan; `count` must search an index by the filter: one must exist).
 */
describe('EXPLAIN: every filter uses an index', () => {
  let schema = '';
  beforeAll(async () => {
    schema = db.schema();
    const options = { connectionString: db.url, schema };
    const stores = [
      new PostgresSessionStore(options),
      new PostgresTraceStore(options),
      new PostgresProjectStore(options),
    ];
    await Promise.all(stores.map((s) => s.count()));
    await Promise.all(stores.map((s) => s.close()));
    await db.admin.query(`
INSERT INTO ${schema}.sessions
SELECT 's' || i, 1, timestamptz '2025-01-01' + i * interval '1 minute', timestamptz '2025-01-01' + i * interval '1 minute',
  (ARRAY['active','closed','error','expired'])[1 + i % 4], 'model-' || i % 10, NULL, NULL, 'p' || i % 200, NULL,
  1, 1, 1, 0, 0, 0, 0.01, ARRAY['t' || i % 50, 'u' || i % 7], '{}', '{}', NULL
FROM generate_series(1, ${ROWS}) AS i;
INSERT INTO ${schema}.traces
SELECT 'tr' || i, 1, 's' || i % 2000, 'p' || i % 200, 'tr' || i % 1000, i % 10, 'prompt', NULL, 'response', '', '[]',
  NULL, '{}', 'model-' || i % 10, 1, 1, 0, 0, 0, 0.01, 10, (ARRAY['pending','success','error','cancelled'])[1 + i % 4],
  NULL, NULL, NULL, NULL, timestamptz '2025-01-01' + i * interval '1 minute',
  timestamptz '2025-01-01' + i * interval '1 minute', '{}'
FROM generate_series(1, ${ROWS}) AS i;
INSERT INTO ${schema}.projects
SELECT 'p' || i, 1, 'Project ' || md5(i::text), 'project ' || md5(i::text), '', 'p' || i % 100, '{}',
  timestamptz '2025-01-01' + i * interval '1 hour', timestamptz '2025-01-01' + i * interval '1 hour'
FROM generate_series(1, 20000) AS i;
ANALYZE ${schema}.sessions, ${schema}.traces, ${schema}.projects;`);
  }, 60_000);

  /** The plan of a query, as JSON text (node types and index names), with `settings` applied first. */
  async function planOf(query: Query, settings: string[] = []): Promise<string> {
    const client: pg.PoolClient = await db.admin.connect();
    try {
      await client.query('BEGIN');
      for (const setting of settings) await client.query(`SET LOCAL ${setting}`);
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${query.sql}`, query.params);
      return JSON.stringify(rows[0]['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  /** No Seq Scan; with `index`, that index is in the plan; with `searched`, an index is searched by a condition. */
  function expectIndexed(plan: string, why: string, index?: string, searched = false): void {
    expect(plan, why).not.toContain('"Seq Scan"');
    if (index !== undefined) expect(plan, why).toContain(`"Index Name":"${index}"`);
    if (searched) expect(plan, why).toMatch(/"(Index|Recheck) Cond"/);
  }

  const sessionParts: Record<string, [SessionFilter, string]> = {
    status: [{ status: 'active' }, 'sessions_by_status'],
    model: [{ model: 'model-3' }, 'sessions_by_model'],
    projectId: [{ projectId: 'p7' }, 'sessions_by_project'],
    tags: [{ tags: ['t3', 'u2'] }, 'sessions_by_tags'],
    createdAfter: [{ createdAfter: day(10) }, 'sessions_by_created'],
    createdBefore: [{ createdBefore: day(2) }, 'sessions_by_created'],
  };
  const traceParts: Record<string, [TraceFilter, string]> = {
    sessionId: [{ sessionId: 's5' }, 'traces_by_session'],
    projectId: [{ projectId: 'p5' }, 'traces_by_project'],
    status: [{ status: 'error' }, 'traces_by_status'],
    model: [{ model: 'model-3' }, 'traces_by_model'],
    parentTraceId: [{ parentTraceId: 'tr5' }, 'traces_by_parent'],
    after: [{ after: day(10) }, 'traces_by_created'],
    before: [{ before: day(2) }, 'traces_by_created'],
  };
  const projectParts: Record<string, [ProjectFilter, string]> = {
    nameContains: [{ nameContains: `T ${md5('1234').slice(0, 8).toUpperCase()}` }, 'projects_by_name'],
    parentProjectId: [{ parentProjectId: 'p5' }, 'projects_by_parent'],
    after: [{ after: day(100) }, 'projects_by_created'],
    before: [{ before: day(10) }, 'projects_by_created'],
  };

  function combinations<F>(parts: Record<string, [F, string]>): [string, F][] {
    const keys = Object.keys(parts);
    return Array.from({ length: 2 ** keys.length }, (_, mask) => {
      const chosen = keys.filter((_, i) => mask & (1 << i));
      return [chosen.join('+') || '(none)', Object.assign({}, ...chosen.map((k) => parts[k]![0])) as F] as [
        string,
        F,
      ];
    });
  }

  const suites = [
    ['sessions', sessionParts, (f: object, k: 'list' | 'count') => sessionQuery(`${schema}.sessions`, f, k)],
    ['traces', traceParts, (f: object, k: 'list' | 'count') => traceQuery(`${schema}.traces`, f, k)],
    ['projects', projectParts, (f: object, k: 'list' | 'count') => projectQuery(`${schema}.projects`, f, k)],
  ] as const;

  for (const [name, parts, query] of suites) {
    it(`${name}: a page of 50 by each filter alone uses an index (a selective filter's own), as the planner picks it`, async () => {
      for (const [key, [filter, index]] of Object.entries(parts)) {
        const plan = await planOf(query({ ...filter, limit: 50 }, 'list'));
        expectIndexed(plan, `${name} ${key}: ${plan}`, PICKS_ANY_INDEX.has(key) ? undefined : index);
      }
    });

    it(`${name}: every combination of filters, list and count, has an index to use (enable_seqscan off)`, async () => {
      const all = parts as Record<string, [object, string]>;
      for (const [key, filter] of combinations(all)) {
        for (const kind of ['list', 'count'] as const) {
          const plan = await planOf(query(filter, kind), ['enable_seqscan = off']);
          // Walking a whole index in list order, filtering, also avoids a Seq Scan (and is how a page of a common
          // value is best read): so `count`, which reads every match, must search an index by the filter, and a
          // single filter by its own index.
          const counting = kind === 'count' && key !== '(none)';
          expectIndexed(
            plan,
            `${name} ${kind} ${key}: ${plan}`,
            counting ? all[key]?.[1] : undefined,
            counting,
          );
        }
      }
    });
  }

  it('cleanup deletes through the updated_at indexes', async () => {
    for (const table of ['sessions', 'traces']) {
      const plan = await planOf({
        sql: `DELETE FROM ${schema}.${table} WHERE updated_at < $1`,
        params: ['2025-01-02T00:00:00Z'],
      });
      expectIndexed(plan, `${table}: ${plan}`, `${table}_by_updated`);
    }
  });
});
