import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();

/** The store fails, at its constructor or first call, with a StoreError naming `path`. */
async function expectStoreFailure(path: string, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    const store = new SQLiteSessionStore(path);
    try {
      await store.list();
      await store.load('s0');
    } finally {
      await store.close();
    }
  } catch (e) {
    error = e;
  }
  expect(StoreError.isInstance(error), String(error)).toBe(true);
  expect((error as StoreError).path).toBe(path);
  expect((error as Error).message).toContain(path);
  expect((error as Error).message).toMatch(message);
}

async function filledFile(sessions = 200): Promise<string> {
  const path = temp.file();
  const store = new SQLiteSessionStore(path);
  await store.saveMany(
    Array.from({ length: sessions }, (_, i) =>
      stateFixture({ sessionId: `s${i}`, tags: ['a', `t${i}`], metadata: { pad: 'x'.repeat(500) } }),
    ),
  );
  await store.close();
  return path;
}

function integrity(path: string): string {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}

describe('a file that is not a database', () => {
  it('is refused with a StoreError naming it, and left as it was', async () => {
    const path = temp.file('notes.txt');
    const text = 'These are my notes, not a database.\n'.repeat(200);
    writeFileSync(path, text);
    await expectStoreFailure(path, /not a SQLite database \[SQLITE_NOTADB/);
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  it('a directory in its place is refused too', async () => {
    const path = join(temp.dir, 'a-directory.db');
    mkdirSync(path);
    await expectStoreFailure(path, /cannot open the database/);
  });
});

describe('a corrupt database', () => {
  it('with its data pages overwritten: reads fail with SQLITE_CORRUPT, named', async () => {
    const path = await filledFile();
    const bytes = readFileSync(path);
    bytes.fill(0xa5, 4096);
    writeFileSync(path, bytes);
    await expectStoreFailure(path, /the database file is corrupt \[SQLITE_CORRUPT/);
  });

  it('with its schema page overwritten', async () => {
    const path = await filledFile();
    const bytes = readFileSync(path);
    bytes.fill(0x5a, 100, 4096);
    writeFileSync(path, bytes);
    await expectStoreFailure(path, /corrupt|not a SQLite database/);
  });

  it('cut short', async () => {
    const path = await filledFile();
    truncateSync(path, Math.floor(statSync(path).size / 2));
    await expectStoreFailure(path, /corrupt|not a SQLite database/);
  });
});

describe('a full disk (a size cap, PRAGMA max_page_count)', () => {
  const big = (id: string, tags = ['t']) =>
    stateFixture({ sessionId: id, tags, metadata: { pad: 'x'.repeat(3000) } });

  it('fails the write that does not fit with SQLITE_FULL, writes none of it, keeps the rest', async () => {
    const path = temp.file();
    const store = new SQLiteSessionStore({ dbPath: path, maxSizeBytes: 256 * 1024 });
    let saved = 0;
    let error: unknown;
    for (; saved < 1000; saved += 1) {
      try {
        await store.save(big(`s${saved}`, ['t', `only-${saved}`]));
      } catch (e) {
        error = e;
        break;
      }
    }
    expect(saved).toBeGreaterThan(5);
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as StoreError).path).toBe(path);
    expect((error as Error).message).toMatch(
      /^cannot save a session: the database or the disk is full.*SQLITE_FULL/,
    );
    expect(await store.load(`s${saved}`)).toBeUndefined();
    expect(await store.count({ tags: [`only-${saved}`] })).toBe(0);
    expect(await store.count()).toBe(saved);
    expect(await store.count({ tags: ['t'] })).toBe(saved);

    // A batch that cannot fit writes nothing at all.
    await expect(store.saveMany([big('b1'), big('b2'), big('b3')])).rejects.toThrow(/SQLITE_FULL/);
    expect(await store.exists('b1')).toBe(false);

    // Space freed is space to write again.
    for (let i = 0; i < 3; i += 1) await store.delete(`s${i}`);
    await store.save(big('after'));
    expect(await store.exists('after')).toBe(true);
    await store.close();
    expect(integrity(path)).toBe('ok');
  });
});

describe('a read-only location', () => {
  const root = process.getuid?.() === 0;
  /** Permissions do not bind root: the child runs as `nobody` when the tests run as root. */
  function runChild(path: string): { stage: string; storeError?: boolean; path?: string; message?: string } {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@ccflow/source',
        join(import.meta.dirname, 'read-only-child.ts'),
        path,
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
        cwd: import.meta.dirname,
        ...(root ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: temp.dir } } : {}),
      },
    );
    expect(child.stderr).toBe('');
    return JSON.parse(child.stdout);
  }

  function dir(name: string): string {
    chmodSync(temp.dir, 0o755);
    const path = join(temp.dir, name);
    mkdirSync(path, { mode: 0o755 });
    if (root) chownSync(path, 65534, 65534);
    return path;
  }

  it('a directory the user cannot write: the file cannot be created, and the error says so', async () => {
    const parent = dir('ro-dir');
    chmodSync(parent, 0o555);
    const path = join(parent, 'ccflow.db');
    expect(runChild(path)).toEqual({
      stage: 'open',
      storeError: true,
      path,
      message: `cannot create the database file: permission denied (EACCES) (${path})`,
    });
  });

  it('a writable database in a read-only directory (no room for its WAL files) is refused when opened', async () => {
    const parent = dir('ro-dir-with-db');
    const path = join(parent, 'ccflow.db');
    writeFileSync(path, readFileSync(await filledFile(3)));
    if (root) chownSync(path, 65534, 65534);
    chmodSync(parent, 0o555);
    const result = runChild(path);
    expect(result).toMatchObject({ stage: 'open', storeError: true, path });
    expect(result.message).toMatch(/read-only.*SQLITE_READONLY/);
  });

  it('a read-only database file: it can be read, a write fails with SQLITE_READONLY and writes nothing', async () => {
    const parent = dir('ro-file');
    const path = join(parent, 'ccflow.db');
    writeFileSync(path, readFileSync(await filledFile(3)));
    chmodSync(path, 0o444);
    const result = runChild(path);
    expect(result).toMatchObject({ stage: 'save after reading 3', storeError: true, path });
    expect(result.message).toMatch(/^cannot save a session: the database is read-only.*SQLITE_READONLY/);
    const store = new SQLiteSessionStore({ dbPath: path });
    expect(await store.count()).toBe(3);
    await store.close();
  });
});
