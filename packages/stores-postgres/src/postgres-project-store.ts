import type { SessionMetadata } from '@ccflow/sessions';
import type { ProjectData, ProjectFilter, ProjectStore } from '@ccflow/tracing';
import { DEFAULT_PROJECT_LIMIT, PROJECT_SELECT, projectQuery } from './project-query.ts';
import { PROJECT_WRITTEN, type ProjectRow, projectParams, toProject } from './project-row.ts';
import { sessionQuery } from './session-query.ts';
import { type SessionRow, toSessionMetadata } from './session-row.ts';
import { StoreHandle } from './store-handle.ts';
import type { PostgresStoreOptions } from './store-options.ts';
import { saveVersioned, type VersionedSave, versionedSave } from './versioned-save.ts';

/**
 * Projects in PostgreSQL. `getProjectSessions` reads the sessions of the same schema, so give
 * `PostgresSessionStore` the same database and schema. Options and errors as `PostgresSessionStore`.
 *
 * `delete` removes the project record only, as the contract says: its sessions and traces keep their
 * `projectId`, its subprojects their `parentProjectId` (no foreign key ties them, so nothing cascades).
 */
export class PostgresProjectStore implements ProjectStore, AsyncDisposable {
  readonly #handle: StoreHandle;
  readonly #table: string;
  readonly #sessions: string;
  readonly #save: VersionedSave;
  readonly #load: string;
  readonly #subprojects: string;

  constructor(options: string | PostgresStoreOptions) {
    this.#handle = new StoreHandle('project', options);
    this.#table = `${this.#handle.schema}.projects`;
    this.#sessions = `${this.#handle.schema}.sessions`;
    this.#save = versionedSave(this.#table, PROJECT_WRITTEN);
    this.#load = `SELECT ${PROJECT_SELECT} FROM ${this.#table} AS p WHERE project_id = $1`;
    this.#subprojects = `SELECT ${PROJECT_SELECT} FROM ${this.#table} AS p WHERE parent_project_id = $1
ORDER BY p.created_at, p.project_id`;
  }

  /** The database and schema, as `postgresql://host:port/database#schema` (no credentials). */
  get path(): string {
    return this.#handle.path;
  }

  async save(project: ProjectData): Promise<number> {
    return this.#handle.run('save a project', (db) =>
      saveVersioned(db, this.#save, projectParams(project), project.version, this.#handle.path),
    );
  }

  async load(projectId: string): Promise<ProjectData | undefined> {
    return this.#handle.run('load a project', async (db) => {
      const { rows } = await db.query<ProjectRow>(this.#load, [projectId]);
      return rows[0] === undefined ? undefined : toProject(rows[0]);
    });
  }

  async delete(projectId: string): Promise<boolean> {
    return this.#handle.run('delete a project', async (db) => {
      const result = await db.query(`DELETE FROM ${this.#table} WHERE project_id = $1`, [projectId]);
      return result.rowCount === 1;
    });
  }

  async list(filter: ProjectFilter = {}): Promise<ProjectData[]> {
    return this.#handle.run('list projects', async (db) => {
      const { sql, params } = projectQuery(this.#table, filter, 'list');
      return (await db.query<ProjectRow>(sql, params, false)).rows.map(toProject);
    });
  }

  /** The sessions whose `projectId` is this project, as `PostgresSessionStore.list({ projectId, limit })`. */
  async getProjectSessions(projectId: string, limit = DEFAULT_PROJECT_LIMIT): Promise<SessionMetadata[]> {
    return this.#handle.run('list the sessions of a project', async (db) => {
      const { sql, params } = sessionQuery(this.#sessions, { projectId, limit }, 'list');
      return (await db.query<SessionRow>(sql, params, false)).rows.map(toSessionMetadata);
    });
  }

  /** Every direct child, in list order. */
  async getSubprojects(projectId: string): Promise<ProjectData[]> {
    return this.#handle.run('list subprojects', async (db) => {
      return (await db.query<ProjectRow>(this.#subprojects, [projectId])).rows.map(toProject);
    });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: ProjectFilter = {}): Promise<number> {
    return this.#handle.run('count projects', async (db) => {
      const { sql, params } = projectQuery(this.#table, filter, 'count');
      return (await db.query<{ n: number }>(sql, params, false)).rows[0]!.n;
    });
  }

  /** Releases the pool (ending it when the stores created it and none uses it any more); idempotent. */
  async close(): Promise<void> {
    await this.#handle.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
