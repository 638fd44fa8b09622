/** The `timestamptz` columns. */
const TIMES = new Set(['created_at', 'updated_at']);

/** The columns of a `SELECT`, each time column read as integer milliseconds since the epoch (a float8 number). */
export function selectList(columns: readonly string[], alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return columns
    .map((c) => (TIMES.has(c) ? `round(extract(epoch FROM ${a}${c}) * 1000)::float8 AS ${c}` : `${a}${c}`))
    .join(', ');
}
