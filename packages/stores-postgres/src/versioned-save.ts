import { StoreConflictError } from '@ccflow/sessions';
import type { Queryable } from './store-handle.ts';

/** The statements of one table's save with optimistic concurrency (see `saveVersioned`). */
export interface VersionedSave {
  readonly insert: string;
  readonly update: string;
  readonly version: string;
}

/** The statements for `table` (schema-qualified), whose written `columns` start with its id column. */
export function versionedSave(table: string, columns: readonly string[]): VersionedSave {
  const [id, ...rest] = columns;
  return {
    insert: `INSERT INTO ${table} (${columns.join(', ')}, version)
VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}, 1) ON CONFLICT (${id}) DO NOTHING`,
    update: `UPDATE ${table} SET ${rest.map((c, i) => `${c} = $${i + 2}`).join(', ')}, version = version + 1
WHERE ${id} = $1 AND version = $${columns.length + 1}`,
    version: `SELECT version FROM ${table} WHERE ${id} = $1`,
  };
}

/**
 * Writes one row if it is at the `expected` version, in one statement: an insert that does nothing when the id
 * exists (`expected` 0), else an update `WHERE id = $1 AND version = $n`. A concurrent writer of the same row makes
 * the statement wait for its commit and then re-check the version (read committed), so of many saves from one
 * version exactly one changes the row. No row changed is a conflict, thrown as `StoreConflictError` with the stored
 * version. `params` are the columns' values, the id first. Returns the new version.
 */
export async function saveVersioned(
  db: Queryable,
  save: VersionedSave,
  params: readonly unknown[],
  expected: number,
  path: string,
): Promise<number> {
  const id = params[0] as string;
  const result =
    expected === 0 ? await db.query(save.insert, params) : await db.query(save.update, [...params, expected]);
  if (result.rowCount === 1) return expected + 1;
  const stored = await db.query<{ version: number }>(save.version, [id]);
  const actual = stored.rows[0]?.version ?? 0;
  throw new StoreConflictError({ id, expectedVersion: expected, actualVersion: actual, path });
}
