import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import type { TraceFilter } from '@ccflow/tracing';
import type { Query } from './session-query.ts';
import { TRACE_COLUMNS } from './trace-row.ts';

const COLUMNS = TRACE_COLUMNS.join(', ');

/** `list`'s page size when the filter gives none. */
const DEFAULT_TRACE_LIMIT = 100;

/**
 * The SQL of `list` (in list order, paged) or `count` for a trace filter, every value a parameter. Each filter
 * column has an index ending in the list order (`created_at, sequence_number, trace_id`), so a page walks one
 * index in order and stops after `limit` rows. The index is named, not left to the planner (see `sessionIndex`).
 */
export function traceQuery(filter: TraceFilter, kind: 'list' | 'count'): Query {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.after !== undefined) checkDate('after', filter.after);
  if (filter.before !== undefined) checkDate('before', filter.before);
  const where: string[] = [];
  const params: unknown[] = [];
  const equal = (column: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(`${column} = ?`);
    params.push(value);
  };
  equal('session_id', filter.sessionId);
  equal('project_id', filter.projectId);
  equal('status', filter.status);
  equal('model', filter.model);
  equal('parent_trace_id', filter.parentTraceId);
  if (filter.after !== undefined) {
    where.push('created_at >= ?');
    params.push(filter.after.getTime());
  }
  if (filter.before !== undefined) {
    where.push('created_at <= ?');
    params.push(filter.before.getTime());
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  const from = `traces INDEXED BY ${traceIndex(filter)}`;
  if (kind === 'count') return { sql: `SELECT count(*) FROM ${from}${whereSql}`, params };
  params.push(filter.limit ?? DEFAULT_TRACE_LIMIT, filter.offset ?? 0);
  return {
    sql: `SELECT ${COLUMNS} FROM ${from}${whereSql} ORDER BY created_at, sequence_number, trace_id LIMIT ? OFFSET ?`,
    params,
  };
}

/** The index a filter walks: the most selective filter column's, by the usual spread of values. */
function traceIndex(filter: TraceFilter): string {
  if (filter.sessionId !== undefined) return 'traces_by_session';
  if (filter.parentTraceId !== undefined) return 'traces_by_parent';
  if (filter.projectId !== undefined) return 'traces_by_project';
  if (filter.model !== undefined) return 'traces_by_model';
  if (filter.status !== undefined) return 'traces_by_status';
  return 'traces_by_created';
}
