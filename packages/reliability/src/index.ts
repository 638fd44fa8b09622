export type {
  CircuitBreaker,
  CircuitBreakerStats,
  CircuitPermit,
  CircuitRunOptions,
  CircuitStateChange,
} from './circuit-breaker.ts';
export { CircuitState } from './circuit-state.ts';
export { type Clock, systemClock } from './clock.ts';
export {
  CombinedLimiter,
  type CombinedLimiterOptions,
  type CombinedLimiterStats,
  RATE_TYPES,
  type RateType,
} from './combined-limiter.ts';
export { ConcurrencyLimiter, type ConcurrencyLimiterOptions } from './concurrency-limiter.ts';
export { CLI_CIRCUIT_BREAKER, HEALTH_CHECKER, LIMITER } from './defaults.ts';
export {
  CircuitBreakerError,
  ConcurrencyLimitExceededError,
  RateLimitExceededError,
  type ReliabilityErrorCode,
  RetryExhaustedError,
} from './errors.ts';
export { isAbortError, isCircuitFailure, isRetryableError } from './failure-policy.ts';
export type { FifoLimiter, FifoLimiterOptions } from './fifo-limiter.ts';
export {
  type AuthCheck,
  type AuthProbe,
  type CheckResult,
  type CliCheck,
  HealthChecker,
  type HealthCheckerOptions,
  type HealthStatus,
  type VersionCheck,
  type WaitHealthyOptions,
} from './health-check.ts';
export type { AcquireOptions, Lease, Limiter, LimiterStats } from './limiter.ts';
export { type CircuitBreakerOptions, MemoryCircuitBreaker } from './memory-circuit-breaker.ts';
export type { Provider } from './provider.ts';
export {
  createReliableExecutor,
  type ReliableExecutorOptions,
} from './reliable-executor.ts';
export {
  type ErrorClass,
  type RetryAttempt,
  type RetryEvent,
  type RetryOptions,
  type RetryRunOptions,
  retryWithBackoff,
} from './retry.ts';
export { type SlidingWindowOptions, SlidingWindowRateLimiter } from './sliding-window.ts';
export { type TokenBucketOptions, TokenBucketRateLimiter } from './token-bucket.ts';
export { withCircuitBreaker } from './with-circuit-breaker.ts';
export { withRateLimit } from './with-rate-limit.ts';
export { isPreamble, withRetry } from './with-retry.ts';
