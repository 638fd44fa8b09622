import { withTracing } from '@ccflow/core';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Gated, settle } from '../test/gated.ts';
import { POOL_METRICS, POOL_SPAN } from './pool-telemetry.ts';
import { ProcessPool } from './process-pool.ts';

class TestMetricReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
  async points(name: string): Promise<DataPoint<unknown>[]> {
    const { resourceMetrics } = await this.collect();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const m of scope.metrics)
        if (m.descriptor.name === name) return m.dataPoints as DataPoint<unknown>[];
    return [];
  }
}

const manager = new AsyncLocalStorageContextManager();
beforeAll(() => context.setGlobalContextManager(manager.enable()));
afterAll(() => {
  manager.disable();
  context.disable();
});

describe('pool telemetry', () => {
  it('composes with withTracing: a span per task, under the submitter’s span, with the execution’s span inside', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
      't',
    );
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: withTracing(gated.executor, tracer), tracer });
    const parent = tracer.startSpan('request');
    const [a, b] = context.with(trace.setSpan(context.active(), parent), () => [
      pool.submit('a'),
      pool.submit('b'),
    ]);
    await new Promise((r) => setTimeout(r, 30));
    gated.release('a');
    gated.release('b');
    await Promise.all([a!.done, b!.done]);
    parent.end();

    const spans = exporter.getFinishedSpans();
    const tasks = spans.filter((s) => s.name === POOL_SPAN.task);
    expect(tasks).toHaveLength(2);
    const second = tasks.find((s) => s.attributes[POOL_SPAN.taskId] === b!.id)!;
    expect(second.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(second.attributes).toMatchObject({ [POOL_SPAN.kind]: 'process', [POOL_SPAN.status]: 'done' });
    expect(second.attributes[POOL_SPAN.waitMs] as number).toBeGreaterThanOrEqual(25);
    expect(second.events.map((e) => e.name)).toEqual([POOL_SPAN.started]);
    const executions = spans.filter((s) => s.name === 'invoke_agent');
    expect(executions).toHaveLength(2);
    for (const task of tasks) {
      const inside = executions.filter((s) => s.parentSpanContext?.spanId === task.spanContext().spanId);
      expect(inside).toHaveLength(1);
    }
  });

  it('a failed task’s span has the error type; a cancelled one says so without an error status', async () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
      't',
    );
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, taskTimeoutMs: 20, executor: gated.executor, tracer });
    const slow = pool.submit('slow');
    const queued = pool.submit('queued');
    queued.cancel();
    await slow.done;
    const [cancelled, failed] = exporter.getFinishedSpans();
    expect(cancelled?.attributes).toMatchObject({
      [POOL_SPAN.status]: 'cancelled',
      [POOL_SPAN.errorType]: 'POOL_TASK_CANCELLED',
    });
    expect(cancelled?.status.code).toBe(0);
    expect(failed?.attributes).toMatchObject({
      [POOL_SPAN.status]: 'failed',
      [POOL_SPAN.errorType]: 'CLI_TIMEOUT',
    });
    expect(failed?.status.code).toBe(2);
  });

  it('metrics: queue length and running tasks as they change, task and wait durations, refusals', async () => {
    const reader = new TestMetricReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('t');
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, queueSize: 1, executor: gated.executor, meter });
    const level = async (name: string) => (await reader.points(name))[0]?.value;
    const a = pool.submit('a');
    const b = pool.submit('b');
    expect(() => pool.submit('c')).toThrow();
    await settle();
    expect(await level(POOL_METRICS.running)).toBe(1);
    expect(await level(POOL_METRICS.queued)).toBe(1);
    expect(await level(POOL_METRICS.rejected)).toBe(1);
    gated.release('a');
    gated.release('b');
    await Promise.all([a.done, b.done]);
    expect(await level(POOL_METRICS.running)).toBe(0);
    expect(await level(POOL_METRICS.queued)).toBe(0);
    const [durations] = await reader.points(POOL_METRICS.duration);
    expect(durations?.attributes).toEqual({ [POOL_SPAN.kind]: 'process', [POOL_SPAN.status]: 'done' });
    expect(durations?.value).toMatchObject({ count: 2 });
    const [waits] = await reader.points(POOL_METRICS.waitDuration);
    expect(waits?.value).toMatchObject({ count: 2 });
  });
});
