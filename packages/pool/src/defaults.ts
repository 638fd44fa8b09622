import { ConfigurationError, type RuntimeKey, runtime, runtimeKey } from '@ccflow/core';
import { type PoolOptions, resolvePoolOptions, samePoolOptions } from './pool-options.ts';
import { ProcessPool } from './process-pool.ts';
import { StreamingPool } from './streaming-pool.ts';

/**
 * The process-wide pools (the reference's `get_pool`, `get_streaming_pool`, `reset_pools`), kept in core's
 * `runtime` and made on first use, on the process-wide executor. `runtime.dispose()` cancels their tasks.
 */

/** The options the next pool is made with: set by `getPool(options)` for the one `runtime.get` it makes. */
let making: PoolOptions | undefined;

/** The process-wide `ProcessPool`. */
export const PROCESS_POOL = runtimeKey('@ccflow/pool:processPool', () => new ProcessPool(making));

/** The process-wide `StreamingPool`. */
export const STREAMING_POOL = runtimeKey('@ccflow/pool:streamingPool', () => new StreamingPool(making));

/**
 * The process-wide `ProcessPool`, made with `options` on first use (or after `resetPools`, or once it was shut
 * down). Options that differ from the existing pool's throw `ConfigurationError`: call `resetPools()` first.
 */
export function getPool(options?: PoolOptions): ProcessPool {
  return get(PROCESS_POOL, options, 'getPool');
}

/** The process-wide `StreamingPool`; as `getPool`. */
export function getStreamingPool(options?: PoolOptions): StreamingPool {
  return get(STREAMING_POOL, options, 'getStreamingPool');
}

/**
 * Shuts both process-wide pools down (default: cancelling their tasks; `{ wait: true }` finishes them) and forgets
 * them: the next `getPool` makes a new one.
 */
export async function resetPools({ wait = false }: { wait?: boolean } = {}): Promise<void> {
  const pools = [runtime.get(PROCESS_POOL), runtime.get(STREAMING_POOL)];
  runtime.reset(PROCESS_POOL);
  runtime.reset(STREAMING_POOL);
  await Promise.all(pools.map((pool) => pool.shutdown({ wait })));
}

function get<P extends ProcessPool | StreamingPool>(
  key: RuntimeKey<P>,
  options: PoolOptions | undefined,
  caller: string,
): P {
  making = options;
  try {
    let pool = runtime.get(key);
    if (pool.closed) {
      runtime.reset(key);
      pool = runtime.get(key);
    }
    if (options !== undefined && !samePoolOptions(pool.options, resolvePoolOptions(options))) {
      throw new ConfigurationError({
        field: 'options',
        problem: `${caller}: the process-wide pool exists with other options; call resetPools() first`,
      });
    }
    return pool;
  } finally {
    making = undefined;
  }
}
