import { CliExecutor, type Executor, runtime, withTracing } from '@ccflow/core';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { CLI_CIRCUIT_BREAKER, LIMITER } from './defaults.ts';
import type { Limiter } from './limiter.ts';
import type { Provider } from './provider.ts';
import type { RetryOptions } from './retry.ts';
import { withCircuitBreaker } from './with-circuit-breaker.ts';
import { withRateLimit } from './with-rate-limit.ts';
import { withRetry } from './with-retry.ts';

export interface ReliableExecutorOptions {
  /** Default a `CliExecutor` with its defaults. */
  inner?: Executor;
  /** Default the process-wide `LIMITER`, read on each call. */
  limiter?: Provider<Limiter>;
  /** Default the process-wide `CLI_CIRCUIT_BREAKER`, read on each call. */
  breaker?: Provider<CircuitBreaker>;
  /** Default `RetryOptions` defaults. */
  retry?: RetryOptions;
  /** Wrap in `withTracing` (outermost). Default true. */
  tracing?: boolean;
}

/**
 * The CLI with every reliability decorator, in the order that suits it:
 * `withTracing(withRetry(withCircuitBreaker(withRateLimit(cli))))`. Outermost tracing makes one span per call,
 * carrying every decorator's attributes; each retry goes through the breaker and takes a new permit (each is an
 * API call); the breaker sees each attempt.
 */
export function createReliableExecutor(options: ReliableExecutorOptions = {}): Executor {
  const limited = withRateLimit(
    options.inner ?? new CliExecutor(),
    options.limiter ?? (() => runtime.get(LIMITER)),
  );
  const guarded = withCircuitBreaker(limited, options.breaker ?? (() => runtime.get(CLI_CIRCUIT_BREAKER)));
  const retried = withRetry(guarded, options.retry);
  return options.tracing === false ? retried : withTracing(retried);
}
