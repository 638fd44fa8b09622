export * from './errors.ts';
// WarmPool
export { LeasedConnection, type WarmConnection } from './leased-connection.ts';
export { residentBytes } from './process-memory.ts';
export { spawnKey } from './spawn-key.ts';
export { WarmPool, type WarmPoolOptions } from './warm-pool.ts';
export {
  type EvictionReason,
  type ProcessState,
  WARM_POOL_METRICS,
  WARM_POOL_SPAN,
} from './warm-pool-metrics.ts';
