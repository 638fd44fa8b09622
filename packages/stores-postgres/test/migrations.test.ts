import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import { traceFixture } from '@ccflow/tracing/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresProjectStore } from '../src/postgres-project-store.ts';
import { PostgresSessionStore } from '../src/postgres-session-store.ts';
import { PostgresTraceStore } from '../src/postgres-trace-store.ts';
import { MIGRATIONS, migrate } from '../src/schema.ts';
import { SCHEMA_VERSION } from '../src/schema-version.ts';
import { usePostgres } from './use-postgres.ts';

const db = usePostgres('migrations_suite');

afterEach(() => db.dropSchemas());

describe('migrations', () => {
  it('SCHEMA_VERSION is the last migration', () => {
    expect(SCHEMA_VERSION).toBe(MIGRATIONS.at(-1)?.version);
  });

  it('a new schema gets every table and the latest version; starting again changes nothing', async () => {
    const schema = db.schema();
    const store = new PostgresSessionStore({ connectionString: db.url, schema });
    await store.save(stateFixture({ sessionId: 'kept' }));
    await store.close();
    const version = await db.admin.query(`SELECT version FROM ${schema}.ccflow_schema_version`);
    expect(version.rows).toEqual([{ version: String(SCHEMA_VERSION) }]);
    const tables = await db.admin.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1',
      [schema],
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'ccflow_schema_version',
      'projects',
      'sessions',
      'traces',
    ]);
    const again = new PostgresSessionStore({ connectionString: db.url, schema });
    expect(await again.exists('kept')).toBe(true);
    await again.close();
  });

  it('twelve stores on pools of their own creating one schema at once: each works, one migration ran', async () => {
    const schema = db.schema();
    const kinds = [PostgresSessionStore, PostgresTraceStore, PostgresProjectStore];
    const stores = Array.from({ length: 12 }, (_, i) => {
      const Store = kinds[i % 3]!;
      return new Store({ connectionString: db.url, schema, poolSize: i + 1 });
    });
    expect(await Promise.all(stores.map((s) => s.count()))).toEqual(stores.map(() => 0));
    const rows = await db.admin.query(`SELECT version FROM ${schema}.ccflow_schema_version`);
    expect(rows.rowCount).toBe(1);
    await Promise.all(stores.map((s) => s.close()));
  });

  it('a later migration is applied on its own to a schema at an earlier version, keeping its rows', async () => {
    const schema = db.schema();
    await migrate(db.admin, schema, 'postgres');
    await using store = new PostgresTraceStore({ connectionString: db.url, schema });
    await store.save(traceFixture({ traceId: 'old', model: 'haiku' }));
    const next = {
      version: SCHEMA_VERSION + 1,
      description: 'a column for the test',
      up: (s: string) => `ALTER TABLE ${s}.traces ADD COLUMN later text`,
    };
    await migrate(db.admin, schema, 'postgres', [...MIGRATIONS, next]);
    expect(await store.list({ model: 'haiku' })).toEqual([
      expect.objectContaining({ traceId: 'old', model: 'haiku' }),
    ]);
    const column = await db.admin.query(
      "SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'traces' AND column_name = 'later'",
      [schema],
    );
    expect(column.rowCount).toBe(1);
    const version = await db.admin.query(`SELECT version FROM ${schema}.ccflow_schema_version`);
    expect(version.rows).toEqual([{ version: String(SCHEMA_VERSION + 1) }]);
  });

  it('a schema of a newer version is refused with a StoreError naming both versions, and left untouched', async () => {
    const schema = db.schema();
    const store = new PostgresSessionStore({ connectionString: db.url, schema });
    await store.count();
    await store.close();
    await db.admin.query(`UPDATE ${schema}.ccflow_schema_version SET version = 99`);
    const newer = new PostgresSessionStore({ connectionString: db.url, schema });
    const error = await newer.count().catch((e: unknown) => e);
    expect(StoreError.isInstance(error), String(error)).toBe(true);
    expect(String(error)).toMatch(new RegExp(`version 99, newer than the ${SCHEMA_VERSION}`));
    await newer.close();
    expect((await db.admin.query(`SELECT version FROM ${schema}.ccflow_schema_version`)).rows).toEqual([
      { version: '99' },
    ]);
  });

  it('a table of another application in the way fails the migration whole, leaving no ccflow table', async () => {
    const schema = db.schema();
    await db.admin.query(`CREATE SCHEMA ${schema}; CREATE TABLE ${schema}.traces (x int)`);
    const store = new PostgresTraceStore({ connectionString: db.url, schema });
    const error = await store.count().catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/already exists/);
    await store.close();
    const tables = await db.admin.query(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1',
      [schema],
    );
    expect(tables.rows).toEqual([{ table_name: 'traces' }]);
  });
});
