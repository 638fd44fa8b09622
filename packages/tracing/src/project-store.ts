import type { SessionMetadata } from '@ccflow/sessions';

/** A project: a named group of sessions and their traces, nested to any depth. */
export interface ProjectData {
  projectId: string;
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
 * `save` inserts or replaces; `list` orders oldest `createdAt` first, ties by `projectId` (binary order);
 * `nameContains` matches when the Unicode-lowercased name contains the lowercased needle; `getSubprojects` gives
 * every direct child (no limit); `getProjectSessions` the sessions whose `projectId` is this project (newest first,
 * as the session store lists them; the project need not exist). `limit`/`offset` are non-negative integers;
 * `count` ignores them. Deleting a project deletes only the project record: its sessions, traces and
 * subprojects are kept (subprojects keep their `parentProjectId`, so they can still be found by it). After
 * `close()` every call rejects with `StoreError`.
 */
export interface ProjectStore {
  save(project: ProjectData): Promise<void>;
  load(projectId: string): Promise<ProjectData | undefined>;
  delete(projectId: string): Promise<boolean>;
  list(filter?: ProjectFilter): Promise<ProjectData[]>;
  getProjectSessions(projectId: string, limit?: number): Promise<SessionMetadata[]>;
  getSubprojects(projectId: string): Promise<ProjectData[]>;
  count(filter?: ProjectFilter): Promise<number>;
  close(): Promise<void>;
}
