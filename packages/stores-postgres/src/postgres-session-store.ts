import type {
  SessionFilter,
  SessionMetadata,
  SessionState,
  SessionStatus,
  SessionStore,
} from '@ccflow/sessions';
import { checkAge } from '@ccflow/sessions/store-kit';
import { lockOrder } from './lock-order.ts';
import { selectList } from './select-list.ts';
import { sessionQuery } from './session-query.ts';
import {
  SESSION_METADATA_COLUMNS,
  SESSION_WRITTEN,
  type SessionRow,
  sessionParams,
  toSessionMetadata,
  toSessionState,
} from './session-row.ts';
import { type Queryable, StoreHandle } from './store-handle.ts';
import type { PostgresStoreOptions } from './store-options.ts';
import { saveVersioned, type VersionedSave, versionedSave } from './versioned-save.ts';

/**
 * Sessions in PostgreSQL (13 or newer), shared by every process and machine that points at the database. Pass a
 * connection string or options (`pool`, `connectionString`, `schema`, `poolSize`). The first call creates or
 * migrates the schema; every failure is a `StoreError`. `await using` closes it.
 *
 * Deleting or cleaning up a session removes the session, nothing else: its traces stay in the trace store.
 */
export class PostgresSessionStore implements SessionStore, AsyncDisposable {
  readonly #handle: StoreHandle;
  readonly #table: string;
  readonly #save: VersionedSave;
  readonly #load: string;

  constructor(options: string | PostgresStoreOptions) {
    this.#handle = new StoreHandle('session', options);
    this.#table = `${this.#handle.schema}.sessions`;
    this.#save = versionedSave(this.#table, SESSION_WRITTEN);
    this.#load = `SELECT ${selectList([...SESSION_METADATA_COLUMNS, 'options'])} FROM ${this.#table} WHERE session_id = $1`;
  }

  /** The database and schema, as `postgresql://host:port/database#schema` (no credentials). */
  get path(): string {
    return this.#handle.path;
  }

  async save(state: SessionState): Promise<number> {
    return this.#handle.run('save a session', (db) => this.#saveOne(db, state));
  }

  /**
   * Saves every state in one transaction: all of them are stored, or (on any error, a version conflict included)
   * none. Resolves to their new versions, in order. Rows are written in id order, so batches that share rows lock
   * them in one order and never deadlock each other.
   */
  async saveMany(states: Iterable<SessionState>): Promise<number[]> {
    const all = [...states];
    return this.#handle.transaction('save sessions', async (db) => {
      const versions: number[] = [];
      for (const i of lockOrder(all, 'sessionId')) versions[i] = await this.#saveOne(db, all[i]!);
      return versions;
    });
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    return this.#handle.run('load a session', async (db) => {
      const { rows } = await db.query<SessionRow>(this.#load, [sessionId]);
      return rows[0] === undefined ? undefined : toSessionState(rows[0]);
    });
  }

  async delete(sessionId: string): Promise<boolean> {
    return this.#handle.run('delete a session', async (db) => {
      const result = await db.query(`DELETE FROM ${this.#table} WHERE session_id = $1`, [sessionId]);
      return result.rowCount === 1;
    });
  }

  async list(filter: SessionFilter = {}): Promise<SessionMetadata[]> {
    return this.#handle.run('list sessions', async (db) => {
      const { sql, params } = sessionQuery(this.#table, filter, 'list');
      return (await db.query<SessionRow>(sql, params, false)).rows.map(toSessionMetadata);
    });
  }

  async exists(sessionId: string): Promise<boolean> {
    return this.#handle.run('look up a session', async (db) => {
      const { rows } = await db.query(`SELECT 1 FROM ${this.#table} WHERE session_id = $1`, [sessionId]);
      return rows.length > 0;
    });
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: SessionFilter = {}): Promise<number> {
    return this.#handle.run('count sessions', async (db) => {
      const { sql, params } = sessionQuery(this.#table, filter, 'count');
      return (await db.query<{ n: number }>(sql, params, false)).rows[0]!.n;
    });
  }

  async updateStatus(sessionId: string, status: SessionStatus): Promise<boolean> {
    return this.#handle.run('update a session status', async (db) => {
      const sql = `UPDATE ${this.#table} SET status = $1, updated_at = $2, version = version + 1 WHERE session_id = $3`;
      const result = await db.query(sql, [status, new Date().toISOString(), sessionId]);
      return result.rowCount === 1;
    });
  }

  async cleanup(olderThanMs: number): Promise<number> {
    return this.#handle.run('clean up sessions', async (db) => {
      checkAge(olderThanMs);
      const cutoff = new Date(Date.now() - olderThanMs).toISOString();
      const result = await db.query(`DELETE FROM ${this.#table} WHERE updated_at < $1`, [cutoff]);
      return result.rowCount ?? 0;
    });
  }

  /** Releases the pool (ending it when the stores created it and none uses it any more); idempotent. */
  async close(): Promise<void> {
    await this.#handle.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #saveOne(db: Queryable, state: SessionState): Promise<number> {
    return saveVersioned(db, this.#save, sessionParams(state), state.version, this.#handle.path);
  }
}
