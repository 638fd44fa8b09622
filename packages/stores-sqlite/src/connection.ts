import { closeSync, mkdirSync, openSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { StoreError } from '@ccflow/sessions';
import Database from 'better-sqlite3';
import { migrate } from './schema.ts';
import { sqliteCode, toStoreError } from './store-error.ts';
import type { ResolvedOptions } from './store-options.ts';

/** A store's use of a database connection; `release` once, when the store closes. */
export interface Connection {
  readonly db: Database.Database;
  /** The absolute path of the file (or `:memory:`), as errors name it. */
  readonly path: string;
  release(): void;
}

interface Shared {
  db: Database.Database;
  refs: number;
}

/**
 * One connection per file and settings in a process: the session, trace and project stores of one file share it
 * (better-sqlite3 is synchronous, so their statements never interleave). The last release closes it.
 */
const open = new Map<string, Shared>();

/** Opens (creating, configuring and migrating as needed) the database the options name. */
export function openConnection(options: ResolvedOptions): Connection {
  if (options.dbPath === ':memory:') {
    const db = configure(new Database(':memory:'), options, ':memory:');
    return connection(db, ':memory:', () => db.close());
  }
  const path = createFile(resolve(options.dbPath));
  const key = JSON.stringify({ ...options, dbPath: path });
  let shared = open.get(key);
  if (shared === undefined) {
    let db: Database.Database | undefined;
    try {
      db = new Database(path, { timeout: options.timeoutMs });
    } catch (error) {
      throw toStoreError(error, 'open the database', path);
    }
    shared = { db: configure(db, options, path), refs: 0 };
    open.set(key, shared);
  }
  shared.refs += 1;
  const entry = shared;
  return connection(entry.db, path, () => {
    entry.refs -= 1;
    if (entry.refs > 0) return;
    open.delete(key);
    try {
      // Keeps the planner's statistics fresh, as SQLite recommends before closing; best effort.
      entry.db.pragma('optimize');
    } catch {}
    entry.db.close();
  });
}

function connection(db: Database.Database, path: string, close: () => void): Connection {
  let released = false;
  return {
    db,
    path,
    release() {
      if (released) return;
      released = true;
      close();
    },
  };
}

/**
 * Creates a missing file, and its missing directories, owner-only before SQLite touches it (SQLite would make
 * it world-readable; its `-wal` and `-shm` files copy the database file's mode). Returns the real path, so two
 * spellings of one file share one connection.
 */
function createFile(path: string): string {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      closeSync(openSync(path, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    return realpathSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === undefined ? (error as Error).message : `${FILE_ERRORS[code] ?? 'failed'} (${code})`;
    throw new StoreError({ message: `cannot create the database file: ${reason}`, path, cause: error });
  }
}

const FILE_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a parent of the path is not a directory',
  EISDIR: 'the path is a directory',
};

/** WAL, the busy timeout, foreign keys, the size cap, the schema; closes the connection if any of it fails. */
function configure(db: Database.Database, options: ResolvedOptions, path: string): Database.Database {
  try {
    db.pragma('foreign_keys = ON');
    if (options.autoVacuum && db.pragma('page_count', { simple: true }) === 0) {
      db.pragma('auto_vacuum = INCREMENTAL');
    }
    // Readers never block the writer, nor the writer readers; several processes can share the file.
    whileBusy(options.timeoutMs, () => db.pragma('journal_mode = WAL'));
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    if (options.maxSizeBytes !== undefined) {
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      db.pragma(`max_page_count = ${Math.max(1, Math.floor(options.maxSizeBytes / pageSize))}`);
    }
    whileBusy(options.timeoutMs, () => migrate(db, path));
    return db;
  } catch (error) {
    db.close();
    throw toStoreError(error, 'open the database', path);
  }
}

/**
 * Switching a new file to WAL takes an exclusive lock without calling the busy handler, so processes creating
 * the same file at once retry here, within the busy timeout.
 */
function whileBusy<T>(timeoutMs: number, run: () => T): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return run();
    } catch (error) {
      if (!sqliteCode(error)?.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
