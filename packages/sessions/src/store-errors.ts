import { CCFlowError } from '@ccflow/core';

/** The codes of the store errors (any store: memory, SQLite, Postgres, yours). */
export type StoreErrorCode = 'STORE_ERROR' | 'STORE_CLOSED' | 'STORE_INPUT' | 'STORE_CONFLICT';

/**
 * The errors of every ccflow store (sessions, traces, projects; memory, SQLite, or your own): catch `StoreError`
 * for any of them. `path` names the file or database when there is one; `cause` is the driver's error.
 */
export class StoreError extends CCFlowError {
  static override readonly code: string = 'STORE_ERROR';
  declare readonly code: StoreErrorCode;
  readonly path: string | undefined;

  constructor(init: { message: string; path?: string; cause?: unknown }) {
    const { message, path, cause } = init;
    super({ message: path === undefined ? message : `${message} (${path})`, cause });
    this.path = path;
  }
}

/** A call on a store after its `close()`. */
export class StoreClosedError extends StoreError {
  static override readonly code = 'STORE_CLOSED';
  declare readonly code: 'STORE_CLOSED';

  constructor(init: { store: string; path?: string }) {
    super({ message: `the ${init.store} store is closed`, path: init.path });
  }
}

/** What no store can keep or answer: an empty id, an invalid date, a negative limit, a value JSON cannot hold. */
export class StoreInputError extends StoreError {
  static override readonly code = 'STORE_INPUT';
  declare readonly code: 'STORE_INPUT';
}

/**
 * A save refused because the record changed since the saver read it: the saved `version` (`expectedVersion`) is
 * not the stored one (`actualVersion`; 0 when there is no such record). Nothing was written. Load the record again,
 * re-apply the change, and save with the version loaded.
 */
export class StoreConflictError extends StoreError {
  static override readonly code = 'STORE_CONFLICT';
  declare readonly code: 'STORE_CONFLICT';
  readonly id: string;
  readonly expectedVersion: number;
  readonly actualVersion: number;

  constructor(init: { id: string; expectedVersion: number; actualVersion: number; path?: string }) {
    const { id, expectedVersion, actualVersion, path } = init;
    const why =
      expectedVersion === 0
        ? `a record with this id already exists (version ${actualVersion})`
        : actualVersion === 0
          ? `it was loaded at version ${expectedVersion} and has been deleted since`
          : `it was loaded at version ${expectedVersion}, and another writer has saved version ${actualVersion} since`;
    super({ message: `cannot save ${JSON.stringify(id)}: ${why}`, path });
    this.id = id;
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }

  /** Saving again after loading the record may well succeed. */
  override get isRetryable(): boolean {
    return true;
  }
}
