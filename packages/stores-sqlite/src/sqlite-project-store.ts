import type { SessionMetadata } from '@ccflow/sessions';
import type { ProjectData, ProjectFilter, ProjectStore } from '@ccflow/tracing';
import { DEFAULT_PROJECT_LIMIT, projectQuery } from './project-query.ts';
import { PROJECT_COLUMNS, type ProjectRow, projectParams, SAVE_PROJECT, toProject } from './project-row.ts';
import { sessionQuery } from './session-query.ts';
import { type SessionRow, toSessionMetadata } from './session-row.ts';
import { StoreHandle } from './store-handle.ts';
import type { SQLiteStoreOptions } from './store-options.ts';
import { saveVersioned } from './versioned-save.ts';

const LOAD_PROJECT = `SELECT ${PROJECT_COLUMNS.join(', ')} FROM projects WHERE project_id = ?`;
const SUBPROJECTS = `SELECT ${PROJECT_COLUMNS.join(', ')} FROM projects INDEXED BY projects_by_parent
WHERE parent_project_id = ? ORDER BY created_at, project_id`;

/**
 * Projects in a SQLite file. `getProjectSessions` reads the sessions of the same file, so give
 * `SQLiteSessionStore` the same path. Options, default path and errors as `SQLiteSessionStore`.
 *
 * `delete` removes the project record only, as the contract says: its sessions and traces keep their
 * `projectId`, its subprojects their `parentProjectId` (no foreign key ties them, so nothing cascades); saving a
 * project with that id again brings them back under it.
 */
export class SQLiteProjectStore implements ProjectStore {
  readonly #handle: StoreHandle;

  constructor(options?: string | SQLiteStoreOptions) {
    this.#handle = new StoreHandle('project', options);
  }

  /** The absolute path of the database file. */
  get path(): string {
    return this.#handle.path;
  }

  async save(project: ProjectData): Promise<number> {
    return this.#handle.write('save a project', () =>
      saveVersioned(this.#handle, SAVE_PROJECT, projectParams(project), project.version),
    );
  }

  async load(projectId: string): Promise<ProjectData | undefined> {
    return this.#handle.read('load a project', () => {
      const row = this.#handle.statement(LOAD_PROJECT).get(projectId);
      return row === undefined ? undefined : toProject(row as ProjectRow);
    });
  }

  async delete(projectId: string): Promise<boolean> {
    return this.#handle.write(
      'delete a project',
      () => this.#handle.statement('DELETE FROM projects WHERE project_id = ?').run(projectId).changes > 0,
    );
  }

  async list(filter: ProjectFilter = {}): Promise<ProjectData[]> {
    return this.#handle.read('list projects', () => {
      const { sql, params } = projectQuery(filter, 'list');
      return (this.#handle.statement(sql).all(...params) as ProjectRow[]).map(toProject);
    });
  }

  /** The sessions whose `projectId` is this project, as `SQLiteSessionStore.list({ projectId, limit })`. */
  async getProjectSessions(projectId: string, limit = DEFAULT_PROJECT_LIMIT): Promise<SessionMetadata[]> {
    return this.#handle.read('list the sessions of a project', () => {
      const { sql, params } = sessionQuery({ projectId, limit }, 'list');
      return (this.#handle.statement(sql).all(...params) as SessionRow[]).map(toSessionMetadata);
    });
  }

  /** Every direct child, in list order. */
  async getSubprojects(projectId: string): Promise<ProjectData[]> {
    return this.#handle.read('list subprojects', () => {
      return (this.#handle.statement(SUBPROJECTS).all(projectId) as ProjectRow[]).map(toProject);
    });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: ProjectFilter = {}): Promise<number> {
    return this.#handle.read('count projects', () => {
      const { sql, params } = projectQuery(filter, 'count');
      return this.#handle
        .statement(sql)
        .pluck()
        .get(...params) as number;
    });
  }

  async close(): Promise<void> {
    this.#handle.close();
  }

  /** `await using store = new …`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
