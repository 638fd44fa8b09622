import { type Executor, withTracing } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CombinedLimiter } from '../src/combined-limiter.ts';
import { CircuitBreakerError } from '../src/errors.ts';
import { MemoryCircuitBreaker } from '../src/memory-circuit-breaker.ts';
import { FakeClock } from '../src/testing/fake-clock.ts';
import { withCircuitBreaker } from '../src/with-circuit-breaker.ts';
import { withRateLimit } from '../src/with-rate-limit.ts';
import { withRetry } from '../src/with-retry.ts';
import { collect, shape } from './collect.ts';
import { lines } from './lines.ts';

/**
 * The decorators composed in every order over a scripted executor: the caller always sees one clean run, each
 * decorator does its part, and each leaves its attributes on the execution's span.
 */

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const tracer = provider.getTracer('test');
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => context.setGlobalContextManager(manager.enable()));
afterAll(() => {
  manager.disable();
  context.disable();
});
afterEach(() => exporter.reset());

type Name = 'rateLimit' | 'breaker' | 'retry';
const permutations = (items: Name[]): Name[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((x, i) => permutations(items.filter((_, j) => j !== i)).map((p) => [x, ...p]));

function compose(order: Name[], inner: Executor) {
  const clock = new FakeClock();
  const limiter = new CombinedLimiter({ rate: 10, maxConcurrent: 2, clock });
  const breaker = new MemoryCircuitBreaker({ failureThreshold: 5, clock }, 'cli');
  const decorate: Record<Name, (e: Executor) => Executor> = {
    rateLimit: (e) => withRateLimit(e, limiter),
    breaker: (e) => withCircuitBreaker(e, breaker),
    retry: (e) => withRetry(e, { clock, baseDelayMs: 100, random: () => 0.5 }),
  };
  // `order` is outermost first.
  const executor = order.reduceRight<Executor>((e, name) => decorate[name](e), inner);
  return { executor: withTracing(executor, tracer), clock, limiter, breaker };
}

const scripted = () =>
  new MockExecutor([
    [mockLines.init(), lines.apiRetry(1), lines.apiErrorNotice(529), lines.apiErrorResult(529)],
    [mockLines.init(), mockLines.text('hello'), mockLines.result({ result: 'hello' })],
  ]);

describe('composition in any order', () => {
  for (const order of permutations(['rateLimit', 'breaker', 'retry'])) {
    it(`${order.join(' > ')}: one clean run, each decorator doing its part, each setting its span attributes`, async () => {
      const inner = scripted();
      const { executor, clock, limiter, breaker } = compose(order, inner);
      const done = collect(executor.execute({ prompt: 'p' }));
      await clock.runAll();
      const r = await done;
      expect(r.error).toBeUndefined();
      expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:hello', 'result']);
      expect(inner.requests).toHaveLength(2);

      // A decorator inside the retry sees every attempt; outside it, one call.
      const inside = (name: Name) => order.indexOf(name) > order.indexOf('retry');
      expect(limiter.getStats().acquired).toBe(inside('rateLimit') ? 2 : 1);
      expect(breaker.getStats()).toMatchObject(
        inside('breaker') ? { totalFailures: 1, totalSuccesses: 1 } : { totalFailures: 0, totalSuccesses: 1 },
      );

      const [span] = exporter.getFinishedSpans();
      expect(span?.name).toBe('invoke_agent');
      expect(span?.attributes).toMatchObject({
        'ccflow.rate_limit.wait_ms': 0,
        'ccflow.circuit.name': 'cli',
        'ccflow.circuit.state': 'closed',
        'ccflow.retry.attempt': 2,
      });
      expect(span?.events.map((e) => [e.name, e.attributes])).toEqual([
        [
          'ccflow.retry',
          { 'ccflow.retry.attempt': 1, 'ccflow.retry.delay_ms': 50, 'error.type': 'CLI_EXECUTION' },
        ],
      ]);
    });
  }

  it('an open circuit inside the retry ends the call at once: CircuitBreakerError is not retried', async () => {
    const inner = scripted();
    const clock = new FakeClock();
    const breaker = new MemoryCircuitBreaker({ failureThreshold: 1, clock }, 'cli');
    const executor = withRetry(withCircuitBreaker(inner, breaker), { clock, baseDelayMs: 10 });
    const done = collect(executor.execute({ prompt: 'p' }));
    await clock.runAll();
    const r = await done;
    expect(CircuitBreakerError.isInstance(r.error)).toBe(true);
    expect(r.messages).toEqual([]);
    expect(inner.requests).toHaveLength(1);
  });

  it('the span says how long the limiter made a call wait, and when a limit or an open circuit refused it', async () => {
    const clock = new FakeClock();
    const limiter = new CombinedLimiter({
      rate: 1,
      rateType: 'token_bucket',
      burst: 1,
      waitTimeoutMs: 1500,
      clock,
    });
    const breaker = new MemoryCircuitBreaker({ failureThreshold: 1, clock }, 'cli');
    const ok = () => [mockLines.init(), mockLines.result()];
    const inner = new MockExecutor([
      ok(),
      ok(),
      [mockLines.init(), lines.apiErrorNotice(529), lines.apiErrorResult(529)],
    ]);
    const executor = withTracing(withRateLimit(withCircuitBreaker(inner, breaker), limiter), tracer);
    const run = async () => {
      const done = collect(executor.execute({ prompt: 'p' }));
      await clock.runAll();
      return done;
    };
    await run();
    await run(); // waits 1000 ms for its permit
    await Promise.all([run(), run()]); // the first waits 1000 ms and fails (529), the second finds no permit in time
    await clock.advance(1000);
    await run(); // the circuit is open
    const spans = exporter.getFinishedSpans().map((s) => s.attributes);
    expect(
      spans.map((a) => [
        a['ccflow.rate_limit.wait_ms'],
        a['ccflow.rate_limit.rejected'],
        a['ccflow.circuit.state'],
      ]),
    ).toEqual([
      [0, undefined, 'closed'],
      [1000, undefined, 'closed'],
      [1000, undefined, 'closed'],
      [undefined, true, undefined],
      [0, undefined, 'open'],
    ]);
    expect(exporter.getFinishedSpans()[4]?.attributes['error.type']).toBe('CIRCUIT_OPEN');
  });

  it('without withTracing the attributes land on the caller’s active span', async () => {
    const { executor, clock } = compose(['retry', 'breaker', 'rateLimit'], scripted());
    const inner = (executor as unknown as { inner: Executor }).inner;
    await tracer.startActiveSpan('caller', async (span) => {
      const done = collect(inner.execute({ prompt: 'p' }));
      await clock.runAll();
      await done;
      span.end();
    });
    const caller = exporter.getFinishedSpans().find((s) => s.name === 'caller');
    expect(caller?.attributes).toMatchObject({
      'ccflow.circuit.state': 'closed',
      'ccflow.retry.attempt': 2,
      'ccflow.rate_limit.wait_ms': 0,
    });
    expect(trace.getActiveSpan()).toBeUndefined();
  });
});
