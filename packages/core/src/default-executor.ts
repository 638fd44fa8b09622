import { CLIExecutor } from './cli-executor.ts';
import type { Executor } from './executor.ts';
import { withTracing } from './tracing-executor.ts';

const coreDefault = (): Executor => withTracing(new CLIExecutor());
let factory: () => Executor = coreDefault;
let current: Executor | undefined;

/** The process-wide executor used by the query functions and sessions, built on first use. */
export function getExecutor(): Executor {
  current ??= factory();
  return current;
}

/** Replaces the process-wide executor (until `resetExecutor()`). */
export function setExecutor(executor: Executor): void {
  current = executor;
}

/**
 * How the process-wide executor is built: core's is the CLI, traced; the `ccflow` package installs one with the
 * reliability decorators. Forgets the current one.
 */
export function setDefaultExecutorFactory(build: () => Executor = coreDefault): void {
  factory = build;
  current = undefined;
}

/** Forgets the process-wide executor; the next `getExecutor()` builds a new one with the default factory. */
export function resetExecutor(): void {
  current = undefined;
}
