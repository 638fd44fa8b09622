import type {
  SessionFilter,
  SessionMetadata,
  SessionState,
  SessionStatus,
  SessionStore,
} from '@ccflow/sessions';
import { checkAge, checkId } from '@ccflow/sessions/store-kit';
import { sessionQuery } from './session-query.ts';
import {
  SAVE_SESSION,
  type SessionRow,
  sessionParams,
  toSessionMetadata,
  toSessionState,
} from './session-row.ts';
import { StoreHandle } from './store-handle.ts';
import type { SQLiteStoreOptions } from './store-options.ts';
import { saveVersioned } from './versioned-save.ts';

/**
 * Sessions in a SQLite file (better-sqlite3, WAL): durable, shared safely by several processes, and able to
 * share its file with `SQLiteTraceStore` and `SQLiteProjectStore`. Pass a path, or options; the default file is
 * `CCFLOW_SESSION_STORAGE_PATH`, else `~/.ccflow/ccflow.db`. The file is opened (created, migrated) by the
 * constructor, which throws `StoreError` if it cannot be.
 *
 * Deleting or cleaning up a session removes the session and its tags, nothing else: its traces stay in the trace
 * store, which has its own `cleanup`.
 */
export class SQLiteSessionStore implements SessionStore {
  readonly #handle: StoreHandle;

  constructor(options?: string | SQLiteStoreOptions) {
    this.#handle = new StoreHandle('session', options);
  }

  /** The absolute path of the database file. */
  get path(): string {
    return this.#handle.path;
  }

  async save(state: SessionState): Promise<number> {
    return this.#handle.write('save a session', () => this.#save(state));
  }

  /**
   * Saves every state in one transaction: all of them are stored, or (on any error, a version conflict included)
   * none. Resolves to their new versions, in order.
   */
  async saveMany(states: Iterable<SessionState>): Promise<number[]> {
    return this.#handle.write('save sessions', () => [...states].map((state) => this.#save(state)));
  }

  async load(sessionId: string): Promise<SessionState | undefined> {
    return this.#handle.read('load a session', () => {
      const row = this.#handle.statement('SELECT * FROM sessions WHERE session_id = ?').get(sessionId);
      return row === undefined ? undefined : toSessionState(row as SessionRow);
    });
  }

  async delete(sessionId: string): Promise<boolean> {
    return this.#handle.write(
      'delete a session',
      () => this.#handle.statement('DELETE FROM sessions WHERE session_id = ?').run(sessionId).changes > 0,
    );
  }

  async list(filter: SessionFilter = {}): Promise<SessionMetadata[]> {
    return this.#handle.read('list sessions', () => {
      const { sql, params } = sessionQuery(filter, 'list');
      return (this.#handle.statement(sql).all(...params) as SessionRow[]).map(toSessionMetadata);
    });
  }

  async exists(sessionId: string): Promise<boolean> {
    return this.#handle.read(
      'look up a session',
      () =>
        this.#handle.statement('SELECT 1 FROM sessions WHERE session_id = ?').get(sessionId) !== undefined,
    );
  }

  /** Counts every match: `limit` and `offset` page `list`, not the total. */
  async count(filter: SessionFilter = {}): Promise<number> {
    return this.#handle.read('count sessions', () => {
      const { sql, params } = sessionQuery(filter, 'count');
      return this.#handle
        .statement(sql)
        .pluck()
        .get(...params) as number;
    });
  }

  async updateStatus(sessionId: string, status: SessionStatus): Promise<boolean> {
    return this.#handle.write('update a session status', () => {
      const sql =
        'UPDATE sessions SET status = ?, updated_at = ?, version = version + 1 WHERE session_id = ?';
      return this.#handle.statement(sql).run(status, Date.now(), sessionId).changes > 0;
    });
  }

  async cleanup(olderThanMs: number): Promise<number> {
    const deleted = this.#handle.write('clean up sessions', () => {
      checkAge(olderThanMs);
      const sql = 'DELETE FROM sessions WHERE updated_at < ?';
      return this.#handle.statement(sql).run(Date.now() - olderThanMs).changes;
    });
    if (deleted > 0) this.#handle.vacuum();
    return deleted;
  }

  async close(): Promise<void> {
    this.#handle.close();
  }

  /** `await using store = new …`: closes it. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /**
   * Writes the row if it is at the state's version, then rewrites its tag rows (distinct tags, each with the
   * session's `createdAt`); returns the new version.
   */
  #save(state: SessionState): number {
    const version = saveVersioned(this.#handle, SAVE_SESSION, sessionParams(state), state.version);
    this.#handle.statement('DELETE FROM session_tags WHERE session_id = ?').run(state.sessionId);
    const insertTag = this.#handle.statement(
      'INSERT OR IGNORE INTO session_tags (tag, created_at, session_id) VALUES (?, ?, ?)',
    );
    const createdAt = state.createdAt.getTime();
    for (const tag of state.tags ?? []) {
      if (typeof tag !== 'string') checkId('each tag', tag);
      insertTag.run(tag, createdAt, state.sessionId);
    }
    return version;
  }
}
