import { StoreInputError } from '@ccflow/sessions';

export { checkAge, checkCount, checkDate, checkId, checkVersion } from '@ccflow/sessions/store-kit';

/** JSON text for a JSONB column; a value JSON cannot hold (a cycle, a BigInt) is the caller's error. */
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

/** A date as the server reads it exactly, whatever the session's time zone: ISO 8601 in UTC, to the millisecond. */
export function toTimestamp(date: Date): string {
  return date.toISOString();
}
