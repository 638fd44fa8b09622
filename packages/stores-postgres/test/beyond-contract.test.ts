import { CliExecutionError, ConfigurationError } from '@ccflow/core';
import { Session, StoreConflictError, StoreError, StoreInputError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { projectFixture, traceFixture } from '@ccflow/tracing/testing';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresProjectStore } from '../src/postgres-project-store.ts';
import { PostgresSessionStore } from '../src/postgres-session-store.ts';
import { PostgresTraceStore } from '../src/postgres-trace-store.ts';
import { usePostgres } from './use-postgres.ts';

const db = usePostgres('beyond_suite');
afterEach(() => db.dropSchemas());
const fresh = () => ({ connectionString: db.url, schema: db.schema() });

describe('the PostgreSQL stores beyond the contracts', () => {
  it('saveMany writes every record or, on one bad or stale record, none; it resolves to the new versions', async () => {
    const options = fresh();
    await using sessions = new PostgresSessionStore(options);
    expect(
      await sessions.saveMany([stateFixture({ sessionId: 'a' }), stateFixture({ sessionId: 'b' })]),
    ).toEqual([1, 1]);
    const bad = stateFixture({ sessionId: 'c', createdAt: new Date(Number.NaN) });
    await expect(sessions.saveMany([stateFixture({ sessionId: 'd' }), bad])).rejects.toSatisfy((e: unknown) =>
      StoreInputError.isInstance(e),
    );
    const stale = await sessions
      .saveMany([stateFixture({ sessionId: 'e' }), stateFixture({ sessionId: 'a' })])
      .catch((e: unknown) => e);
    expect(StoreConflictError.isInstance(stale)).toBe(true);
    expect((await sessions.list()).map((s) => s.sessionId).sort()).toEqual(['a', 'b']);
    await using traces = new PostgresTraceStore(options);
    await expect(
      traces.saveMany([traceFixture({ traceId: 'x' }), traceFixture({ traceId: '' })]),
    ).rejects.toSatisfy((e: unknown) => StoreInputError.isInstance(e));
    expect(await traces.count()).toBe(0);
  });

  it('filter values with quotes, %, _, backslashes and unicode are data, never SQL', async () => {
    await using store = new PostgresSessionStore(fresh());
    const odd = ["'; DROP TABLE sessions; --", '100%', 'a_b', '"x"', 'ünï 日本 😀', '\\', '{a,b}', ''];
    for (const [i, value] of odd.entries()) {
      await store.save(
        stateFixture({
          sessionId: value === '' ? 'empty' : value,
          model: value,
          projectId: value,
          tags: [value],
        }),
      );
      await store.save(
        stateFixture({ sessionId: `decoy-${i}`, model: `${value}x`, projectId: 'x', tags: ['x'] }),
      );
    }
    for (const value of odd) {
      const id = value === '' ? 'empty' : value;
      expect((await store.list({ model: value })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.list({ projectId: value })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.list({ tags: [value] })).map((s) => s.sessionId)).toEqual([id]);
      expect((await store.load(id))?.tags).toEqual([value]);
    }
    expect(await store.count()).toBe(odd.length * 2);
  });

  it('text or JSON with a NUL character is refused with StoreInputError, and nothing is written', async () => {
    await using store = new PostgresSessionStore(fresh());
    for (const state of [
      stateFixture({ title: 'a\u0000b' }),
      stateFixture({ metadata: { note: 'a\u0000b' } }),
      stateFixture({ tags: ['a\u0000b'] }),
    ]) {
      const error = await store.save(state).catch((e: unknown) => e);
      expect(StoreInputError.isInstance(error), String(error)).toBe(true);
    }
    expect(await store.count()).toBe(0);
  });

  it('three stores of one connection string share one pool, which the last close() ends', async () => {
    const options = fresh();
    const sessions = new PostgresSessionStore(options);
    const projects = new PostgresProjectStore(options);
    await sessions.save(stateFixture({ sessionId: 's', projectId: 'p' }));
    expect((await projects.getProjectSessions('p')).map((s) => s.sessionId)).toEqual(['s']);
    const backends = async () =>
      Number(
        (await db.admin.query("SELECT count(*) FROM pg_stat_activity WHERE datname = 'beyond_suite'")).rows[0]
          .count,
      );
    const open = await backends();
    await projects.close();
    expect(await sessions.exists('s')).toBe(true);
    await sessions.close();
    await expect(sessions.count()).rejects.toThrow(/PostgreSQL session store is closed/);
    // The pool's connections are gone once its last store closed (the admin pool's own stays).
    expect(open).toBeGreaterThan(await backends());
  });

  it('a pool of the caller is used and never ended', async () => {
    const pool = new pg.Pool({ connectionString: db.url, max: 2 });
    const schema = db.schema();
    const store = new PostgresTraceStore({ pool, schema });
    await store.save(traceFixture({ traceId: 't' }));
    await store.close();
    expect((await pool.query(`SELECT trace_id FROM ${schema}.traces`)).rows).toEqual([{ trace_id: 't' }]);
    await pool.end();
  });

  it('deleting a project keeps its sessions, traces and subprojects', async () => {
    const options = fresh();
    await using projects = new PostgresProjectStore(options);
    await using sessions = new PostgresSessionStore(options);
    await using traces = new PostgresTraceStore(options);
    await projects.save(projectFixture({ projectId: 'p' }));
    await projects.save(projectFixture({ projectId: 'child', parentProjectId: 'p' }));
    await sessions.save(stateFixture({ sessionId: 's', projectId: 'p' }));
    await traces.save(traceFixture({ traceId: 't', sessionId: 's', projectId: 'p' }));
    expect(await projects.delete('p')).toBe(true);
    expect((await projects.getSubprojects('p')).map((c) => c.projectId)).toEqual(['child']);
    expect((await projects.getProjectSessions('p')).map((s) => s.sessionId)).toEqual(['s']);
    expect((await traces.getProjectTraces('p')).map((t) => t.traceId)).toEqual(['t']);
  });

  it('errors name the database and schema, never the password; a server that is not there is a StoreError', async () => {
    const url = new URL(db.url);
    url.password = 's3cret-pw';
    url.port = String(db.server.port === 1 ? 2 : 1);
    await using store = new PostgresSessionStore({ connectionString: url.href, schema: 'x' });
    const error = await store.count().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/refused the connection.*ECONNREFUSED/);
    expect((error as StoreError).path).toBe(`postgresql://127.0.0.1:${url.port}/beyond_suite#x`);
    expect(JSON.stringify(error)).not.toContain('s3cret-pw');
    expect(String(error)).not.toContain('s3cret-pw');
  });

  it('a failed first migration is tried again by the next call of the same store', async () => {
    const schema = db.schema();
    await db.admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.sessions (x int)`);
    await using store = new PostgresSessionStore({ connectionString: db.url, schema });
    await expect(store.count()).rejects.toThrow(/already exists/);
    await db.admin.query(`DROP TABLE ${schema}.sessions`);
    expect(await store.count()).toBe(0);
  });

  it('refuses options it cannot use with a ConfigurationError', () => {
    for (const options of [
      {},
      { connectionString: '' },
      { connectionString: db.url || 'x', schema: 'a"b' },
      { connectionString: 'x', poolSize: 0 },
    ]) {
      expect(() => new PostgresSessionStore(options)).toThrow(ConfigurationError);
    }
  });
  it('what a Session saves reaches the database redacted: no secret in any row', async () => {
    const options = fresh();
    await using store = new PostgresSessionStore(options);
    const executor = new MockExecutor();
    const session = new Session({
      options: {
        env: { MY_SECRET: 'options-env-secret' },
        systemPrompt: 'Call the API with sk-ant-api03-system-prompt-key.',
      },
      executor,
      store,
      metadata: { owner: 'ada', apiToken: 'metadata-token-secret' },
    });
    executor.enqueue({
      lines: [mockLines.init({ sessionId: session.sessionId })],
      thenThrow: new CliExecutionError({
        message: 'CLI exited 1: MY_SECRET=options-env-secret rejected',
        exitCode: 1,
      }),
    });
    await expect(async () => {
      for await (const _ of session.sendMessage('hi'));
    }).rejects.toThrow(CliExecutionError);
    const { rows } = await db.admin.query(
      `SELECT row_to_json(s)::text AS row FROM ${options.schema}.sessions AS s`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].row).toContain('[redacted]');
    expect(rows[0].row).not.toMatch(/options-env-secret|system-prompt-key|metadata-token-secret/);
  });
  it('connections the server drops while idle (a restart, a failover) cost nothing: the next call reconnects', async () => {
    await using store = new PostgresSessionStore(fresh());
    await store.save(stateFixture({ sessionId: 'kept' }));
    const { rows } = await db.admin.query(
      'SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    expect(Number(rows[0].n)).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await store.exists('kept')).toBe(true);
  });
});

describe('roles that are not superusers', () => {
  /** A new login role (trusted on loopback, as every role of the test server) and its connection string to `database`. */
  async function role(name: string, database: string): Promise<string> {
    await db.admin.query(`CREATE ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE`);
    expect(db.url).toMatch(/^postgresql:\/\/postgres@/);
    return db.url.replace(/\/\/postgres@/, `//${name}@`).replace(/\/[^/]+$/, `/${database}`);
  }

  /** A session, a trace and a project saved and read back, the project found by name through the trigram index. */
  async function roundTrip(options: { connectionString: string; schema?: string }): Promise<void> {
    await using sessions = new PostgresSessionStore(options);
    await using traces = new PostgresTraceStore(options);
    await using projects = new PostgresProjectStore(options);
    await sessions.save(stateFixture({ sessionId: 's1' }));
    await traces.save(traceFixture({ traceId: 't1', sessionId: 's1' }));
    await projects.save(projectFixture({ projectId: 'p1', name: 'Checkout Service' }));
    expect((await sessions.load('s1'))?.sessionId).toBe('s1');
    expect((await traces.list({ sessionId: 's1' })).map((t) => t.traceId)).toEqual(['t1']);
    expect((await projects.list({ nameContains: 'kout ser' })).map((p) => p.projectId)).toEqual(['p1']);
  }

  it('the owner of a database migrates it and uses the stores: pg_trgm is a trusted extension', async () => {
    const url = await role('app_owner', 'postgres');
    await db.admin.query('CREATE DATABASE owned_by_app OWNER app_owner');
    const owned = url.replace(/\/postgres$/, '/owned_by_app');
    await roundTrip({ connectionString: owned }); // the default schema, public: the owner's since PostgreSQL 15
    await roundTrip({ connectionString: owned, schema: 'ccflow_app' });
    const root = new pg.Client({ connectionString: db.url.replace(/\/[^/]+$/, '/owned_by_app') });
    await root.connect();
    try {
      const { rows } = await root.query(
        "SELECT extowner::regrole::text AS owner FROM pg_extension WHERE extname = 'pg_trgm'",
      );
      expect(rows).toEqual([{ owner: 'app_owner' }]);
    } finally {
      await root.end();
    }
  });

  it('a role with data privileges only, once an administrator ran the migration, uses the stores', async () => {
    const schema = db.schema();
    await using migrated = new PostgresSessionStore({ connectionString: db.url, schema });
    await migrated.list(); // the administrator's first call migrates
    const url = await role('app_dml', 'beyond_suite');
    await db.admin.query(`GRANT USAGE ON SCHEMA ${schema} TO app_dml`);
    await db.admin.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO app_dml`);
    await roundTrip({ connectionString: url, schema });
  });

  it('a role that may not create the schema gets a StoreError saying so, and nothing is created', async () => {
    const url = await role('app_reader', 'beyond_suite');
    const schema = db.schema();
    await using store = new PostgresSessionStore({ connectionString: url, schema });
    const error = await store.list().catch((e: unknown) => e);
    expect(StoreError.isInstance(error), String(error)).toBe(true);
    expect((error as Error).message).toContain('permission denied');
    const { rows } = await db.admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
    expect(rows).toEqual([]);
  });
});
