import { ConfigurationError } from '@ccflow/core';
import type pg from 'pg';

/** The constructor options of the three PostgreSQL stores. */
export interface PostgresStoreOptions {
  /**
   * A pool of yours: the stores use it and never end it. Give the three stores one pool (or one connection string)
   * and they share its connections.
   */
  pool?: pg.Pool;
  /**
   * `postgresql://user:password@host:port/database`, when no `pool` is given: stores of one process given the same
   * string and `poolSize` share one pool, which the last `close()` ends.
   */
  connectionString?: string;
  /** The schema that holds the tables (created if missing). Default `public`. */
  schema?: string;
  /** The most connections of a pool the stores create. Default 10. */
  poolSize?: number;
}

export interface ResolvedOptions {
  pool: pg.Pool | undefined;
  connectionString: string | undefined;
  schema: string;
  poolSize: number;
}

/** A bare string is the connection string. */
export function resolveOptions(options: string | PostgresStoreOptions): ResolvedOptions {
  const o = typeof options === 'string' ? { connectionString: options } : (options ?? {});
  if (o.pool === undefined && (typeof o.connectionString !== 'string' || o.connectionString === '')) {
    throw new ConfigurationError({
      field: 'connectionString',
      problem: 'give a pg.Pool (pool) or a postgresql:// connection string',
    });
  }
  const schema = o.schema ?? 'public';
  if (typeof schema !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new ConfigurationError({
      field: 'schema',
      problem: `must be a plain identifier (letters, digits, _; at most 63), got ${JSON.stringify(schema)}`,
    });
  }
  const poolSize = o.poolSize ?? 10;
  if (!(Number.isSafeInteger(poolSize) && poolSize > 0)) {
    throw new ConfigurationError({
      field: 'poolSize',
      problem: `must be a positive integer, got ${String(poolSize)}`,
    });
  }
  return { pool: o.pool, connectionString: o.connectionString, schema, poolSize };
}
