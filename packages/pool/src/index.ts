// ProcessPool, StreamingPool and the process-wide pools
export { getPool, getStreamingPool, PROCESS_POOL, resetPools, STREAMING_POOL } from './defaults.ts';
export * from './errors.ts';
export type { LatencyPercentiles } from './latency-window.ts';
// WarmPool
export type { WarmConnection } from './leased-connection.ts';
export type { PoolOptions, ResolvedPoolOptions } from './pool-options.ts';
export type { PoolTask, SubmitOptions, TaskStatus } from './pool-task.ts';
export { POOL_METRICS, POOL_SPAN, type PoolKind } from './pool-telemetry.ts';
export { ProcessPool } from './process-pool.ts';
export { StreamingPool } from './streaming-pool.ts';
export type { StreamingTask } from './streaming-task.ts';
export type { PoolStats, ShutdownOptions } from './task-scheduler.ts';
export { type WarmLease, WarmPool, type WarmPoolOptions } from './warm-pool.ts';
export {
  WARM_POOL_METRICS,
  WARM_POOL_SPAN,
  type WarmEvictionReason,
  type WarmProcessState,
} from './warm-pool-metrics.ts';
