import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { APPLICATION_ID, MIGRATIONS, type Migration, migrate } from './schema.ts';
import { SCHEMA_VERSION } from './schema-version.ts';
import { SQLiteSessionStore } from './sqlite-session-store.ts';

const temp = useTempDir();

function pragmas(path: string): { version: number; applicationId: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      version: db.pragma('user_version', { simple: true }) as number,
      applicationId: db.pragma('application_id', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

async function expectRefused(path: string, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    new SQLiteSessionStore(path);
  } catch (e) {
    error = e;
  }
  expect(StoreError.isInstance(error), String(error)).toBe(true);
  expect((error as StoreError).path).toBe(path);
  expect((error as Error).message).toMatch(message);
}

/** A later version for the tests: a column and an index on the sessions of a version-1 file. */
const V2: Migration = {
  version: 2,
  description: 'test: sessions.archived',
  up: (db) => {
    db.exec('ALTER TABLE sessions ADD COLUMN archived INTEGER NOT NULL DEFAULT 0');
    db.exec('CREATE INDEX sessions_by_archived ON sessions (archived)');
  },
};

describe('schema migrations', () => {
  it('a new file gets the latest version and ccflow application id', async () => {
    const path = temp.file();
    await new SQLiteSessionStore(path).close();
    expect(pragmas(path)).toEqual({ version: SCHEMA_VERSION, applicationId: APPLICATION_ID });
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.at(-1)?.version);
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  it('upgrades an older file in place, keeping every record', async () => {
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    const state = stateFixture({ tags: ['kept'] });
    await store.save(state);
    await store.close();
    const db = new Database(path);
    migrate(db, path, [...MIGRATIONS, V2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(
      db.prepare('SELECT archived FROM sessions WHERE session_id = ?').pluck().get(state.sessionId),
    ).toBe(0);
    migrate(db, path, [...MIGRATIONS, V2]);
    db.close();
    expect(pragmas(path).version).toBe(2);
  });

  it('a failing migration leaves the file at the version it had', async () => {
    const path = temp.file();
    await new SQLiteSessionStore(path).close();
    const failing: Migration = {
      version: 2,
      description: 'test: fails half-way',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('migration bug');
      },
    };
    const db = new Database(path);
    expect(() => migrate(db, path, [...MIGRATIONS, failing])).toThrow('migration bug');
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a file of a newer version, untouched', async () => {
    const path = temp.file();
    await new SQLiteSessionStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    await expectRefused(path, /schema version 99, newer than the 1 .*upgrade @ccflow\/stores-sqlite/);
    expect(pragmas(path).version).toBe(99);
  });

  it("refuses another application's database, untouched", async () => {
    const foreign = temp.file();
    const db = new Database(foreign);
    db.exec('CREATE TABLE sessions (id)');
    db.close();
    await expectRefused(foreign, /not a ccflow database: it has tables/);

    const other = temp.file();
    const db2 = new Database(other);
    db2.pragma('application_id = 42');
    db2.exec('CREATE TABLE t (x)');
    db2.close();
    await expectRefused(other, /another application \(application_id 42\)/);
    expect(pragmas(other)).toEqual({ version: 0, applicationId: 42 });
  });
});
