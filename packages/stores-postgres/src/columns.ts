/** The `timestamptz` columns. */
const TIMES = new Set(['created_at', 'updated_at']);

/** The columns of a `SELECT`, each time column read as integer milliseconds since the epoch (a float8 number). */
export function selectList(columns: readonly string[], alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return columns
    .map((c) => (TIMES.has(c) ? `round(extract(epoch FROM ${a}${c}) * 1000)::float8 AS ${c}` : `${a}${c}`))
    .join(', ');
}

/** A statement and its positional parameters. */
export interface Query {
  sql: string;
  params: unknown[];
}

/**
 * The indexes of `records` in the binary order of their `key` (the order `COLLATE "C"` sorts ids in). Writing a
 * batch in this order makes concurrent batches take their row locks in one order: they wait, never deadlock.
 * A record whose id is not a string keeps its place (the save rejects it).
 */
export function lockOrder<R>(records: readonly R[], key: keyof R): number[] {
  const id = (i: number): string => String(records[i]?.[key]);
  return records.map((_, i) => i).sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : a - b));
}
