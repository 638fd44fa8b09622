import { StoreInputError } from './store-errors.ts';

/**
 * A record field as JSON text for a store's JSON column. A value JSON cannot hold (a cycle, a BigInt, a function) is
 * the caller's error, refused as `StoreInputError` naming the field, the same in every store.
 */
export function toJson(field: string, value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreInputError({
      message: `${field} is not JSON-serialisable: ${(error as Error).message}`,
      cause: error,
    });
  }
  if (text === undefined) {
    throw new StoreInputError({ message: `${field} is not JSON-serialisable: ${String(value)}` });
  }
  return text;
}

/** The same, for a field that may be absent (stored as NULL). */
export function toJsonOrNull(field: string, value: unknown): string | null {
  return value === undefined ? null : toJson(field, value);
}
