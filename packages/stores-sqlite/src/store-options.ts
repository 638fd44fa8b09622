import { ConfigurationError } from '@ccflow/core';
import { defaultDatabasePath } from './default-path.ts';

/** The constructor options of the three SQLite stores (the reference's, plus a size cap and the sync level). */
export interface SQLiteStoreOptions {
  /**
   * The database file; `':memory:'` for a private in-memory database. Default: `CCFLOW_SESSION_STORAGE_PATH`,
   * else `~/.ccflow/ccflow.db`. A missing file and its missing directories are created owner-only (0600, 0700).
   */
  dbPath?: string;
  /** Milliseconds to wait for another connection's write lock before failing. Default 30000. */
  timeoutMs?: number;
  /**
   * Give pages freed by `delete` and `cleanup` back to the file system (`auto_vacuum = INCREMENTAL`, set when
   * the file is created). Default true.
   */
  autoVacuum?: boolean;
  /**
   * Caps the file's size (`PRAGMA max_page_count`): a write that would pass it fails with `StoreError`
   * and writes nothing. Default: no cap.
   */
  maxSizeBytes?: number;
  /**
   * `normal` (default): a commit survives any crash of the process; a power loss may undo the last commits but
   * never corrupts. `full`: every commit is on disk before it returns (an fsync per write).
   */
  synchronous?: 'normal' | 'full';
}

/** The settings a connection is opened with: stores that resolve to the same ones share the connection. */
export interface ResolvedOptions {
  dbPath: string;
  timeoutMs: number;
  autoVacuum: boolean;
  maxSizeBytes: number | undefined;
  synchronous: 'normal' | 'full';
}

/** A bare string is the path, as in the reference's `SQLiteSessionStore(db_path)`. */
export function resolveOptions(
  options: string | SQLiteStoreOptions = {},
  env: Record<string, string | undefined> = process.env,
): ResolvedOptions {
  const o = typeof options === 'string' ? { dbPath: options } : options;
  const dbPath = o.dbPath ?? defaultDatabasePath(env);
  if (typeof dbPath !== 'string' || dbPath === '')
    throw new ConfigurationError({ field: 'dbPath', problem: 'must be a file path' });
  if ('timeout' in o) {
    throw new ConfigurationError({
      field: 'timeout',
      problem: 'is now timeoutMs, in milliseconds (every ccflow duration is)',
    });
  }
  const timeoutMs = o.timeoutMs ?? 30_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new ConfigurationError({
      field: 'timeoutMs',
      problem: `must be a number of milliseconds >= 0, got ${String(timeoutMs)}`,
    });
  }
  const max = o.maxSizeBytes;
  if (max !== undefined && !(Number.isSafeInteger(max) && max > 0)) {
    throw new ConfigurationError({
      field: 'maxSizeBytes',
      problem: `must be a positive integer, got ${String(max)}`,
    });
  }
  const synchronous = o.synchronous ?? 'normal';
  if (synchronous !== 'normal' && synchronous !== 'full') {
    throw new ConfigurationError({
      field: 'synchronous',
      problem: `must be 'normal' or 'full', got ${String(synchronous)}`,
    });
  }
  return {
    dbPath,
    timeoutMs: Math.round(timeoutMs),
    autoVacuum: o.autoVacuum ?? true,
    maxSizeBytes: max,
    synchronous,
  };
}
