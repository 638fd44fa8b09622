import { nextVersion, storedCopy } from './store-checks.ts';
import { StoreClosedError } from './store-errors.ts';

/**
 * What every in-memory store shares: records by id, deep-copied on the way in and out (so a caller mutating what it
 * saved or loaded never changes what is stored, the isolation a database store gives for free), the version rule
 * of optimistic concurrency, and the closed state. Every method throws `StoreClosedError` after `close()`.
 */
export class MemoryRecords<R extends { version: number }> {
  readonly #records = new Map<string, R>();
  readonly #store: string;
  readonly #record: string;
  #closed = false;

  /** `store` names the store in errors (`memory session`), `record` the record (`session state`). */
  constructor(names: { store: string; record: string }) {
    this.#store = names.store;
    this.#record = names.record;
  }

  /** Throws `StoreClosedError` once closed. */
  assertOpen(): void {
    if (this.#closed) throw new StoreClosedError({ store: this.#store });
  }

  /** Stores a copy of `record` if it carries the stored version (see `nextVersion`); returns the new version. */
  save(id: string, record: R): number {
    this.assertOpen();
    const stored = this.copy(record);
    stored.version = nextVersion(id, record.version, this.#records.get(id)?.version);
    this.#records.set(id, stored);
    return stored.version;
  }

  load(id: string): R | undefined {
    this.assertOpen();
    const record = this.#records.get(id);
    return record === undefined ? undefined : this.copy(record);
  }

  has(id: string): boolean {
    this.assertOpen();
    return this.#records.has(id);
  }

  delete(id: string): boolean {
    this.assertOpen();
    return this.#records.delete(id);
  }

  /** Changes the stored record in place, a write like a save (one more version); false when there is none. */
  update(id: string, change: (record: R) => void): boolean {
    this.assertOpen();
    const record = this.#records.get(id);
    if (record === undefined) return false;
    change(record);
    record.version += 1;
    return true;
  }

  /** Deletes every record `doomed` picks; returns how many. */
  deleteWhere(doomed: (record: R) => boolean): number {
    this.assertOpen();
    let deleted = 0;
    for (const [id, record] of this.#records) {
      if (doomed(record)) {
        this.#records.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }

  /** The stored records themselves, for filtering: copy what leaves the store (`copy`). */
  values(): R[] {
    this.assertOpen();
    return [...this.#records.values()];
  }

  /** A copy for a caller (see `storedCopy`). */
  copy<T>(value: T): T {
    return storedCopy(value, this.#record);
  }

  close(): void {
    this.#closed = true;
    this.#records.clear();
  }
}
