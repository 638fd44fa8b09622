import { checkCount, checkDate } from '@ccflow/sessions/store-kit';
import type { ProjectFilter } from '@ccflow/tracing';
import { foldName, PROJECT_COLUMNS } from './project-row.ts';
import type { Query } from './session-query.ts';

const COLUMNS = PROJECT_COLUMNS.map((c) => `p.${c}`).join(', ');

/** `list`'s page size when the filter gives none. */
export const DEFAULT_PROJECT_LIMIT = 100;

/**
 * The SQL of `list` (oldest first, ties by id, paged) or `count` for a project filter, every value a parameter.
 * `nameContains` is a plain substring test (`instr`, so `%` and `_` are characters) on the folded name. From
 * three characters on, the trigram index finds the candidates (`CROSS JOIN` keeps it outermost) and only they are
 * sorted; a shorter needle has no trigram to search by and walks the created index, testing each name. Otherwise
 * the parent or created index is walked in list order, named rather than left to the planner (see
 * `sessionIndex`).
 */
export function projectQuery(filter: ProjectFilter, kind: 'list' | 'count'): Query {
  checkCount('limit', filter.limit);
  checkCount('offset', filter.offset);
  if (filter.after !== undefined) checkDate('after', filter.after);
  if (filter.before !== undefined) checkDate('before', filter.before);
  const where: string[] = [];
  const params: unknown[] = [];
  let from = `projects AS p INDEXED BY ${filter.parentProjectId === undefined ? 'projects_by_created' : 'projects_by_parent'}`;
  if (filter.nameContains !== undefined && filter.nameContains !== '') {
    const needle = foldName(filter.nameContains);
    if ([...needle].length >= 3) {
      from = 'project_names AS n CROSS JOIN projects AS p';
      where.push('project_names MATCH ?', 'p.id = n.rowid');
      params.push(`"${needle.replaceAll('"', '""')}"`);
    }
    where.push('instr(p.name_lower, ?) > 0');
    params.push(needle);
  }
  if (filter.parentProjectId !== undefined) {
    where.push('p.parent_project_id = ?');
    params.push(filter.parentProjectId);
  }
  if (filter.after !== undefined) {
    where.push('p.created_at >= ?');
    params.push(filter.after.getTime());
  }
  if (filter.before !== undefined) {
    where.push('p.created_at <= ?');
    params.push(filter.before.getTime());
  }
  const whereSql = where.length === 0 ? '' : ` WHERE ${where.join(' AND ')}`;
  if (kind === 'count') return { sql: `SELECT count(*) FROM ${from}${whereSql}`, params };
  params.push(filter.limit ?? DEFAULT_PROJECT_LIMIT, filter.offset ?? 0);
  return {
    sql: `SELECT ${COLUMNS} FROM ${from}${whereSql} ORDER BY p.created_at, p.project_id LIMIT ? OFFSET ?`,
    params,
  };
}
