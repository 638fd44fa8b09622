import { StoreError, StoreInputError } from '@ccflow/sessions';

/** What each SQLSTATE class (or code) means for the person reading the error. */
const MEANINGS: Record<string, string> = {
  '08': 'the connection to the server failed',
  '28': 'the server refused the credentials',
  '3D000': 'the database does not exist',
  '3F000': 'the schema does not exist',
  '42501': 'permission denied (the role needs CREATE on the database and schema, or the tables to exist)',
  '53100': 'the server is out of disk space; nothing was written',
  '53': 'the server is out of resources (connections, memory or disk)',
  '57P01': 'the server is shutting down',
  '57014': 'the statement was cancelled (statement_timeout?)',
  '40001': 'serialization failures persisted past the retries',
  '40P01': 'deadlocks persisted past the retries',
};

/** Input the server cannot store: a NUL character in text, a number out of range, an impossible date. */
const INPUT_CODES = new Set(['22P05', '22021', '22003', '22008', '22007', '22P02']);

/** Node's socket errors, as `pg` passes them on. */
const SOCKET_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'the server refused the connection (is it running, on that host and port?)',
  ECONNRESET: 'the server closed the connection',
  ENOTFOUND: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
};

/**
 * Every failure leaves a store as a `StoreError` naming the database (never its password), with the driver's error
 * as `cause`; the SQLSTATE is translated and quoted. Input the server refuses is a `StoreInputError`. An error
 * that already is a `StoreError` passes through unchanged.
 */
export function toStoreError(error: unknown, action: string, path: string): StoreError {
  if (StoreError.isInstance(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && INPUT_CODES.has(code)) {
    return new StoreInputError({
      message: `cannot ${action}: the server refused a value [${code}: ${text}]`,
      cause: error,
    });
  }
  if (typeof code === 'string') {
    const meaning = MEANINGS[code] ?? MEANINGS[code.slice(0, 2)] ?? SOCKET_ERRORS[code];
    if (meaning !== undefined) {
      return new StoreError({
        message: `cannot ${action}: ${meaning} [${code}: ${text}]`,
        path,
        cause: error,
      });
    }
  }
  return new StoreError({ message: `cannot ${action}: ${text}`, path, cause: error });
}

/** A serialization failure or a deadlock: the transaction rolled back whole and may simply run again. */
export function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01';
}
