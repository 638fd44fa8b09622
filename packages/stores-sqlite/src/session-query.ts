import type { SessionFilter } from '@ccflow/sessions';
import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import { SESSION_METADATA_COLUMNS } from './session-row.ts';

const COLUMNS = SESSION_METADATA_COLUMNS.map((c) => `s.${c}`).join(', ');

/** A statement and its positional parameters. */
export interface Query {
  sql: string;
  params: unknown[];
}

/**
 * The SQL of `list` (metadata, in list order, paged) or `count` for a session filter. Every value is a
 * parameter. With tags, the first tag's `session_tags` key drives the walk (`CROSS JOIN` keeps it outermost, in
 * list order) and every other tag is one key lookup: tags match exactly, case-sensitively, all of them.
 */
export function sessionQuery(filter: SessionFilter, kind: 'list' | 'count'): Query {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.createdAfter !== undefined) checkDate('createdAfter', filter.createdAfter);
  if (filter.createdBefore !== undefined) checkDate('createdBefore', filter.createdBefore);

  const tags = [...new Set(filter.tags ?? [])];
  const where: string[] = [];
  const params: unknown[] = [];
  let from = 'sessions AS s';
  let order = 's.created_at DESC, s.session_id';
  let created = 's.created_at';
  if (tags.length > 0) {
    from = 'session_tags AS t0 CROSS JOIN sessions AS s';
    order = 't0.created_at DESC, t0.session_id';
    created = 't0.created_at';
    where.push('t0.tag = ?', 's.session_id = t0.session_id');
    params.push(tags[0]);
    for (const tag of tags.slice(1)) {
      where.push(
        'EXISTS (SELECT 1 FROM session_tags AS t WHERE t.tag = ? AND t.created_at = t0.created_at AND t.session_id = t0.session_id)',
      );
      params.push(tag);
    }
  }
  const equal = (column: string, value: unknown): void => {
    if (value === undefined) return;
    where.push(`s.${column} = ?`);
    params.push(value);
  };
  equal('status', filter.status);
  equal('project_id', filter.projectId);
  equal('model', filter.model);
  if (filter.createdAfter !== undefined) {
    where.push(`${created} >= ?`);
    params.push(filter.createdAfter.getTime());
  }
  if (filter.createdBefore !== undefined) {
    where.push(`${created} <= ?`);
    params.push(filter.createdBefore.getTime());
  }
  if (tags.length === 0) from = `sessions AS s INDEXED BY ${sessionIndex(filter)}`;
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  if (kind === 'count') return { sql: `SELECT count(*) FROM ${from}${whereSql}`, params };
  params.push(filter.limit ?? -1, filter.offset ?? 0);
  return { sql: `SELECT ${COLUMNS} FROM ${from}${whereSql} ORDER BY ${order} LIMIT ? OFFSET ?`, params };
}

/**
 * The index a tag-less filter walks, named (`INDEXED BY`) rather than left to the planner: with statistics
 * (`ANALYZE`, `PRAGMA optimize`) of a common value it would rather scan the table and sort every match, where a
 * page of 50 only needs the first rows of an index already in list order. Each index ends in that order; the most
 * selective filter column, by the usual spread of values, picks it.
 */
function sessionIndex(filter: SessionFilter): string {
  if (filter.projectId !== undefined) return 'sessions_by_project';
  if (filter.model !== undefined) return 'sessions_by_model';
  if (filter.status !== undefined) return 'sessions_by_status';
  return 'sessions_by_created';
}
