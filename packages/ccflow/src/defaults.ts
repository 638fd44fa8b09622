import { type Executor, setDefaultExecutorFactory } from '@ccflow/core';
import { createReliableExecutor } from '@ccflow/reliability';

/**
 * The executor `ccflow` wires for the query functions and sessions: the CLI behind the process-wide rate limiter
 * (`CCFLOW_RATE_LIMIT_PER_MINUTE`, `CCFLOW_MAX_CONCURRENT_REQUESTS`) and circuit breaker, retried when a turn
 * fails before any output, traced.
 */
export function createDefaultExecutor(): Executor {
  return createReliableExecutor();
}

// Importing `ccflow` installs these defaults (core alone keeps the bare, traced CLI).
setDefaultExecutorFactory(createDefaultExecutor);
