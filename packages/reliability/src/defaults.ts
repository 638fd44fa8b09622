import { getConfig } from '@ccflow/core';
import { CircuitBreaker } from './circuit-breaker.ts';
import { CombinedLimiter } from './combined-limiter.ts';
import { HealthChecker } from './health-check.ts';

/**
 * The process-wide reliability objects, made on first use (so the environment is read then, not at import) and
 * shared by everything in the process, which is what keeps many concurrent callers inside one account's limits.
 * Each `reset*` forgets its object; the next `get*` makes a new one (with the configuration of `getConfig()`, which
 * `resetConfig()` makes read the environment again).
 */

let limiter: CombinedLimiter | undefined;
let breaker: CircuitBreaker | undefined;
let checker: HealthChecker | undefined;

/**
 * The process-wide limiter: at most `CCFLOW_MAX_CONCURRENT_REQUESTS` executions at once (default 10) and
 * `CCFLOW_RATE_LIMIT_PER_MINUTE` starts in any sliding minute (default 60; a rate under 1 a minute gets a window
 * long enough for one start). Waits without a timeout: pass a signal to bound it. A bad value throws
 * `ConfigurationError` naming the variable.
 */
export function getLimiter(): CombinedLimiter {
  if (limiter === undefined) {
    const { rateLimitPerMinute, maxConcurrentRequests } = getConfig();
    limiter = new CombinedLimiter({
      rate: rateLimitPerMinute / 60,
      windowMs: rateLimitPerMinute >= 1 ? 60_000 : Math.ceil(60_000 / rateLimitPerMinute),
      rateType: 'sliding_window',
      maxConcurrent: maxConcurrentRequests,
    });
  }
  return limiter;
}

export function resetLimiter(): void {
  limiter = undefined;
}

/** The process-wide breaker for the CLI, named `cli`, with the default `CircuitBreakerConfig`. */
export function getCliCircuitBreaker(): CircuitBreaker {
  breaker ??= new CircuitBreaker({}, 'cli');
  return breaker;
}

export function resetCliCircuitBreaker(): void {
  breaker = undefined;
}

/** The process-wide health checker, with the default `HealthCheckerOptions`. */
export function getHealthChecker(): HealthChecker {
  checker ??= new HealthChecker();
  return checker;
}

export function resetHealthChecker(): void {
  checker = undefined;
}
