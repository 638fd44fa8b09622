import { type Executor, runtime } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { metrics } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { meterProvider } from '../test/metric-reader.ts';
import { resultLine } from '../test/result-lines.ts';
import { USAGE_METRICS, UsageMetrics } from './usage-metrics.ts';
import { UsageStats } from './usage-stats.ts';
import { USAGE_TRACKER } from './usage-tracker.ts';
import { withUsageTracking } from './usage-tracking-executor.ts';

afterEach(() => {
  runtime.reset(USAGE_TRACKER);
  metrics.disable();
  vi.restoreAllMocks();
});

async function drain(executor: Executor, model?: string): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of executor.execute({ prompt: 'hi', options: model ? { model } : {} })) out.push(m);
  return out;
}

const sonnetTurn = (since: Record<string, unknown>) => [
  mockLines.init({ model: 'claude-sonnet-5-5' }),
  since,
];

describe('withUsageTracking', () => {
  it('adds each result’s per-model usage to the tracker before passing the result on', async () => {
    const tracker = new UsageStats();
    const inner = new MockExecutor([
      sonnetTurn(
        resultLine({
          totalCostUsd: 0.0031,
          modelUsage: {
            'claude-sonnet-5-5': { inputTokens: 1000, outputTokens: 100, costUSD: 0.003 },
            'claude-haiku-5-5': { inputTokens: 1000, outputTokens: 0, costUSD: 0.0001 },
          },
          since: {
            'claude-sonnet-5-5': {
              inputTokens: 1000,
              outputTokens: 100,
              costUSD: 0.003,
              canonicalModel: 'claude-sonnet-5-5',
            },
            'claude-haiku-5-5': {
              inputTokens: 1000,
              outputTokens: 0,
              costUSD: 0.0001,
              canonicalModel: 'claude-haiku-5-5',
            },
          },
        }),
      ),
    ]);
    const executor = withUsageTracking(inner, tracker, { metrics: false });
    let seenAtResult = -1;
    for await (const m of executor.execute({ prompt: 'hi' })) {
      if (m.type === 'result') seenAtResult = tracker.requestCount;
    }
    expect(seenAtResult).toBe(2);
    expect(tracker.toDict()).toMatchObject({
      requestCount: 2,
      inputTokens: 2000,
      totalCost: '$0.0031',
      models: {
        'claude-sonnet-5-5': { costUsd: 0.003, reportedCostUsd: 0.003, priced: true },
        'claude-haiku-5-5': { costUsd: 0.0001, reportedCostUsd: 0.0001, priced: true },
      },
    });
  });

  it('counts each turn of a multi-turn process once, from the running totals of an older CLI', async () => {
    const tracker = new UsageStats();
    const turn = (input: number, cost: number) =>
      sonnetTurn(resultLine({ modelUsage: { 'claude-sonnet-5-5': { inputTokens: input, costUSD: cost } } }));
    const executor = withUsageTracking(new MockExecutor([turn(1000, 0.002), turn(3000, 0.006)]), tracker, {
      metrics: false,
    });
    await drain(executor);
    await drain(executor);
    expect(tracker.model('sonnet')).toMatchObject({ requests: 2, inputTokens: 3000 });
    expect(tracker.totalCostUsd).toBe(0.006);
  });

  it('prices by the table, keeps the CLI figure beside it, and takes the CLI figure for unknown models', async () => {
    const tracker = new UsageStats();
    const inner = new MockExecutor([
      sonnetTurn(
        resultLine({
          since: {
            // The CLI's spelling of the model it ran, and a model it priced at a guess.
            'claude-opus-4-6[1m]': { inputTokens: 1_000_000, costUSD: 5, canonicalModel: 'claude-opus-4-6' },
            'claude-foo-9': { inputTokens: 10, costUSD: 0.00004, canonicalModel: 'claude-foo-9' },
          },
        }),
      ),
    ]);
    await drain(withUsageTracking(inner, tracker, { metrics: false }));
    expect(tracker.toDict()).toMatchObject({
      unpricedModels: ['claude-foo-9'],
      models: {
        'claude-opus-4-6': { costUsd: 5, priced: true },
        'claude-foo-9': { costUsd: 0.00004, priced: false },
      },
    });
  });

  it('prices fast mode and US-only inference from the turn’s usage', async () => {
    const tracker = new UsageStats();
    const inner = new MockExecutor([
      sonnetTurn(
        resultLine({
          usage: { speed: 'fast', inference_geo: 'us' },
          since: { 'claude-opus-5-5': { inputTokens: 1_000_000, costUSD: 8.8 } },
        }),
      ),
    ]);
    await drain(withUsageTracking(inner, tracker, { metrics: false }));
    expect(tracker.totalCostUsd).toBe(8.8);
  });

  it('uses the process-wide tracker and the global metrics by default', async () => {
    const { provider, reader } = meterProvider();
    metrics.setGlobalMeterProvider(provider);
    const inner = new MockExecutor([
      sonnetTurn(
        resultLine({
          since: {
            'claude-sonnet-5-5': {
              inputTokens: 10,
              outputTokens: 5,
              cacheReadInputTokens: 20,
              costUSD: 0.000072,
            },
            // A helper call on another model: not what was asked for.
            'claude-haiku-5-5': { inputTokens: 10, costUSD: 0.000001 },
          },
        }),
      ),
    ]);
    await drain(withUsageTracking(inner), 'sonnet');
    expect(runtime.get(USAGE_TRACKER).totalCostUsd).toBe(0.000073);
    const points = await reader.points(USAGE_METRICS.tokenUsage);
    const input = (model: string) =>
      points.find(
        (p) =>
          p.attributes['gen_ai.token.type'] === 'input' && p.attributes['gen_ai.response.model'] === model,
      )!;
    expect((input('claude-sonnet-5-5').value as Histogram).sum).toBe(30);
    expect(input('claude-sonnet-5-5').attributes['gen_ai.request.model']).toBe('sonnet');
    expect(input('claude-haiku-5-5').attributes['gen_ai.request.model']).toBe('claude-haiku-5-5');
  });

  it('records metrics through the UsageMetrics it is given', async () => {
    const { provider, reader } = meterProvider();
    const inner = new MockExecutor([
      sonnetTurn(resultLine({ since: { 'claude-haiku-5-5': { inputTokens: 10, costUSD: 0.000001 } } })),
    ]);
    await drain(
      withUsageTracking(inner, new UsageStats(), { metrics: new UsageMetrics(provider.getMeter('t')) }),
    );
    const [cost] = await reader.points(USAGE_METRICS.cost);
    expect(cost!.value).toBeCloseTo(0.000001, 15);
  });

  it('passes every message through unchanged, and never fails a query over tracking', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const broken = new UsageStats();
    vi.spyOn(broken, 'addUsage').mockImplementation(() => {
      throw new Error('boom');
    });
    const lines = sonnetTurn(
      resultLine({ since: { 'claude-sonnet-5-5': { inputTokens: 10, costUSD: 0.00002 } } }),
    );
    const plain = await drain(new MockExecutor([lines]));
    const tracked = await drain(withUsageTracking(new MockExecutor([lines]), broken, { metrics: false }));
    expect(tracked).toEqual(plain);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('boom'), { code: 'CCFLOW_USAGE_TRACKING' });
  });

  it('lets errors of the inner executor through, after tracking what came before', async () => {
    const tracker = new UsageStats();
    const inner = new MockExecutor([
      {
        lines: sonnetTurn(
          resultLine({ since: { 'claude-sonnet-5-5': { inputTokens: 10, costUSD: 0.00002 } } }),
        ),
        thenThrow: new Error('crash'),
      },
    ]);
    await expect(drain(withUsageTracking(inner, tracker, { metrics: false }))).rejects.toThrow('crash');
    expect(tracker.requestCount).toBe(1);
  });
});
