import { apiFallbackEnabled, FALLBACK_EXECUTOR } from '@ccflow/api-fallback';
import { EXECUTOR, EXECUTOR_FACTORY, type Executor, runtime, withTracing } from '@ccflow/core';
import { withUsageTracking } from '@ccflow/pricing';
import { createReliableExecutor, withRateLimit, withRetry } from '@ccflow/reliability';

/** Marks the factory as ccflow's, so a second copy of `ccflow` in the application leaves it as it is. */
const BATTERIES = Symbol.for('ccflow.batteries');

/**
 * The executor `ccflow` wires for the query functions and sessions: the CLI behind the process-wide rate limiter
 * (`CCFLOW_RATE_LIMIT_PER_MINUTE`, `CCFLOW_MAX_CONCURRENT_REQUESTS`) and circuit breaker, retried when a turn
 * fails before any output, traced, and counted by the process-wide usage tracker (`USAGE_TRACKER`) and the
 * token and cost metrics. Tracking is outermost, so it counts what the caller got, once.
 *
 * With `CCFLOW_API_FALLBACK=true` in `env` (read when the executor is made), the process-wide `FallbackExecutor`
 * (`FALLBACK_EXECUTOR`: the CLI behind the breaker, then the Messages API with `ANTHROPIC_API_KEY`) takes the CLI's
 * place: `withUsageTracking(withTracing(withRetry(withRateLimit(fallback))))`, so one execution holds one limiter
 * slot whichever path serves it, and a retry tries the CLI first again.
 */
export function createDefaultExecutor(env: Record<string, string | undefined> = process.env): Executor {
  if (apiFallbackEnabled(env)) {
    return withUsageTracking(withTracing(withRetry(withRateLimit(runtime.get(FALLBACK_EXECUTOR)))));
  }
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
