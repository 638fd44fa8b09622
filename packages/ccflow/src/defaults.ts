import { type Executor, setDefaultExecutorFactory } from '@ccflow/core';
import { withUsageTracking } from '@ccflow/pricing';
import { createReliableExecutor } from '@ccflow/reliability';

/**
 * The executor `ccflow` wires for the query functions and sessions: the CLI behind the process-wide rate limiter
 * (`CCFLOW_RATE_LIMIT_PER_MINUTE`, `CCFLOW_MAX_CONCURRENT_REQUESTS`) and circuit breaker, retried when a turn
 * fails before any output, traced, and counted by the process-wide usage tracker (`getUsageTracker()`) and the
 * token and cost metrics. Tracking is outermost, so it counts what the caller got, once.
 */
export function createDefaultExecutor(): Executor {
  return withUsageTracking(createReliableExecutor());
}

// Importing `ccflow` installs these defaults (core alone keeps the bare, traced CLI).
setDefaultExecutorFactory(createDefaultExecutor);
