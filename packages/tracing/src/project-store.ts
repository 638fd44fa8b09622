import type { SessionMetadata } from '@ccflow/sessions';

/** A project: a named group of sessions and their traces, nested to any depth. */
export interface ProjectData {
  projectId: string;
  /** The store's count of writes to this project: 0 before its first save (see `ProjectStore`). */
  version: number;
  name: string;
  description: string;
  parentProjectId: string | undefined;
  metadata: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectFilter {
  /** Case-insensitive substring of the name (`%` and `_` are plain characters). */
  nameContains?: string;
  parentProjectId?: string;
  /** Inclusive bounds on `createdAt`. */
  after?: Date;
  before?: Date;
  /** Default 100. */
  limit?: number;
  offset?: number;
}

/**
 * Where projects live. `MemoryProjectStore` here, `SQLiteProjectStore` in `@ccflow/stores-sqlite`, or your own:
 * `@ccflow/tracing/testing` has the conformance suite.
 *
 * `save` inserts or replaces, with optimistic concurrency as `SessionStore.save`: only when `project.version` is
 * the stored version (0: no such project), resolving to the new version, else `StoreConflictError` and nothing
 * written. `list` orders oldest `createdAt` first, ties by `projectId` (binary order);
 * `nameContains` matches when the Unicode-lowercased name contains the lowercased needle; `getSubprojects` gives
 * every direct child (no limit); `getProjectSessions` the sessions whose `projectId` is this project (newest first,
 * as the session store lists them; the project need not exist). `limit`/`offset` are non-negative integers;
 * `count` ignores them. Deleting a project deletes only the project record: its sessions, traces and
 * subprojects are kept (subprojects keep their `parentProjectId`, so they can still be found by it). Bad input
 * rejects with `StoreInputError`; after `close()` every call rejects with `StoreClosedError`.
 */
export interface ProjectStore {
  /** Resolves to the project's new version. */
  save(project: ProjectData): Promise<number>;
  load(projectId: string): Promise<ProjectData | undefined>;
  delete(projectId: string): Promise<boolean>;
  list(filter?: ProjectFilter): Promise<ProjectData[]>;
  getProjectSessions(projectId: string, limit?: number): Promise<SessionMetadata[]>;
  getSubprojects(projectId: string): Promise<ProjectData[]>;
  count(filter?: ProjectFilter): Promise<number>;
  close(): Promise<void>;
}
