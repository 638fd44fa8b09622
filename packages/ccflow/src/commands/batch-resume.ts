import { existsSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { ConfigurationError } from '@ccflow/core';

/** The key of an id: `1` and `"1"` are different ids. */
export function idKey(id: unknown): string {
  return JSON.stringify(id);
}

/**
 * The ids already in a batch's output file, for `--resume`. A last line that is not JSON (torn by a crash mid-write)
 * is cut off the file; a complete last line without its newline gets one. Any other line that is not a result is a
 * `ConfigurationError`: the file is not this command's output. A missing file holds no ids.
 */
export function readFinished(path: string): Set<string> {
  if (!existsSync(path)) return new Set();
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const tail = lines.pop() as string; // '' when the file ends with a newline
  const keys = new Set<string>();
  let kept = text.length - tail.length;
  lines.forEach((line, i) => {
    const id = idOf(line);
    if (id === undefined) {
      if (i === lines.length - 1 && tail === '') {
        kept -= line.length + 1;
        return;
      }
      throw new ConfigurationError({
        field: '--resume',
        problem: `${path} line ${i + 1} is not a result of ccflow batch`,
      });
    }
    keys.add(idKey(id));
  });
  const complete = idOf(tail);
  if (complete !== undefined) {
    keys.add(idKey(complete));
    writeFileSync(path, '\n', { flag: 'a' });
  } else if (kept < text.length) {
    truncateSync(path, Buffer.byteLength(text.slice(0, kept)));
  }
  return keys;
}

/**
 * Rewrites the output file with its results in input order (ids the input does not have last, as they were):
 * a resumed batch appends the ids an interrupted run left out after the ones it wrote. Written to a temporary file
 * renamed over the output, so a crash leaves one whole file or the other.
 */
export function sortByInput(path: string, order: ReadonlyMap<string, number>): void {
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const rank = (line: string) => order.get(idKey(idOf(line))) ?? Number.POSITIVE_INFINITY;
  const sorted = lines.map((line, i) => ({ line, r: rank(line), i })).sort((a, b) => a.r - b.r || a.i - b.i);
  if (sorted.every((s, i) => s.i === i)) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, sorted.map((s) => `${s.line}\n`).join(''));
  renameSync(temporary, path);
}

function idOf(line: string): unknown {
  try {
    const value = JSON.parse(line);
    return typeof value === 'object' && value !== null && 'id' in value ? value.id : undefined;
  } catch {
    return undefined;
  }
}
