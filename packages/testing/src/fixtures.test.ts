import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_NAMES, fixturePath, readFixture } from './fixtures.ts';

describe('fixtures', () => {
  it('names every recorded transcript, and only those', () => {
    const files = readdirSync(fileURLToPath(new URL('../fixtures/', import.meta.url)));
    expect(files.map((file) => file.replace(/\.ndjson$/, '')).sort()).toEqual([...FIXTURE_NAMES].sort());
  });

  it('reads a transcript as the CLI printed it: one JSON value a line, from init to result', () => {
    const lines = readFixture('text');
    expect(lines.length).toBe(readFileSync(fixturePath('text'), 'utf8').trim().split('\n').length);
    expect(lines[0]).toMatchObject({ type: 'system', subtype: 'init' });
    expect(lines.at(-1)).toMatchObject({ type: 'result', subtype: 'success', is_error: false });
  });
});
