import type { SessionFilter } from '@ccflow/sessions';
import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import { selectList } from './select-list.ts';
import { SESSION_METADATA_COLUMNS } from './session-row.ts';
import { toTimestamp } from './timestamp.ts';

/** A statement and its positional parameters. */
/** The columns a session's metadata is read with, from `sessions AS s`. */
const SESSION_SELECT = selectList(SESSION_METADATA_COLUMNS, 's');

export interface Query {
  sql: string;
  params: unknown[];
}

/**
 * The SQL of `list` (metadata, newest first, paged) or `count` for a session filter on `table`; every value is a
 * parameter. Equality filters and dates walk a B-tree index ending in the list order; `tags` (carrying all of
 * them: `tags @> $n`, exact and case-sensitive) is a GIN index search.
 */
export function sessionQuery(table: string, filter: SessionFilter, kind: 'list' | 'count'): Query {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.createdAfter !== undefined) checkDate('createdAfter', filter.createdAfter);
  if (filter.createdBefore !== undefined) checkDate('createdBefore', filter.createdBefore);
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: (n: string) => string, value: unknown): void => {
    params.push(value);
    where.push(condition(`$${params.length}`));
  };
  if (filter.status !== undefined) add((n) => `status = ${n}`, filter.status);
  if (filter.projectId !== undefined) add((n) => `project_id = ${n}`, filter.projectId);
  if (filter.model !== undefined) add((n) => `model = ${n}`, filter.model);
  const tags = [...new Set(filter.tags ?? [])];
  if (tags.length > 0) add((n) => `tags @> ${n}::text[]`, tags);
  if (filter.createdAfter !== undefined) add((n) => `created_at >= ${n}`, toTimestamp(filter.createdAfter));
  if (filter.createdBefore !== undefined) add((n) => `created_at <= ${n}`, toTimestamp(filter.createdBefore));
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  if (kind === 'count') return { sql: `SELECT count(*) AS n FROM ${table} AS s${whereSql}`, params };
  params.push(filter.limit ?? null, filter.offset ?? 0);
  const paging = `LIMIT $${params.length - 1} OFFSET $${params.length}`;
  return {
    sql: `SELECT ${SESSION_SELECT} FROM ${table} AS s${whereSql} ORDER BY s.created_at DESC, s.session_id ${paging}`,
    params,
  };
}
