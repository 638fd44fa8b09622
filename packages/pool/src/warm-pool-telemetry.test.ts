import { runTurn } from '@ccflow/core';
import { metrics, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, expect, it } from 'vitest';
import { fakeSpawner } from '../test/fake-cli.ts';
import { meterProvider } from '../test/metric-reader.ts';
import { WarmPool, type WarmPoolOptions } from './warm-pool.ts';
import { WARM_POOL_METRICS as M, WARM_POOL_SPAN } from './warm-pool-metrics.ts';

afterEach(() => {
  metrics.disable();
  trace.disable();
});

it('reports spawns, resets, evictions, waits and processes by state, and a span per acquire', async () => {
  const spans = new InMemorySpanExporter();
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }),
  );
  const { spawn } = fakeSpawner();
  // Made before the meter provider is registered: it still reports to it.
  const pool = new WarmPool({ minProcesses: 0, maxProcesses: 1, spawn: spawn as WarmPoolOptions['spawn'] });
  const { provider, reader } = meterProvider();
  metrics.setGlobalMeterProvider(provider);

  const first = await pool.open({});
  for await (const _ of runTurn(first.connection, { prompt: 'q' })); // not a `break`: that closes the connection
  const waiting = pool.open({}); // the only process is busy
  await first.release();
  const second = await waiting; // after its reset
  expect(await reader.points(M.processes)).toContainEqual(
    expect.objectContaining({ value: 1, attributes: { [M.state]: 'busy' } }),
  );
  await second.release({ reusable: false });

  const sum = async (name: string) =>
    (await reader.points(name)).reduce((n, p) => n + (p.value as number), 0);
  expect(await sum(M.spawns)).toBe(1);
  expect(await sum(M.resets)).toBe(1);
  expect(await sum(M.waits)).toBe(1);
  expect((await reader.points(M.evictions)).map((p) => p.attributes)).toEqual([{ [M.reason]: 'unfit' }]);
  const acquires = spans.getFinishedSpans().filter((s) => s.name === WARM_POOL_SPAN.acquire);
  expect(acquires.map((s) => s.attributes['ccflow.warm_pool.reused'])).toEqual([false, true]);
  expect(spans.getFinishedSpans().filter((s) => s.name === WARM_POOL_SPAN.reset)).toHaveLength(1);
  await pool.close();
});
