import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreClosedError } from '@ccflow/sessions';
import pg from 'pg';
import { migrate, quoteIdent } from './schema.ts';
import { borrowPool, leasePool, type PoolLease } from './shared-pool.ts';
import { isRetryable, toStoreError } from './store-error.ts';
import { type PostgresStoreOptions, resolveOptions } from './store-options.ts';

/** What runs a statement: the pool, or the client of a transaction. */
export interface Queryable {
  /**
   * Runs one statement. `prepared` (default): a named statement, parsed and planned once per connection, for the
   * fixed statements (save, load, delete). A filter query passes false: the server plans it with its values every
   * time, where a prepared statement's generic plan, blind to them, can be far slower (2.6x on a page of
   * status + tag + dates in the bench).
   */
  query<R extends pg.QueryResultRow>(
    sql: string,
    params?: readonly unknown[],
    prepared?: boolean,
  ): Promise<pg.QueryResult<R>>;
}

/** How often a transaction that hit a serialization failure or a deadlock runs again before the error surfaces. */
const ATTEMPTS = 8;

/** `bigint` (counts, tokens, versions) as a number: every value a store writes is a safe integer. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/** Migrations already run (or running) per pool and schema: once per process. */
const migrated = new WeakMap<pg.Pool, Map<string, Promise<void>>>();

/**
 * What the three stores share: the pool, the schema's table names, migrating once, the closed state,
 * transactions that retry serialization failures and deadlocks, and turning every failure into a `StoreError`
 * naming the database (host, port, database and schema; never the password).
 */
export class StoreHandle {
  /** `postgresql://host:port/database#schema`, as errors name it. */
  readonly path: string;
  /** The schema, quoted, to prefix table names with. */
  readonly schema: string;
  readonly #kind: string;
  #lease: PoolLease | undefined;
  readonly #schemaName: string;

  constructor(kind: string, options: string | PostgresStoreOptions) {
    const o = resolveOptions(options);
    this.#kind = kind;
    this.#lease =
      o.pool === undefined ? leasePool(o.connectionString as string, o.poolSize) : borrowPool(o.pool);
    this.path = `${describe(this.#lease.pool.options as pg.PoolConfig)}#${o.schema}`;
    this.schema = quoteIdent(o.schema);
    this.#schemaName = o.schema;
  }

  /** Runs `work` with the pool (each statement its own transaction). */
  async run<T>(action: string, work: (db: Queryable) => Promise<T>): Promise<T> {
    const pool = this.#pool();
    try {
      await this.#migrated(pool);
      return await this.#retrying(() => work(queryable(pool)));
    } catch (error) {
      throw toStoreError(error, action, this.path);
    }
  }

  /**
   * Runs `work` in one transaction on one connection: all of it commits or none. A serialization failure or a
   * deadlock rolls it back and runs it again (a few times, with a short random pause): no caller sees one unless
   * it persists.
   */
  async transaction<T>(action: string, work: (db: Queryable) => Promise<T>): Promise<T> {
    const pool = this.#pool();
    try {
      await this.#migrated(pool);
      return await this.#retrying(async () => {
        const client = await pool.connect();
        let broken: Error | undefined;
        try {
          await client.query('BEGIN');
          const result = await work(queryable(client));
          await client.query('COMMIT');
          return result;
        } catch (error) {
          // A connection that cannot even roll back is closed, not pooled.
          await client.query('ROLLBACK').catch((rollback: Error) => {
            broken = rollback;
          });
          throw error;
        } finally {
          client.release(broken);
        }
      });
    } catch (error) {
      throw toStoreError(error, action, this.path);
    }
  }

  /** Releases the pool (ending it if the stores created it and no other store uses it); idempotent. */
  async close(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  /** The schema at the latest version: migrated once per pool and schema; a failed migration is tried again. */
  #migrated(pool: pg.Pool): Promise<void> {
    const schemas = migrated.get(pool) ?? new Map<string, Promise<void>>();
    migrated.set(pool, schemas);
    let ready = schemas.get(this.#schemaName);
    if (ready === undefined) {
      ready = migrate(pool, this.#schemaName, this.path);
      ready.catch(() => schemas.delete(this.#schemaName));
      schemas.set(this.#schemaName, ready);
    }
    return ready;
  }

  async #retrying<T>(attempt: () => Promise<T>): Promise<T> {
    for (let n = 1; ; n += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!isRetryable(error) || n >= ATTEMPTS) throw error;
        await sleep(Math.random() * 5 * n);
      }
    }
  }

  #pool(): pg.Pool {
    if (this.#lease === undefined) {
      throw new StoreClosedError({ store: `PostgreSQL ${this.#kind}`, path: this.path });
    }
    return this.#lease.pool;
  }
}

/** Statements prepared once per connection are named by a hash of their text; `bigint` is read as a number. */
const names = new Map<string, string>();

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    query: <R extends pg.QueryResultRow>(text: string, values?: readonly unknown[], prepared = true) => {
      if (!prepared) return client.query<R>({ text, values: values as unknown[], types: TYPES });
      let name = names.get(text);
      if (name === undefined) {
        if (names.size >= 1024) names.clear();
        name = `ccflow_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
        names.set(text, name);
      }
      return client.query<R>({ text, values: values as unknown[], name, types: TYPES });
    },
  };
}

/** `postgresql://host:port/database` of a pool's settings: what errors name, never the user or password. */
function describe(config: pg.PoolConfig): string {
  let { host, port, database } = config;
  if (config.connectionString !== undefined) {
    try {
      const url = new URL(config.connectionString);
      host = url.searchParams.get('host') ?? (decodeURIComponent(url.hostname) || host);
      port = Number(url.port) || port;
      database = decodeURIComponent(url.pathname.slice(1)) || database;
    } catch {
      return 'postgresql (connection string)';
    }
  }
  return `postgresql://${host ?? process.env.PGHOST ?? 'localhost'}:${port ?? process.env.PGPORT ?? 5432}/${database ?? process.env.PGDATABASE ?? ''}`;
}
