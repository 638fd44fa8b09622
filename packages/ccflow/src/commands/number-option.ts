import { InvalidArgumentError } from 'commander';

/** A non-negative whole number (`--limit`, `--offset`). */
export function countOption(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError('not a count');
  return n;
}

/** A whole number from 1 (`--concurrency`). */
export function positiveOption(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}
