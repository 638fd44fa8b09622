/** A date as the server reads it exactly, whatever the session's time zone: ISO 8601 in UTC, to the millisecond. */
export function toTimestamp(date: Date): string {
  return date.toISOString();
}
