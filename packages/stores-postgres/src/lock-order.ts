/**
 * The indexes of `records` in the order of their `key` (JavaScript's string order, the same in every process).
 * Writing a batch in this order makes concurrent batches take their row locks in one order: they wait for each
 * other, never deadlock. Ties keep their places.
 */
export function lockOrder<R>(records: readonly R[], key: keyof R): number[] {
  const id = (i: number): string => String(records[i]?.[key]);
  return records.map((_, i) => i).sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : a - b));
}
