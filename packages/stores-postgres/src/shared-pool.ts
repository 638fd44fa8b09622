import pg from 'pg';

/** A store's use of a pool; `release` once, when the store closes. */
export interface PoolLease {
  readonly pool: pg.Pool;
  release(): Promise<void>;
}

interface Shared {
  pool: pg.Pool;
  refs: number;
}

/**
 * The pools the stores create, one per connection string and size in a process: the session, trace and project
 * stores of one database share its connections. The last release ends the pool.
 */
const pools = new Map<string, Shared>();

export function leasePool(connectionString: string, poolSize: number): PoolLease {
  const key = JSON.stringify([connectionString, poolSize]);
  let shared = pools.get(key);
  if (shared === undefined) {
    const pool = new pg.Pool({ connectionString, max: poolSize });
    // An idle connection the server drops (a restart) must not crash the process; the next query reconnects.
    pool.on('error', () => {});
    shared = { pool, refs: 0 };
    pools.set(key, shared);
  }
  shared.refs += 1;
  const entry = shared;
  let released = false;
  return {
    pool: entry.pool,
    async release() {
      if (released) return;
      released = true;
      entry.refs -= 1;
      if (entry.refs > 0) return;
      pools.delete(key);
      await entry.pool.end();
    },
  };
}

/** A pool of the caller's: used, never ended. */
export function borrowPool(pool: pg.Pool): PoolLease {
  return { pool, release: async () => {} };
}
