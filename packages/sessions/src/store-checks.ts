import { StoreConflictError, StoreInputError } from './store-errors.ts';

/**
 * The checks every ccflow store makes before touching its storage, so all stores refuse the same inputs with the
 * same `StoreInputError` (the conformance suites hold them to it). Exported for store authors.
 */
export function checkId(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new StoreInputError({
      message: `${field} must be a non-empty string, got ${JSON.stringify(value) ?? 'undefined'}`,
    });
  }
}

export function checkDate(field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreInputError({ message: `${field} must be a valid Date, got ${String(value)}` });
  }
}

/** `limit` and `offset`: non-negative integers. */
export function checkCount(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreInputError({
      message: `${field} must be a non-negative integer, got ${String(value)}`,
    });
  }
}

/** `cleanup`'s age: a finite number of ms, at least 0. */
export function checkAge(olderThanMs: unknown): void {
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new StoreInputError({
      message: `cleanup needs an age in ms (>= 0), got ${String(olderThanMs)}`,
    });
  }
}

/** A record's `version`: 0 for one never saved, else the version it was loaded at (a non-negative integer). */
export function checkVersion(value: unknown): number {
  if (typeof value !== 'number' || !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreInputError({
      message: `version must be a non-negative integer (0 for a new record), got ${String(value)}`,
    });
  }
  return value;
}

/**
 * The optimistic-concurrency rule of every store, for stores that compare in code (a database store compares in
 * its write statement): saving at `expected` is allowed when the record is stored at that version (0: not stored);
 * else a `StoreConflictError`. Returns the version the save gives the record.
 */
export function nextVersion(id: string, expected: number, actual: number | undefined, path?: string): number {
  if (expected !== (actual ?? 0)) {
    throw new StoreConflictError({ id, expectedVersion: expected, actualVersion: actual ?? 0, path });
  }
  return expected + 1;
}

/** A deep copy for an in-memory store, so callers never share its state; `what` names the record in the error. */
export function storedCopy<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (error) {
    throw new StoreInputError({
      message: `${what} is not storable (functions or other uncloneable values?)`,
      cause: error,
    });
  }
}
