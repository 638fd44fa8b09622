import {
  type ExecuteRequest,
  type Executor,
  ExecutorDecorator,
  errorFromResult,
  runtime,
} from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import type { CircuitBreaker, CircuitPermit } from './circuit-breaker.ts';
import { CircuitState } from './circuit-state.ts';
import { CLI_CIRCUIT_BREAKER } from './defaults.ts';
import { CircuitBreakerError } from './errors.ts';
import { type Provider, provide } from './provider.ts';
import { activeSpan, RELIABILITY_ATTR } from './span-attributes.ts';

/**
 * Runs each execution through `breaker`. While the circuit is open the stream throws `CircuitBreakerError` before
 * any message. Outcomes:
 * - a successful `result` is a success, counted as it arrives (a consumer may stop reading at the result);
 * - a failed `result` from the CLI (e.g. 529 after the CLI's own retries) is a failure if the breaker's
 *   `isFailure` says so of `errorFromResult(result)`; ccflow's synthetic result is left to the error thrown after it;
 * - a thrown error is a failure if `isFailure` says so of it;
 * - an abort of the request's signal, or a consumer leaving the loop before the result, counts for nothing.
 * Sets `ccflow.circuit.name` and `ccflow.circuit.state` on the active span.
 */
class CircuitBreakerExecutor extends ExecutorDecorator {
  readonly #breaker: Provider<CircuitBreaker>;

  constructor(inner: Executor, breaker: Provider<CircuitBreaker>) {
    super(inner);
    this.#breaker = breaker;
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const breaker = provide(this.#breaker);
    const span = activeSpan();
    span?.setAttribute(RELIABILITY_ATTR.circuitName, breaker.name);
    let permit: CircuitPermit;
    try {
      permit = await breaker.call();
    } catch (error) {
      if (CircuitBreakerError.isInstance(error))
        span?.setAttribute(RELIABILITY_ATTR.circuitState, CircuitState.OPEN);
      throw error;
    }
    span?.setAttribute(RELIABILITY_ATTR.circuitState, permit.state);
    try {
      for await (const m of this.inner.execute(request)) {
        if (m.type === 'result') {
          if (!m.isError) permit.success();
          else if (m.raw.ccflow_synthetic !== true && !request.signal?.aborted) {
            permit.failure(errorFromResult(m));
          }
        }
        yield m;
      }
    } catch (error) {
      if (!request.signal?.aborted) permit.failure(error);
      throw error;
    } finally {
      permit.release();
    }
  }
}

/** See {@link CircuitBreakerExecutor}. Default breaker: the process-wide one (`CLI_CIRCUIT_BREAKER`, read on each call). */
export function withCircuitBreaker(
  executor: Executor,
  breaker: Provider<CircuitBreaker> = () => runtime.get(CLI_CIRCUIT_BREAKER),
): Executor {
  return new CircuitBreakerExecutor(executor, breaker);
}
