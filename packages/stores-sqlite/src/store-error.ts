import { StoreError } from '@ccflow/sessions';

/** What each SQLite result code means for the person reading the error. */
const MEANINGS: Record<string, string> = {
  SQLITE_FULL: 'the database or the disk is full; nothing was written',
  SQLITE_CORRUPT: 'the database file is corrupt',
  SQLITE_NOTADB: 'the file is not a SQLite database',
  SQLITE_READONLY: 'the database is read-only (check the permissions of the file and its directory)',
  SQLITE_CANTOPEN: 'the database file cannot be opened (check that its directory exists and is writable)',
  SQLITE_PERM: 'permission denied',
  SQLITE_BUSY: 'the database stayed locked by another connection past the busy timeout',
  SQLITE_LOCKED: 'the database is locked by this connection',
  SQLITE_IOERR: 'a disk I/O error',
  SQLITE_NOMEM: 'out of memory',
  SQLITE_TOOBIG: 'a value is too large for SQLite',
  SQLITE_CONSTRAINT: 'a constraint failed',
};

/**
 * Every failure leaves a store as a `StoreError` that names the file, with the original error as `cause`:
 * callers catch one type whatever went wrong underneath. SQLite's codes are translated (`SQLITE_FULL` says the
 * disk is full); an error that already is a `StoreError` passes through unchanged.
 */
export function toStoreError(error: unknown, action: string, path: string): StoreError {
  if (StoreError.isInstance(error)) return error;
  const code = sqliteCode(error);
  if (code !== undefined) {
    const meaning =
      MEANINGS[code] ?? MEANINGS[code.split('_').slice(0, 2).join('_')] ?? (error as Error).message;
    const message = `cannot ${action}: ${meaning} [${code}: ${(error as Error).message}]`;
    return new StoreError({ message, path, cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError({ message: `cannot ${action}: ${message}`, path, cause: error });
}

/** The SQLite result code (`SQLITE_BUSY_SNAPSHOT`, ...) of a better-sqlite3 error, else undefined. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
