import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test/temp-dir.ts';
import { APPLICATION_ID, MIGRATIONS, type Migration, migrate } from './schema.ts';
import { SCHEMA_VERSION } from './schema-version.ts';
import { SQLiteProjectStore } from './sqlite-project-store.ts';
import { SQLiteSessionStore } from './sqlite-session-store.ts';
import { SQLiteTraceStore } from './sqlite-trace-store.ts';

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

/** A later version for the tests: a column and an index on the sessions of a file at the latest version. */
const NEXT: Migration = {
  version: SCHEMA_VERSION + 1,
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
    migrate(db, path, [...MIGRATIONS, NEXT]);
    expect(db.pragma('user_version', { simple: true })).toBe(NEXT.version);
    expect(
      db.prepare('SELECT archived FROM sessions WHERE session_id = ?').pluck().get(state.sessionId),
    ).toBe(0);
    migrate(db, path, [...MIGRATIONS, NEXT]);
    db.close();
    expect(pragmas(path).version).toBe(NEXT.version);
  });

  it('opens a version-1 file (before record versions): its records kept, each at version 1, saved from there', async () => {
    const path = temp.file();
    const db = new Database(path);
    migrate(db, path, MIGRATIONS.slice(0, 1));
    db.exec(`
      INSERT INTO sessions (session_id, created_at, updated_at, status, turn_count, total_input_tokens,
        total_output_tokens, total_cache_read_tokens, total_cache_write_tokens, total_thinking_tokens,
        total_cost_usd, tags, metadata, options)
      VALUES ('old-session', 1000, 2000, 'active', 3, 30, 40, 0, 0, 0, 0.5, '["t"]', '{}', '{}');
      INSERT INTO session_tags (tag, created_at, session_id) VALUES ('t', 1000, 'old-session');
      INSERT INTO traces (trace_id, session_id, sequence_number, prompt, response, thinking, tool_calls,
        options_snapshot, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, thinking_tokens,
        cost_usd, duration_ms, status, created_at, updated_at, metadata)
      VALUES ('old-trace', 'old-session', 1, 'hi', 'hello', '', '[]', '{}', 30, 40, 0, 0, 0, 0.5, 10, 'success',
        1000, 2000, '{}');
      INSERT INTO projects (project_id, name, name_lower, description, metadata, created_at, updated_at)
      VALUES ('old-project', 'Old', 'old', '', '{}', 1000, 2000);
    `);
    db.close();
    expect(pragmas(path).version).toBe(1);

    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    const projects = new SQLiteProjectStore(path);
    expect(pragmas(path).version).toBe(SCHEMA_VERSION);
    const session = (await sessions.load('old-session'))!;
    expect(session).toMatchObject({ version: 1, turnCount: 3, totalCostUsd: 0.5, tags: ['t'] });
    expect((await sessions.list({ tags: ['t'] })).map((s) => s.version)).toEqual([1]);
    const trace = (await traces.load('old-trace'))!;
    expect(trace).toMatchObject({ version: 1, prompt: 'hi', response: 'hello' });
    const project = (await projects.load('old-project'))!;
    expect(project).toMatchObject({ version: 1, name: 'Old' });
    expect(await projects.count({ nameContains: 'old' })).toBe(1);

    expect(session.title).toBeUndefined();
    expect(await sessions.save({ ...session, turnCount: 4, title: 'Renamed' })).toBe(2);
    expect((await sessions.load('old-session'))?.title).toBe('Renamed');
    await expect(sessions.save({ ...session, version: 0 })).rejects.toMatchObject({
      code: 'STORE_CONFLICT',
      actualVersion: 2,
    });
    expect(trace.modelUsage).toBeUndefined();
    expect(await traces.save(trace)).toBe(2);
    const modelUsage = {
      haiku: {
        inputTokens: 30,
        outputTokens: 40,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
        webSearchRequests: 0,
        costUsd: 0.5,
      },
    };
    expect(await traces.save({ ...trace, version: 2, model: 'haiku', modelUsage })).toBe(3);
    expect(await traces.list({ model: 'haiku' })).toEqual([
      expect.objectContaining({ traceId: 'old-trace', modelUsage }),
    ]);
    expect(await projects.save({ ...project, name: 'Older' })).toBe(2);
    expect(await projects.count({ nameContains: 'older' })).toBe(1);
    for (const store of [sessions, traces, projects]) await store.close();
  });

  it('version 4 adds the covering indexes of totals to a version-3 file, whose sums read from them', async () => {
    const path = temp.file();
    const db = new Database(path);
    migrate(db, path, MIGRATIONS.slice(0, 3));
    const indexes = () =>
      db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name IN (?, ?) ORDER BY name")
        .pluck()
        .all('sessions_totals_by_project', 'traces_usage');
    expect(indexes()).toEqual([]);
    migrate(db, path, MIGRATIONS.slice(0, 4));
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(indexes()).toEqual(['sessions_totals_by_project', 'traces_usage']);
    const plan = (sql: string) =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
    expect(plan('SELECT project_id, total(total_cost_usd) FROM sessions GROUP BY project_id')).toContain(
      'COVERING INDEX sessions_totals_by_project',
    );
    expect(
      plan(
        'SELECT model, total(cost_usd), total(input_tokens) FROM traces WHERE created_at > 0 GROUP BY model',
      ),
    ).toContain('COVERING INDEX traces_usage');
    db.close();
  });

  it('a failing migration leaves the file at the version it had', async () => {
    const path = temp.file();
    await new SQLiteSessionStore(path).close();
    const failing: Migration = {
      version: SCHEMA_VERSION + 1,
      description: 'test: fails half-way',
      up: (db) => {
        db.exec('CREATE TABLE half_done (x)');
        throw new Error('migration bug');
      },
    };
    const db = new Database(path);
    expect(() => migrate(db, path, [...MIGRATIONS, failing])).toThrow('migration bug');
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it('refuses a file of a newer version, untouched', async () => {
    const path = temp.file();
    await new SQLiteSessionStore(path).close();
    const db = new Database(path);
    db.pragma('user_version = 99');
    db.close();
    await expectRefused(
      path,
      new RegExp(`schema version 99, newer than the ${SCHEMA_VERSION} .*upgrade @ccflow/stores-sqlite`),
    );
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
