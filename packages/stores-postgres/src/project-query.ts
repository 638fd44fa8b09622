import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import type { ProjectFilter } from '@ccflow/tracing';
import { foldName, PROJECT_COLUMNS } from './project-row.ts';
import { selectList } from './select-list.ts';
import type { Query } from './session-query.ts';
import { toTimestamp } from './timestamp.ts';

/** `list`'s page size when the filter gives none. */
export const DEFAULT_PROJECT_LIMIT = 100;

/** The columns a project is read with, from `projects AS p`. */
export const PROJECT_SELECT = selectList(PROJECT_COLUMNS, 'p');

/**
 * The SQL of `list` (oldest first, ties by id, paged) or `count` for a project filter on `table`, every value a
 * parameter. `nameContains` is a plain substring test on the folded name: `LIKE` with `\`, `%` and `_` escaped, so
 * they are characters; the trigram GIN index (`pg_trgm`) finds the candidates of a needle of three characters or
 * more. `parentProjectId` and dates walk B-tree indexes in list order.
 */
export function projectQuery(table: string, filter: ProjectFilter, kind: 'list' | 'count'): Query {
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
  if (filter.nameContains !== undefined && filter.nameContains !== '') {
    const needle = foldName(filter.nameContains).replace(/[\\%_]/g, (c) => `\\${c}`);
    add((n) => `name_lower LIKE ${n}`, `%${needle}%`);
  }
  if (filter.parentProjectId !== undefined) add((n) => `parent_project_id = ${n}`, filter.parentProjectId);
  if (filter.after !== undefined) add((n) => `created_at >= ${n}`, toTimestamp(filter.after));
  if (filter.before !== undefined) add((n) => `created_at <= ${n}`, toTimestamp(filter.before));
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  if (kind === 'count') return { sql: `SELECT count(*) AS n FROM ${table} AS p${whereSql}`, params };
  params.push(filter.limit ?? DEFAULT_PROJECT_LIMIT, filter.offset ?? 0);
  return {
    sql: `SELECT ${PROJECT_SELECT} FROM ${table} AS p${whereSql}
ORDER BY p.created_at, p.project_id LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  };
}
