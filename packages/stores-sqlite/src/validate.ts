import { SessionStoreError } from '@ccflow/core';

/** What no store can keep or search by: the checks every ccflow store makes before touching its storage. */
export function checkId(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new SessionStoreError(
      `${field} must be a non-empty string, got ${JSON.stringify(value) ?? 'undefined'}`,
    );
  }
}

export function checkDate(field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new SessionStoreError(`${field} must be a valid Date, got ${String(value)}`);
  }
}

export function checkCount(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new SessionStoreError(`${field} must be a non-negative integer, got ${String(value)}`);
  }
}

export function checkAge(olderThanMs: unknown): void {
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new SessionStoreError(`cleanup needs an age in ms (>= 0), got ${String(olderThanMs)}`);
  }
}

/** JSON text for a JSON column; a value JSON cannot hold (a cycle, a BigInt) is the caller's error. */
export function toJson(field: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new SessionStoreError(`${field} is not JSON-serialisable: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  if (text === undefined) throw new SessionStoreError(`${field} is not JSON-serialisable: ${String(value)}`);
  return text;
}

/** The same, for a field that may be absent (stored as NULL). */
export function toJsonOrNull(field: string, value: unknown): string | null {
  return value === undefined ? null : toJson(field, value);
}
