import { StoreConflictError } from '@ccflow/sessions';
import type { StoreHandle } from './store-handle.ts';

/** The statements of one table's save with optimistic concurrency (see `saveVersioned`). */
export interface VersionedSave {
  readonly insert: string;
  readonly update: string;
  readonly version: string;
}

/** The statements for `table`, whose written `columns` start with its id column; `version` is the store's. */
export function versionedSave(table: string, columns: readonly string[]): VersionedSave {
  const [id, ...rest] = columns;
  return {
    insert: `INSERT INTO ${table} (${columns.join(', ')}, version)
VALUES (${columns.map(() => '?').join(', ')}, 1) ON CONFLICT (${id}) DO NOTHING`,
    update: `UPDATE ${table} SET ${rest.map((c) => `${c} = ?`).join(', ')}, version = version + 1
WHERE ${id} = ? AND version = ?`,
    version: `SELECT version FROM ${table} WHERE ${id} = ?`,
  };
}

/**
 * Writes one row if it is at the `expected` version, in one statement: an insert that does nothing when the id
 * exists (`expected` 0), else an update `WHERE id = ? AND version = ?`; a statement that changed no row is a
 * conflict, thrown as `StoreConflictError` with the stored version (the caller's transaction then rolls back
 * anything else it wrote). `params` are the columns' values, the id first. Returns the new version.
 */
export function saveVersioned(
  handle: StoreHandle,
  save: VersionedSave,
  params: readonly unknown[],
  expected: number,
): number {
  const id = params[0] as string;
  const changes =
    expected === 0
      ? handle.statement(save.insert).run(params).changes
      : handle.statement(save.update).run([...params.slice(1), id, expected]).changes;
  if (changes === 1) return expected + 1;
  const actual = (handle.statement(save.version).pluck().get(id) as number | undefined) ?? 0;
  throw new StoreConflictError({ id, expectedVersion: expected, actualVersion: actual, path: handle.path });
}
