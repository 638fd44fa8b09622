import { mockLines, type RedisServer, startRedis } from '@ccflow/testing';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QUEUE_SPAN, QueueExecutor, startWorker } from '../src/index.ts';
import { collect, ScriptExecutor } from './script-executor.ts';

let redis: RedisServer;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const manager = new AsyncLocalStorageContextManager();

beforeAll(async () => {
  redis = await startRedis();
  context.setGlobalContextManager(manager.enable());
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
});
afterAll(async () => {
  trace.disable();
  propagation.disable();
  context.disable();
  await redis?.stop();
});

it('the worker’s spans join the caller’s trace: its context travels in the job', async () => {
  const seen: { traceId: string; spanId: string }[] = [];
  const worker = await startWorker({
    connection: redis.url,
    queueName: 'traced',
    executor: new ScriptExecutor(async function* (_r, _run, emit) {
      const active = trace.getActiveSpan()?.spanContext();
      if (active) seen.push({ traceId: active.traceId, spanId: active.spanId });
      yield emit(mockLines.result({ result: 'ok' }));
    }),
  });
  const producer = new QueueExecutor({ connection: redis.url, queueName: 'traced' });
  const caller = provider.getTracer('test').startSpan('caller');
  await context.with(trace.setSpan(context.active(), caller), () =>
    collect(producer.execute({ prompt: 'hi' })),
  );
  caller.end();
  await producer.close();
  await worker.close();

  const spans = exporter.getFinishedSpans();
  const processSpan = spans.find((s) => s.name === QUEUE_SPAN.process)!;
  expect(processSpan).toBeDefined();
  expect(processSpan.spanContext().traceId).toBe(caller.spanContext().traceId);
  expect(processSpan.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  expect(processSpan.attributes['ccflow.queue.worker_id']).toBe(worker.id);
  // What the executor runs sees the worker's span as its parent, in the caller's trace.
  expect(seen).toEqual([{ traceId: caller.spanContext().traceId, spanId: processSpan.spanContext().spanId }]);
});
