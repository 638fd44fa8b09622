import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import type { TraceFilter } from '@ccflow/tracing';
import { selectList } from './select-list.ts';
import type { Query } from './session-query.ts';
import { toTimestamp } from './timestamp.ts';
import { TRACE_COLUMNS } from './trace-row.ts';

/** `list`'s page size when the filter gives none. */
const DEFAULT_TRACE_LIMIT = 100;

/** The columns a trace is read with, from `traces AS t`. */
const TRACE_SELECT = selectList(TRACE_COLUMNS, 't');

/**
 * The SQL of `list` (in turn order, paged) or `count` for a trace filter on `table`, every value a parameter.
 * Each filter column has a B-tree index ending in the list order (`created_at, sequence_number, trace_id`), so a
 * page walks one index in order and stops after `limit` rows.
 */
export function traceQuery(table: string, filter: TraceFilter, kind: 'list' | 'count'): Query {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.after !== undefined) checkDate('after', filter.after);
  if (filter.before !== undefined) checkDate('before', filter.before);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (n: string) => string, value: unknown): void => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.sessionId !== undefined) add((n) => `session_id = ${n}`, filter.sessionId);
  if (filter.projectId !== undefined) add((n) => `project_id = ${n}`, filter.projectId);
  if (filter.status !== undefined) add((n) => `status = ${n}`, filter.status);
  if (filter.model !== undefined) add((n) => `model = ${n}`, filter.model);
  if (filter.parentTraceId !== undefined) add((n) => `parent_trace_id = ${n}`, filter.parentTraceId);
  if (filter.after !== undefined) add((n) => `created_at >= ${n}`, toTimestamp(filter.after));
  if (filter.before !== undefined) add((n) => `created_at <= ${n}`, toTimestamp(filter.before));
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  if (kind === 'count') return { sql: `SELECT count(*) AS n FROM ${table} AS t${whereSql}`, params };
  params.push(filter.limit ?? DEFAULT_TRACE_LIMIT, filter.offset ?? 0);
  return {
    sql: `SELECT ${TRACE_SELECT} FROM ${table} AS t${whereSql}
ORDER BY t.created_at, t.sequence_number, t.trace_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  };
}
