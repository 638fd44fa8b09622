import { StoreClosedError } from '@ccflow/sessions';
import type Database from 'better-sqlite3';
import { type Connection, openConnection } from './connection.ts';
import { toStoreError } from './store-error.ts';
import { resolveOptions, type SQLiteStoreOptions } from './store-options.ts';

/** Dynamic filter queries are cached too; past this many shapes the cache starts over. */
const MAX_CACHED_STATEMENTS = 256;

/**
 * What the three stores share: the connection, prepared statements, the closed state, write transactions, and
 * turning every failure into a `StoreError` naming the file. Each method runs to completion synchronously
 * (better-sqlite3 is synchronous), so the stores' async methods are thin and calls never interleave.
 */
export class StoreHandle {
  readonly path: string;
  readonly #kind: string;
  #connection: Connection | undefined;
  readonly #statements = new Map<string, Database.Statement>();

  constructor(kind: string, options: string | SQLiteStoreOptions | undefined) {
    this.#kind = kind;
    this.#connection = openConnection(resolveOptions(options));
    this.path = this.#connection.path;
  }

  /** Runs `read` on the open connection. */
  read<T>(action: string, read: (db: Database.Database) => T): T {
    const db = this.#db();
    try {
      return read(db);
    } catch (error) {
      throw toStoreError(error, action, this.path);
    }
  }

  /**
   * Runs `write` in a `BEGIN IMMEDIATE` transaction: the write lock is taken first, waiting up to the busy timeout.
   * A deferred transaction that reads, then writes, fails with `SQLITE_BUSY` at once when another process wrote
   * in between (its snapshot is stale; the busy handler cannot help), which is why no write here is deferred.
   * A failure rolls back everything the call wrote.
   */
  write<T>(action: string, write: (db: Database.Database) => T): T {
    const db = this.#db();
    if (db.inTransaction) return this.read(action, write);
    try {
      this.statement('BEGIN IMMEDIATE').run();
      const result = write(db);
      this.statement('COMMIT').run();
      return result;
    } catch (error) {
      if (db.inTransaction) {
        try {
          this.statement('ROLLBACK').run();
        } catch {}
      }
      throw toStoreError(error, action, this.path);
    }
  }

  /**
   * Gives the pages freed by a cleanup back to the file system (with `autoVacuum`; a no-op otherwise). Best
   * effort: the cleanup has committed, and the pages stay reusable if this fails.
   */
  vacuum(): void {
    try {
      this.#db().pragma('incremental_vacuum');
    } catch {}
  }

  /** A prepared statement, prepared once per store. */
  statement(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) {
      if (this.#statements.size >= MAX_CACHED_STATEMENTS) this.#statements.clear();
      statement = this.#db().prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Releases the connection (closing it when no other store of the process uses it); idempotent. */
  close(): void {
    this.#statements.clear();
    this.#connection?.release();
    this.#connection = undefined;
  }

  #db(): Database.Database {
    if (this.#connection === undefined) {
      throw new StoreClosedError({ store: `SQLite ${this.#kind}`, path: this.path });
    }
    return this.#connection.db;
  }
}
