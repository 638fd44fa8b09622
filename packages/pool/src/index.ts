export * from './errors.ts';
// WarmPool
export type { WarmConnection } from './leased-connection.ts';
export { type WarmLease, WarmPool, type WarmPoolOptions } from './warm-pool.ts';
export {
  WARM_POOL_METRICS,
  WARM_POOL_SPAN,
  type WarmEvictionReason,
  type WarmProcessState,
} from './warm-pool-metrics.ts';
