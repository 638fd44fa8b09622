import { StoreError } from '@ccflow/sessions';
import type pg from 'pg';

/** The advisory lock every ccflow migration of a database holds ('ccfw'): one migrating process at a time. */
const MIGRATION_LOCK = 0x63636677;

/** One step of the schema: `up` gives the SQL that takes a schema at `version - 1` to `version`. */
export interface Migration {
  version: number;
  description: string;
  up(s: string, trgm: string): string;
}

/**
 * Version 1. Ids, and every text a filter compares or the order sorts by, are `COLLATE "C"`: byte order, as the
 * contracts' binary order, whatever the database's collation. Times are `timestamptz` written as UTC ISO text, so
 * they round-trip to the millisecond whatever the session's time zone. Every B-tree index a filter uses ends with
 * the list order, so a page walks one index in order and stops after `limit` rows.
 */
const V1 = (s: string, trgm: string) => `
CREATE TABLE ${s}.sessions (
  session_id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  status text COLLATE "C" NOT NULL,
  model text COLLATE "C",
  system_prompt text,
  parent_session_id text COLLATE "C",
  project_id text COLLATE "C",
  title text,
  turn_count bigint NOT NULL,
  total_input_tokens bigint NOT NULL,
  total_output_tokens bigint NOT NULL,
  total_cache_read_tokens bigint NOT NULL,
  total_cache_write_tokens bigint NOT NULL,
  total_thinking_tokens bigint NOT NULL,
  total_cost_usd double precision NOT NULL,
  tags text[] COLLATE "C" NOT NULL,
  metadata jsonb NOT NULL,
  options jsonb NOT NULL,
  last_error text
);
CREATE INDEX sessions_by_created ON ${s}.sessions (created_at DESC, session_id);
CREATE INDEX sessions_by_status ON ${s}.sessions (status, created_at DESC, session_id);
CREATE INDEX sessions_by_model ON ${s}.sessions (model, created_at DESC, session_id);
CREATE INDEX sessions_by_project ON ${s}.sessions (project_id, created_at DESC, session_id);
CREATE INDEX sessions_by_tags ON ${s}.sessions USING gin (tags);
CREATE INDEX sessions_by_updated ON ${s}.sessions (updated_at);

CREATE TABLE ${s}.traces (
  trace_id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  session_id text COLLATE "C" NOT NULL,
  project_id text COLLATE "C",
  parent_trace_id text COLLATE "C",
  sequence_number bigint NOT NULL,
  prompt text NOT NULL,
  context jsonb,
  response text NOT NULL,
  thinking text NOT NULL,
  tool_calls jsonb NOT NULL,
  message_stream jsonb,
  options_snapshot jsonb NOT NULL,
  model text COLLATE "C",
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cache_read_tokens bigint NOT NULL,
  cache_write_tokens bigint NOT NULL,
  thinking_tokens bigint NOT NULL,
  cost_usd double precision NOT NULL,
  duration_ms double precision NOT NULL,
  status text COLLATE "C" NOT NULL,
  error_message text,
  resume_at text,
  otel_trace_id text,
  otel_span_id text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  metadata jsonb NOT NULL,
  model_usage jsonb
);
CREATE INDEX traces_by_created ON ${s}.traces (created_at, sequence_number, trace_id);
CREATE INDEX traces_by_session ON ${s}.traces (session_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_project ON ${s}.traces (project_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_status ON ${s}.traces (status, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_parent ON ${s}.traces (parent_trace_id, created_at, sequence_number, trace_id);
CREATE INDEX traces_by_updated ON ${s}.traces (updated_at);
CREATE INDEX traces_by_model ON ${s}.traces (model, created_at, sequence_number, trace_id);

CREATE TABLE ${s}.projects (
  project_id text COLLATE "C" PRIMARY KEY,
  version bigint NOT NULL,
  name text NOT NULL,
  name_lower text COLLATE "C" NOT NULL,
  description text NOT NULL,
  parent_project_id text COLLATE "C",
  metadata jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX projects_by_created ON ${s}.projects (created_at, project_id);
CREATE INDEX projects_by_parent ON ${s}.projects (parent_project_id, created_at, project_id);
CREATE INDEX projects_by_name ON ${s}.projects USING gin (name_lower ${trgm}.gin_trgm_ops);
`;

/** Every schema version in order. A new version appends a migration; released ones never change. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'sessions (tags as text[] under a GIN index), traces with their per-model usage, projects with a trigram name index',
    up: V1,
  },
];

/** A schema name as SQL: quoted, so any valid name is taken literally. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Brings `schema` to the latest version of `migrations`: all steps in one transaction under an advisory lock (one
 * per database), so a failure leaves the version it had and processes starting at once migrate once (the others
 * wait, then find it done). The version is the one row of `<schema>.ccflow_schema_version`. A newer version is refused with a
 * `StoreError` and left untouched, as are tables of another application's in the way.
 */
export async function migrate(
  pool: pg.Pool,
  schema: string,
  path: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<void> {
  const latest = migrations.at(-1)?.version ?? 0;
  const s = quoteIdent(schema);
  const current = async (client: pg.PoolClient | pg.Pool): Promise<number> => {
    const found = await client.query<{ table: string | null }>('SELECT to_regclass($1) AS table', [
      `${s}.ccflow_schema_version`,
    ]);
    if (found.rows[0]?.table == null) return 0;
    const row = await client.query<{ version: number }>(`SELECT version FROM ${s}.ccflow_schema_version`);
    const version = Number(row.rows[0]?.version ?? 0);
    if (version > latest) {
      throw new StoreError({
        message:
          `schema ${schema} has ccflow schema version ${version}, newer than the ${latest} this version of ` +
          '@ccflow/stores-postgres knows; upgrade @ccflow/stores-postgres to use it',
        path,
      });
    }
    return version;
  };
  if ((await current(pool)) === latest) return;
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // The lock is taken before the transaction begins: a transaction that began before another process's
    // migration committed could still see the tables as missing (its catalog caches are refreshed when a
    // transaction starts).
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]).catch((error: Error) => {
      broken = error;
      throw error;
    });
    try {
      await client.query('BEGIN');
      const from = await current(client);
      if (from < latest) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
        const trgm = await client.query<{ schema: string }>(
          "SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'",
        );
        if (from === 0) {
          await client.query(`CREATE TABLE ${s}.ccflow_schema_version (version bigint NOT NULL)`);
          await client.query(`INSERT INTO ${s}.ccflow_schema_version VALUES (0)`);
        }
        for (const migration of migrations) {
          if (migration.version <= from) continue;
          await client.query(migration.up(s, trgm.rows[0]!.schema));
        }
        await client.query(`UPDATE ${s}.ccflow_schema_version SET version = $1`, [latest]);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      // A connection that cannot unlock (or lock) is closed rather than pooled: closing it releases the lock.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch((error: Error) => {
        broken = error;
      });
    }
  } finally {
    client.release(broken);
  }
}
