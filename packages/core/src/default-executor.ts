import { CLIExecutor } from './cli-executor.ts';
import type { Executor } from './executor.ts';
import { withTracing } from './tracing-executor.ts';

let current: Executor | undefined;

/** The process-wide executor used by the query functions: the CLI, traced. */
export function getExecutor(): Executor {
  current ??= withTracing(new CLIExecutor());
  return current;
}

/** Replaces the process-wide executor (e.g. with decorated or pooled executors). */
export function setExecutor(executor: Executor): void {
  current = executor;
}

/** Forgets the process-wide executor; the next `getExecutor()` builds the default again. */
export function resetExecutor(): void {
  current = undefined;
}
