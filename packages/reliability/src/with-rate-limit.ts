import { type ExecuteRequest, type Executor, ExecutorDecorator, runtime } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { LIMITER } from './defaults.ts';
import type { Lease, Limiter } from './limiter.ts';
import { type Provider, provide } from './provider.ts';
import { activeSpan, RELIABILITY_ATTR } from './span-attributes.ts';

/**
 * Runs each execution holding a lease of `limiter`: it waits (first come, first served) before the inner executor
 * starts, and the lease is released when the stream ends however it ends (done, failed, aborted, or the consumer
 * left the loop). The request's `signal` also ends the wait. Sets `ccflow.rate_limit.wait_ms` on the active span.
 */
class RateLimitedExecutor extends ExecutorDecorator {
  readonly #limiter: Provider<Limiter>;

  constructor(inner: Executor, limiter: Provider<Limiter>) {
    super(inner);
    this.#limiter = limiter;
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const span = activeSpan();
    let lease: Lease;
    try {
      lease = await provide(this.#limiter).acquire({ signal: request.signal });
    } catch (error) {
      if (!request.signal?.aborted) span?.setAttribute(RELIABILITY_ATTR.rateLimitRejected, true);
      throw error;
    }
    span?.setAttribute(RELIABILITY_ATTR.rateLimitWaitMs, Math.round(lease.waitedMs));
    try {
      yield* this.inner.execute(request);
    } finally {
      lease.release();
    }
  }
}

/** See {@link RateLimitedExecutor}. Default limiter: the process-wide one (`LIMITER`, read on each call). */
export function withRateLimit(
  executor: Executor,
  limiter: Provider<Limiter> = () => runtime.get(LIMITER),
): Executor {
  return new RateLimitedExecutor(executor, limiter);
}
