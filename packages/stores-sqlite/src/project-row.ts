import type { ProjectData } from '@ccflow/tracing';
import { checkDate, checkId, toJson } from './validate.ts';

/** A `projects` row as better-sqlite3 returns it (the listed columns). */
export interface ProjectRow {
  project_id: string;
  name: string;
  description: string;
  parent_project_id: string | null;
  metadata: string;
  created_at: number;
  updated_at: number;
}

export const PROJECT_COLUMNS = [
  'project_id',
  'name',
  'description',
  'parent_project_id',
  'metadata',
  'created_at',
  'updated_at',
] as const;

const WRITTEN = [...PROJECT_COLUMNS, 'name_lower'];

/** Insert, or replace every column of, one project; the row keeps its id, which the name index refers to. */
export const UPSERT_PROJECT = `INSERT INTO projects (${WRITTEN.join(', ')})
VALUES (${WRITTEN.map(() => '?').join(', ')})
ON CONFLICT (project_id) DO UPDATE SET ${WRITTEN.slice(1)
  .map((c) => `${c} = excluded.${c}`)
  .join(', ')}`;

/**
 * The name as `nameContains` compares it: JavaScript's `toLowerCase`, computed here rather than by SQLite
 * (whose `lower` folds ASCII only), so every script folds as in the memory store.
 */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/** Validates the project and gives the parameters of `UPSERT_PROJECT`, in its column order. */
export function projectParams(project: ProjectData): unknown[] {
  checkId('projectId', project?.projectId);
  if (typeof project.name !== 'string') checkId('name', project.name);
  checkDate('createdAt', project.createdAt);
  checkDate('updatedAt', project.updatedAt);
  return [
    project.projectId,
    project.name,
    project.description ?? '',
    project.parentProjectId ?? null,
    toJson('metadata', project.metadata ?? {}),
    project.createdAt.getTime(),
    project.updatedAt.getTime(),
    foldName(project.name),
  ];
}

export function toProject(row: ProjectRow): ProjectData {
  return {
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    parentProjectId: row.parent_project_id ?? undefined,
    metadata: JSON.parse(row.metadata),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}
