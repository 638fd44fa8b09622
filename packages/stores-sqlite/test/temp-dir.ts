import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A fresh directory for this test file, removed after its last test; `file()` names a new file in it. */
export function useTempDir(): { dir: string; file: (name?: string) => string } {
  const dir = mkdtempSync(join(tmpdir(), 'ccflow-sqlite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  return { dir, file: (name) => join(dir, name ?? `db-${++n}.db`) };
}
