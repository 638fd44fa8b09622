import { CONFIG, runtime, runtimeKey } from '@ccflow/core';
import { CombinedLimiter } from './combined-limiter.ts';
import { HealthChecker } from './health-check.ts';
import { MemoryCircuitBreaker } from './memory-circuit-breaker.ts';

/**
 * The process-wide reliability defaults, kept in core's `runtime` and made on first use (so the environment is read
 * then, not at import). Sharing them is what keeps many concurrent callers inside one account's limits.
 */

/**
 * The process-wide limiter: at most `CCFLOW_MAX_CONCURRENT_REQUESTS` executions at once (default 10) and
 * `CCFLOW_RATE_LIMIT_PER_MINUTE` starts in any sliding minute (default 60; a rate under 1 a minute gets a window
 * long enough for one start), from the configuration when it is made (`runtime.reset(CONFIG)` and
 * `runtime.reset(LIMITER)` to read the environment again). Waits without a timeout: pass a signal to bound it. A bad
 * value throws `ConfigurationError` naming the variable.
 */
export const LIMITER = runtimeKey('@ccflow/reliability:limiter', () => {
  const { rateLimitPerMinute, maxConcurrentRequests } = runtime.get(CONFIG);
  return new CombinedLimiter({
    rate: rateLimitPerMinute / 60,
    windowMs: rateLimitPerMinute >= 1 ? 60_000 : Math.ceil(60_000 / rateLimitPerMinute),
    rateType: 'sliding_window',
    maxConcurrent: maxConcurrentRequests,
  });
});

/** The process-wide breaker for the CLI, named `cli`, with the default `CircuitBreakerOptions`. */
export const CLI_CIRCUIT_BREAKER = runtimeKey(
  '@ccflow/reliability:cliCircuitBreaker',
  () => new MemoryCircuitBreaker({}, 'cli'),
);

/** The process-wide health checker, with the default `HealthCheckerOptions`. */
export const HEALTH_CHECKER = runtimeKey('@ccflow/reliability:healthChecker', () => new HealthChecker());
