import {
  CliExecutor,
  CliNotFoundError,
  CliTimeoutError,
  ConfigurationError,
  withTracing,
} from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import {
  CircuitBreakerError,
  MemoryCircuitBreaker,
  withCircuitBreaker,
  withRetry,
} from '@ccflow/reliability';
import { MessagesApiStandIn, reply } from '@ccflow/testing';
import { context, metrics } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  APIClient,
  APIOverloadedError,
  FALLBACK_TELEMETRY,
  FallbackExecutor,
  type FallbackExecutorOptions,
} from '../src/index.ts';

const KEY = 'sk-ant-fallback-test-key-0123456789';
/** A CLI that is not there: `CliExecutor` throws `CliNotFoundError` before it spawns anything. */
const MISSING_CLI = '/nonexistent/ccflow-test/claude';

class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
  async points(name: string): Promise<DataPoint<number>[]> {
    const { resourceMetrics } = await this.collect();
    return resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .filter((m) => m.descriptor.name === name)
      .flatMap((m) => m.dataPoints as DataPoint<number>[]);
  }
}

let api: MessagesApiStandIn;
const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
  't',
);
const manager = new AsyncLocalStorageContextManager();
const reader = new Reader();
beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  context.setGlobalContextManager(manager.enable());
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(async () => {
  manager.disable();
  context.disable();
  metrics.disable();
  await api.close();
});
beforeEach(() => api.reset());
afterEach(() => exporter.reset());

function apiClient(): APIClient {
  return new APIClient({ apiKey: KEY, baseUrl: api.url, maxRetries: 0 });
}

function fallback(options: FallbackExecutorOptions = {}): FallbackExecutor {
  return new FallbackExecutor({
    cli: new CliExecutor({ cliPath: MISSING_CLI }),
    api: apiClient(),
    ...options,
  });
}

async function run(stream: AsyncIterable<Message>): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of stream) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

function openBreaker(): MemoryCircuitBreaker {
  const breaker = new MemoryCircuitBreaker({ failureThreshold: 1, resetTimeoutMs: 60_000 }, 'cli');
  breaker.call().failure(new CliTimeoutError({ message: 'timed out', timeoutMs: 1 }));
  expect(breaker.state).toBe('open');
  return breaker;
}

describe('FallbackExecutor', () => {
  it('a missing CLI: the API serves, marked on the span and counted', async () => {
    api.enqueue(reply.text('from the API'));
    const traced = withTracing(fallback(), tracer);
    const { messages, error } = await run(traced.execute({ prompt: 'hi' }));
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({
      type: 'result',
      result: 'from the API',
      raw: { ccflow_served_by: 'api' },
    });
    expect(api.messageRequests).toHaveLength(1);
    const [span] = exporter.getFinishedSpans();
    expect(span?.attributes).toMatchObject({
      [FALLBACK_TELEMETRY.servedBy]: 'api',
      [FALLBACK_TELEMETRY.reason]: 'cli_not_found',
      'gen_ai.usage.output_tokens': expect.any(Number),
    });
    const points = await reader.points(FALLBACK_TELEMETRY.executions);
    expect(points.find((p) => p.attributes[FALLBACK_TELEMETRY.reason] === 'cli_not_found')?.value).toBe(1);
  });

  it('an open circuit: the API serves; the CLI is never started', async () => {
    api.enqueue(reply.text('served while the CLI rests'));
    const breaker = openBreaker();
    // The CLI here exists nowhere either: had the breaker let it through, it would say CliNotFoundError.
    const cli = withCircuitBreaker(new CliExecutor({ cliPath: MISSING_CLI }), breaker);
    const traced = withTracing(fallback({ cli }), tracer);
    const { messages, error } = await run(traced.execute({ prompt: 'hi' }));
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({ result: 'served while the CLI rests' });
    expect(exporter.getFinishedSpans()[0]?.attributes[FALLBACK_TELEMETRY.reason]).toBe('circuit_open');
    expect(breaker.getStats().totalRejected).toBe(1);
  });

  it('falls back only as configured, and never when the caller forces the CLI', async () => {
    const off = await run(fallback({ fallbackOnCliUnavailable: false }).execute({ prompt: 'hi' }));
    expect(CliNotFoundError.isInstance(off.error)).toBe(true);
    const cli = withCircuitBreaker(new CliExecutor({ cliPath: MISSING_CLI }), openBreaker());
    const closed = await run(fallback({ cli, fallbackOnCircuitOpen: false }).execute({ prompt: 'hi' }));
    expect(CircuitBreakerError.isInstance(closed.error)).toBe(true);
    const forced = await run(fallback().execute({ prompt: 'hi' }, { forceCli: true }));
    expect(CliNotFoundError.isInstance(forced.error)).toBe(true);
    expect(api.requests).toEqual([]);
  });

  it('forceApi goes straight to the API; forceApi with forceCli is refused', async () => {
    api.enqueue(reply.text('forced'));
    const traced = withTracing(
      fallback({ cli: withCircuitBreaker(new CliExecutor(), openBreaker()) }),
      tracer,
    );
    const f = fallback();
    const { messages } = await run(f.execute({ prompt: 'hi' }, { forceApi: true }));
    expect(messages.at(-1)).toMatchObject({ result: 'forced' });
    expect(() => f.execute({ prompt: 'hi' }, { forceApi: true, forceCli: true })).toThrow(ConfigurationError);
    expect(traced.capabilities).toEqual({ resume: true, tools: true, host: true });
  });

  it('no fallback for a request the API cannot serve, without a key, or after an abort: the CLI error stands', async () => {
    const tools = await run(fallback().execute({ prompt: 'hi', options: { allowedTools: ['Bash'] } }));
    expect(CliNotFoundError.isInstance(tools.error)).toBe(true);
    const session = await run(
      fallback().execute({ prompt: 'hi', options: { sessionId: '0b7c6a52-3d1e-4f7a-9c1b-2a3b4c5d6e7f' } }),
    );
    expect(CliNotFoundError.isInstance(session.error)).toBe(true);
    const noKey = new APIClient({ env: {}, baseUrl: api.url });
    const keyless = await run(fallback({ api: noKey }).execute({ prompt: 'hi' }));
    expect(CliNotFoundError.isInstance(keyless.error)).toBe(true);
    expect(api.requests).toEqual([]);
  });

  it('the API’s errors are the reliability rules’: a 529 on the API path is retried', async () => {
    api.enqueue(reply.overloaded(), reply.text('second try'));
    const retried = withRetry(fallback(), { baseDelayMs: 1, maxDelayMs: 2 });
    const { messages, error } = await run(retried.execute({ prompt: 'hi' }));
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({ result: 'second try' });
    expect(api.messageRequests).toHaveLength(2);
    api.enqueue(reply.overloaded());
    const once = await run(fallback().execute({ prompt: 'hi' }));
    expect(APIOverloadedError.isInstance(once.error)).toBe(true);
  });
});
