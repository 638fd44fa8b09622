import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = join(import.meta.dirname, 'fixtures');

/** Transcripts recorded from the real CLI by `scripts/record-fixtures.ts`. */
export const fixtureNames: string[] = readdirSync(dir)
  .filter((f) => f.endsWith('.ndjson'))
  .map((f) => f.slice(0, -'.ndjson'.length))
  .sort();

export function fixture(name: string): Buffer {
  return readFileSync(join(dir, `${name}.ndjson`));
}

export function fixtureLines(name: string): Record<string, any>[] {
  return fixture(name)
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}
