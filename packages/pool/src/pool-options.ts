import { CONFIG, ConfigurationError, type Executor, runtime } from '@ccflow/core';
import type { Meter, Tracer } from '@opentelemetry/api';

/** How a `ProcessPool` or `StreamingPool` is sized and what it runs on. */
export interface PoolOptions {
  /** Tasks running at once. Default 4. */
  maxWorkers?: number;
  /**
   * Tasks that may wait for a worker; one more is refused at once with `PoolQueueFullError`. 0: none wait. Default
   * 100.
   */
  queueSize?: number;
  /**
   * A running task's wall-clock limit, in ms; past it the task is stopped and fails with `CliTimeoutError` (kind
   * `total`). `Infinity`: none. Default `CCFLOW_DEFAULT_TIMEOUT` (300 s). Time in the queue does not count.
   */
  taskTimeoutMs?: number;
  /**
   * What runs each task. Default: the process-wide executor (`runtime.get(EXECUTOR)`), read when each task starts,
   * as `query` reads it. The pool does not dispose it: whoever made it does.
   */
  executor?: Executor;
  /** Ended tasks `getTask` and `gather` still find (older ones are forgotten; their objects stay valid). Default 1000. */
  retainTasks?: number;
  /** Spans through this tracer. Default: the global provider's `@ccflow/pool` tracer. */
  tracer?: Tracer;
  /** Metrics through this meter. Default: the global provider's `@ccflow/pool` meter. */
  meter?: Meter;
}

export type ResolvedPoolOptions = Required<Omit<PoolOptions, 'executor' | 'tracer' | 'meter'>> &
  Pick<PoolOptions, 'executor' | 'tracer' | 'meter'>;

/** The options with their defaults; a bad value throws `ConfigurationError` naming it. */
export function resolvePoolOptions(options: PoolOptions): ResolvedPoolOptions {
  const known = new Set([
    'maxWorkers',
    'queueSize',
    'taskTimeoutMs',
    'executor',
    'retainTasks',
    'tracer',
    'meter',
  ]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ConfigurationError({ field: key, problem: 'is not a pool option' });
  }
  const taskTimeoutMs = options.taskTimeoutMs ?? runtime.get(CONFIG).defaultTimeoutMs;
  if (typeof taskTimeoutMs !== 'number' || Number.isNaN(taskTimeoutMs) || taskTimeoutMs <= 0) {
    throw new ConfigurationError({
      field: 'taskTimeoutMs',
      problem: `must be a positive number of ms (or Infinity), got ${String(taskTimeoutMs)}`,
    });
  }
  return {
    maxWorkers: integer('maxWorkers', options.maxWorkers ?? 4, 1),
    queueSize: integer('queueSize', options.queueSize ?? 100, 0),
    taskTimeoutMs,
    retainTasks: integer('retainTasks', options.retainTasks ?? 1000, 0),
    executor: options.executor,
    tracer: options.tracer,
    meter: options.meter,
  };
}

/** True when `a` and `b` make the same pool. */
export function samePoolOptions(a: ResolvedPoolOptions, b: ResolvedPoolOptions): boolean {
  return (Object.keys(a) as (keyof ResolvedPoolOptions)[]).every((key) => a[key] === b[key]);
}

function integer(field: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigurationError({ field, problem: `must be an integer >= ${min}, got ${String(value)}` });
  }
  return value;
}
