import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { idKey, readFinished, sortByInput } from './batch-resume.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccflow-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (text: string) => {
  const path = join(dir, `out-${n++}.jsonl`);
  writeFileSync(path, text);
  return path;
};

describe('readFinished', () => {
  it('the ids in the file; a torn last line (a crash mid-write) is cut off the file', () => {
    const path = file('{"id":1,"ok":true}\n{"id":"b","ok":false}\n{"id":3,"ok":tr');
    expect(readFinished(path)).toEqual(new Set(['1', '"b"']));
    expect(readFileSync(path, 'utf8')).toBe('{"id":1,"ok":true}\n{"id":"b","ok":false}\n');
  });

  it('a torn line with multi-byte text is cut at the right byte', () => {
    const path = file('{"id":1,"text":"héllo ✓"}\n{"id":2,"text":"ünï');
    expect(readFinished(path)).toEqual(new Set(['1']));
    expect(readFileSync(path, 'utf8')).toBe('{"id":1,"text":"héllo ✓"}\n');
  });

  it('a last line that is whole but lost its newline is kept, and gets one', () => {
    const path = file('{"id":1}\n{"id":2}');
    expect(readFinished(path)).toEqual(new Set(['1', '2']));
    expect(readFileSync(path, 'utf8')).toBe('{"id":1}\n{"id":2}\n');
  });

  it('a file that is whole is left alone; a missing file holds nothing', () => {
    const path = file('{"id":1}\n');
    expect(readFinished(path)).toEqual(new Set(['1']));
    expect(readFileSync(path, 'utf8')).toBe('{"id":1}\n');
    expect(readFinished(join(dir, 'none.jsonl'))).toEqual(new Set());
  });

  it('a line that is not a result before the last is a ConfigurationError', () => {
    expect(() => readFinished(file('{"id":1}\nnot json\n{"id":3}\n'))).toThrow(
      /^--resume: .+ line 2 is not a result of ccflow batch$/,
    );
  });
});

describe('sortByInput', () => {
  it('puts the results in input order, ids the input lacks last', () => {
    const path = file('{"id":1}\n{"id":"x"}\n{"id":4}\n{"id":2}\n{"id":3}\n');
    sortByInput(path, new Map([1, 2, 3, 4].map((id, i) => [idKey(id), i])));
    expect(readFileSync(path, 'utf8')).toBe('{"id":1}\n{"id":2}\n{"id":3}\n{"id":4}\n{"id":"x"}\n');
  });
});
