import { type ExecuteRequest, type Executor, ExecutorDecorator, errorFromResult } from '@ccflow/core';
import type { Message, ResultMessage } from '@ccflow/parser';
import { decideRetry, exhaustedError, type RetryDecision, type RetryOptions, retryPolicy } from './retry.ts';
import { activeSpan, errorType, RELIABILITY_ATTR, RETRY_EVENT } from './span-attributes.ts';

/**
 * Messages that may be held back from the caller while a turn has produced nothing yet: they carry no model output
 * and no tool ran. The CLI's `init`, its `status` notices, its own `api_retry` notices, its `rate_limit_event`
 * reports, and the `assistant` notice it prints for an API error (model `<synthetic>`, `error` set: not model
 * output, the result carries the error).
 */
export function isPreamble(m: Message): boolean {
  if (m.type === 'system') return m.subtype === 'init' || m.subtype === 'status' || m.subtype === 'api_retry';
  if (m.type === 'rate_limit_event') return true;
  return m.type === 'assistant' && m.error !== undefined;
}

/**
 * Whether running the request again would repeat or collide with what its failed attempt left on disk, once the
 * CLI has started (printed `init`): a chosen `sessionId` is then taken (a second run fails with "already in use"),
 * and a resumed or continued session (not forked) already holds the prompt (a second run would send it twice).
 */
function retryWouldTouchSession(request: ExecuteRequest): boolean {
  const o = request.options ?? {};
  if (o.sessionId !== undefined) return true;
  return (o.resume !== undefined || o.continueSession === true) && o.forkSession !== true;
}

/**
 * Retries an execution only while nothing of it has reached the caller, so a retry never repeats output or tool
 * side effects. The rule, per attempt:
 *
 * 1. Preamble messages ({@link isPreamble}: `init`, `status`, `api_retry`, `rate_limit_event`, the CLI's API-error
 *    notice) are held
 *    back; the first other message commits the attempt: the held messages are yielded, then everything as it comes.
 * 2. A failed `result` before any such message is held too: it is the turn failing before any output (e.g. 529
 *    after the CLI's own retries).
 * 3. An attempt that ends uncommitted with an error (thrown, or else the held result's `errorFromResult`) is retried
 *    when the `RetryOptions` says the error is retryable (default: ccflow errors with `isRetryable`), retries are
 *    left, the request's signal has not aborted, and {@link retryWouldTouchSession} is false or the attempt never
 *    printed `init`. Its held messages are dropped: the caller sees one clean run.
 * 4. Otherwise the held messages are yielded and the attempt ends as the inner stream did (its error rethrown, or a
 *    failed result as the last message); when retries ran out, `RetryExhaustedError` (every attempt's error) is
 *    thrown after them.
 * 5. After a commit nothing is retried: an error propagates as it is.
 *
 * The backoff is `RetryOptions`'s (full jitter, `retryAfterMs` honoured); the request's signal ends it, with the last
 * attempt's held messages yielded first. Sets `ccflow.retry.attempt` on the active span and adds a `ccflow.retry`
 * event per retry.
 */
class RetryingExecutor extends ExecutorDecorator {
  readonly #policy: ReturnType<typeof retryPolicy>;

  constructor(inner: Executor, config: RetryOptions = {}) {
    super(inner);
    this.#policy = retryPolicy(config);
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const policy = this.#policy;
    const span = activeSpan();
    const errors: unknown[] = [];
    for (let attempt = 1; ; attempt++) {
      span?.setAttribute(RELIABILITY_ATTR.retryAttempt, attempt);
      const held: Message[] = [];
      let committed = false;
      let started = false;
      let failedResult: ResultMessage | undefined;
      let thrown: { error: unknown } | undefined;
      let stream: AsyncIterator<Message> | undefined;
      try {
        stream = this.inner.execute(request)[Symbol.asyncIterator]();
        for (;;) {
          const step = await stream.next();
          if (step.done) break;
          const m = step.value;
          if (!committed) {
            if (m.type === 'system' && m.subtype === 'init') started = true;
            if (isPreamble(m) || (m.type === 'result' && m.isError && failedResult === undefined)) {
              if (m.type === 'result') failedResult = m;
              held.push(m);
              continue;
            }
            committed = true;
            for (const h of held.splice(0)) yield h;
          }
          yield m;
        }
      } catch (error) {
        if (committed) throw error;
        thrown = { error };
      } finally {
        await stream?.return?.();
      }
      if (committed) return;

      const failure = thrown ? thrown.error : failedResult && errorFromResult(failedResult);
      if (failure === undefined) {
        // Ended with nothing but preamble: nothing failed, nothing to retry.
        for (const h of held) yield h;
        return;
      }
      errors.push(failure);
      let decision: RetryDecision = decideRetry(policy, failure, attempt);
      if (request.signal?.aborted || (started && retryWouldTouchSession(request)))
        decision = { kind: 'rethrow' };

      if (decision.kind === 'retry') {
        policy.onRetry?.({ retry: attempt, error: failure, delayMs: decision.delayMs });
        span?.addEvent(RETRY_EVENT, {
          [RELIABILITY_ATTR.retryAttempt]: attempt,
          [RELIABILITY_ATTR.retryDelayMs]: Math.round(decision.delayMs),
          [RELIABILITY_ATTR.errorType]: errorType(failure),
        });
        try {
          await policy.clock.sleep(decision.delayMs, request.signal);
        } catch (reason) {
          for (const h of held) yield h;
          throw reason;
        }
        continue;
      }
      for (const h of held) yield h;
      if (decision.kind === 'exhausted') {
        span?.setAttribute(RELIABILITY_ATTR.retryExhausted, true);
        throw exhaustedError(errors, decision.reason);
      }
      if (thrown) throw thrown.error;
      return;
    }
  }
}

/** See {@link RetryingExecutor}. */
export function withRetry(executor: Executor, config?: RetryOptions): Executor {
  return new RetryingExecutor(executor, config);
}
