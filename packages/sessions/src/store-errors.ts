import { CCFlowError } from '@ccflow/core';

/** The codes of the store errors (any store: memory, SQLite, Postgres, yours). */
export type StoreErrorCode = 'STORE_ERROR' | 'STORE_CONFLICT';

/**
 * A store could not do what it was asked: bad input, a closed store, or a failure underneath (the original error is
 * the `cause`). The one type a store's caller catches, whatever the store.
 */
export class StoreError extends CCFlowError {
  static override readonly code: string = 'STORE_ERROR';
  declare readonly code: StoreErrorCode;
  /** Where the store keeps its data (a file), when it has a place. */
  readonly path: string | undefined;
  constructor(init: { message: string; path?: string; cause?: unknown }) {
    super({
      message: init.path === undefined ? init.message : `${init.message} (${init.path})`,
      cause: init.cause,
    });
    this.path = init.path;
  }
}

/**
 * A save carried a stale version: the record changed (or was made, or deleted) since the caller read it. Nothing was
 * written. Load the record again, apply the change to it, and save that.
 */
export class StoreConflictError extends StoreError {
  static override readonly code = 'STORE_CONFLICT';
  declare readonly code: 'STORE_CONFLICT';
  /** The id of the record. */
  readonly id: string;
  /** The version the save carried (0: a new record). */
  readonly expectedVersion: number;
  /** The version stored; `undefined` when there is no such record. */
  readonly actualVersion: number | undefined;
  constructor(init: {
    id: string;
    expectedVersion: number;
    actualVersion: number | undefined;
    path?: string;
  }) {
    const { id, expectedVersion, actualVersion } = init;
    const stored = actualVersion === undefined ? 'there is none' : `it is at version ${actualVersion}`;
    const saved = expectedVersion === 0 ? 'as new' : `at version ${expectedVersion}`;
    super({
      message: `record ${id} changed since it was read: saved ${saved}, but ${stored}`,
      path: init.path,
    });
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
  override get isRetryable(): boolean {
    return true;
  }
}
