import { CCFlowError } from '@ccflow/core';

/** Where a command writes, and what it may read: the process's streams, or a test's. */
export interface CliIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Default: `process.env` (`NO_COLOR`, `CCFLOW_SESSION_STORAGE_PATH`, `CLAUDE_CONFIG_DIR`). */
  env?: Record<string, string | undefined>;
}

/** Colours only on a terminal, never with `NO_COLOR` set (https://no-color.org). */
export function colours(stream: { isTTY?: boolean }, env: Record<string, string | undefined>) {
  const on = stream.isTTY === true && !env.NO_COLOR;
  const paint = (code: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { bold: paint(1), dim: paint(2), red: paint(31) };
}

/** Rows as aligned columns under a header, for people; the last column is not padded. */
export function table(header: string[], rows: string[][], bold: (s: string) => string = (s) => s): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[bold(line(header)), ...rows.map(line)].join('\n')}\n`;
}

/** One line for a table cell: no newline, at most `max` characters. */
export function cell(text: string | undefined, max = 60): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** `CODE: first line of the message`, for a one-line error. */
export function oneLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return CCFlowError.isInstance(error) ? `${(error as CCFlowError).code}: ${message}` : `${message}`;
}
