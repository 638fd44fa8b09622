import { StoreError } from './store-errors.ts';

/**
 * The checks every ccflow store makes before touching its storage, so all stores refuse the same inputs with the
 * same `StoreError` (the conformance suites hold them to it). Exported for store authors.
 */
export function checkId(field: string, value: unknown): void {
  if (typeof value !== 'string' || value === '') {
    throw new StoreError({
      message: `${field} must be a non-empty string, got ${JSON.stringify(value) ?? 'undefined'}`,
    });
  }
}

export function checkDate(field: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreError({ message: `${field} must be a valid Date, got ${String(value)}` });
  }
}

/** `limit` and `offset`: non-negative integers. */
export function checkCount(field: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw new StoreError({ message: `${field} must be a non-negative integer, got ${String(value)}` });
  }
}

/** `cleanup`'s age: a finite number of ms, at least 0. */
export function checkAge(olderThanMs: unknown): void {
  if (typeof olderThanMs !== 'number' || !Number.isFinite(olderThanMs) || olderThanMs < 0) {
    throw new StoreError({ message: `cleanup needs an age in ms (>= 0), got ${String(olderThanMs)}` });
  }
}

/** A deep copy for an in-memory store, so callers never share its state; `what` names the record in the error. */
export function storedCopy<T>(value: T, what: string): T {
  try {
    return structuredClone(value);
  } catch (error) {
    throw new StoreError({
      message: `${what} is not storable (functions or other uncloneable values?)`,
      cause: error,
    });
  }
}
