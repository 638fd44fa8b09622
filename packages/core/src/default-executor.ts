import { CliExecutor } from './cli-executor.ts';
import type { Executor } from './executor.ts';
import { runtime, runtimeKey } from './runtime.ts';
import { withTracing } from './tracing-executor.ts';

/**
 * How the process-wide executor is made: core's makes the CLI, traced; importing `ccflow` sets one with the
 * reliability decorators and usage tracking.
 */
export const EXECUTOR_FACTORY = runtimeKey<() => Executor>(
  '@ccflow/core:executorFactory',
  () => () => withTracing(new CliExecutor()),
);

/**
 * The executor the query functions and sessions use when given none, made by `EXECUTOR_FACTORY` on first use. The
 * query functions read it at each call; a `Session` when it is made.
 */
export const EXECUTOR = runtimeKey<Executor>('@ccflow/core:executor', () => runtime.get(EXECUTOR_FACTORY)());
