import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { openConnection } from './connection.ts';
import { resolveOptions } from './store-options.ts';

const temp = useTempDir();
const mode = (path: string) => statSync(path).mode & 0o777;

describe('openConnection', () => {
  it('creates the file and its missing directories owner-only; the WAL files follow the file', () => {
    const path = join(temp.dir, 'new', 'deeper', 'ccflow.db');
    const connection = openConnection(resolveOptions(path, {}));
    connection.db
      .prepare(
        'INSERT INTO projects (project_id, name, name_lower, description, metadata, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run('p', 'n', 'n', '', '{}', 0, 0);
    expect(mode(join(temp.dir, 'new'))).toBe(0o700);
    expect(mode(join(temp.dir, 'new', 'deeper'))).toBe(0o700);
    expect(mode(path)).toBe(0o600);
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(mode(`${path}-wal`)).toBe(0o600);
    expect(mode(`${path}-shm`)).toBe(0o600);
    connection.release();
  });

  it('leaves the mode of an existing file and directory alone', () => {
    const dir = join(temp.dir, 'existing');
    mkdirSync(dir, { mode: 0o755 });
    const path = join(dir, 'x.db');
    writeFileSync(path, '', { mode: 0o640 });
    openConnection(resolveOptions(path, {})).release();
    expect(mode(dir)).toBe(0o755);
    expect(mode(path)).toBe(0o640);
  });

  it('configures WAL, the busy timeout, foreign keys, incremental auto-vacuum and the size cap', () => {
    const path = temp.file();
    const connection = openConnection(
      resolveOptions({ dbPath: path, timeoutMs: 2500, maxSizeBytes: 1 << 20 }, {}),
    );
    const { db } = connection;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(2500);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1);
    expect(db.pragma('auto_vacuum', { simple: true })).toBe(2);
    expect(db.pragma('max_page_count', { simple: true })).toBe((1 << 20) / 4096);
    connection.release();
    const full = openConnection(
      resolveOptions({ dbPath: temp.file(), autoVacuum: false, synchronous: 'full' }, {}),
    );
    expect(full.db.pragma('auto_vacuum', { simple: true })).toBe(0);
    expect(full.db.pragma('synchronous', { simple: true })).toBe(2);
    full.release();
  });

  it('shares one connection per file and settings in a process; the last release closes it', () => {
    const path = temp.file();
    const a = openConnection(resolveOptions(path, {}));
    const b = openConnection(
      resolveOptions({ dbPath: join(temp.dir, '.', path.slice(temp.dir.length)) }, {}),
    );
    const c = openConnection(resolveOptions({ dbPath: path, timeoutMs: 1000 }, {}));
    expect(b.db).toBe(a.db);
    expect(c.db).not.toBe(a.db);
    a.release();
    a.release();
    expect(b.db.open).toBe(true);
    b.release();
    expect(a.db.open).toBe(false);
    c.release();
    expect(c.db.open).toBe(false);
  });

  it('never shares ":memory:"', () => {
    const a = openConnection(resolveOptions(':memory:', {}));
    const b = openConnection(resolveOptions(':memory:', {}));
    expect(a.db).not.toBe(b.db);
    expect(a.path).toBe(':memory:');
    a.release();
    b.release();
  });
});
