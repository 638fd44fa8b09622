import { EXECUTOR, EXECUTOR_FACTORY, type Executor, runtime } from '@ccflow/core';
import { withUsageTracking } from '@ccflow/pricing';
import { createReliableExecutor } from '@ccflow/reliability';

/** Marks the factory as ccflow's, so a second copy of `ccflow` in the application leaves it as it is. */
const BATTERIES = Symbol.for('ccflow.batteries');

/**
 * The executor `ccflow` wires for the query functions and sessions: the CLI behind the process-wide rate limiter
 * (`CCFLOW_RATE_LIMIT_PER_MINUTE`, `CCFLOW_MAX_CONCURRENT_REQUESTS`) and circuit breaker, retried when a turn
 * fails before any output, traced, and counted by the process-wide usage tracker (`USAGE_TRACKER`) and the
 * token and cost metrics. Tracking is outermost, so it counts what the caller got, once.
 */
export function createDefaultExecutor(): Executor {
  return withUsageTracking(createReliableExecutor());
}
Object.defineProperty(createDefaultExecutor, BATTERIES, { value: true });

/**
 * Makes {@link createDefaultExecutor} the process-wide executor factory. Importing `ccflow` does it; doing it
 * again, or from another copy of `ccflow`, changes nothing.
 */
export function installDefaults(): void {
  const current = runtime.get(EXECUTOR_FACTORY) as Partial<Record<typeof BATTERIES, boolean>>;
  if (current[BATTERIES]) return;
  runtime.set(EXECUTOR_FACTORY, createDefaultExecutor);
  runtime.reset(EXECUTOR);
}

installDefaults();
