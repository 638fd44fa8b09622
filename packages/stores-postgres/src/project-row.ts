import { checkDate, checkId, checkVersion, toJson } from '@ccflow/sessions/store-kit';
import type { ProjectData } from '@ccflow/tracing';
import { toTimestamp } from './timestamp.ts';

/** A `projects` row as read (the listed columns; times in ms). */
export interface ProjectRow {
  project_id: string;
  name: string;
  description: string;
  parent_project_id: string | null;
  metadata: Record<string, unknown>;
  created_at: number;
  updated_at: number;
  version: number;
}

/** The columns of a project record (the id first); `name_lower` and `version` are the store's. */
const FIELDS = [
  'project_id',
  'name',
  'description',
  'parent_project_id',
  'metadata',
  'created_at',
  'updated_at',
] as const;

/** Every column of a project record, as `load` and `list` read them. */
export const PROJECT_COLUMNS = [...FIELDS, 'version'];

/** The columns a save writes, the folded name last. */
export const PROJECT_WRITTEN = [...FIELDS, 'name_lower'];

/**
 * The name as `nameContains` compares it: JavaScript's `toLowerCase`, computed here rather than by the server
 * (whose `lower` depends on the database's locale), so every script folds as in the memory store.
 */
export function foldName(name: string): string {
  return name.toLowerCase();
}

/** Validates the project and gives the parameters of the project save, in `PROJECT_WRITTEN` order. */
export function projectParams(project: ProjectData): unknown[] {
  checkId('projectId', project?.projectId);
  if (typeof project.name !== 'string') checkId('name', project.name);
  checkDate('createdAt', project.createdAt);
  checkDate('updatedAt', project.updatedAt);
  checkVersion(project.version);
  return [
    project.projectId,
    project.name,
    project.description ?? '',
    project.parentProjectId ?? null,
    toJson('metadata', project.metadata ?? {}),
    toTimestamp(project.createdAt),
    toTimestamp(project.updatedAt),
    foldName(project.name),
  ];
}

export function toProject(row: ProjectRow): ProjectData {
  return {
    projectId: row.project_id,
    name: row.name,
    description: row.description,
    parentProjectId: row.parent_project_id ?? undefined,
    metadata: row.metadata,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    version: row.version,
  };
}
