/** A time to the minute, UTC, for a table. */
export function when(d: Date): string {
  return d.toISOString().slice(0, 16).replace('T', ' ');
}

/** Dollars to the microdollar: the precision the CLI's own figures carry. */
export function dollars(usd: number): string {
  return `$${usd.toFixed(6)}`;
}
