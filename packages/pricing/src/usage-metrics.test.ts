import { metrics } from '@opentelemetry/api';
import { DataPointType, type Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { meterProvider } from '../test/metric-reader.ts';
import { Money } from './money.ts';
import { USAGE_METRICS, UsageMetrics } from './usage-metrics.ts';

afterEach(() => metrics.disable());

describe('UsageMetrics', () => {
  it('records token usage as the GenAI histogram and cost as a ccflow counter, per model', async () => {
    const { provider, reader } = meterProvider();
    const m = new UsageMetrics(provider.getMeter('test'));
    m.record({
      requestModel: 'sonnet',
      responseModel: 'claude-sonnet-5-5',
      inputTokens: 1200,
      outputTokens: 80,
      cost: Money.fromUsd('0.0032'),
    });
    m.record({
      requestModel: 'sonnet',
      responseModel: 'claude-sonnet-5-5',
      inputTokens: 10,
      outputTokens: 5,
      cost: Money.fromUsd('0.00007'),
    });
    m.record({
      responseModel: 'claude-opus-4-6',
      inputTokens: 1,
      outputTokens: 1,
      cost: Money.fromUsd(1),
      provider: 'bedrock',
    });

    const all = await reader.metrics();
    const tokens = all.get(USAGE_METRICS.tokenUsage)!;
    expect(tokens.descriptor).toMatchObject({ name: 'gen_ai.client.token.usage', unit: '{token}' });
    expect(tokens.dataPointType).toBe(DataPointType.HISTOGRAM);
    const input = tokens.dataPoints.find(
      (p) =>
        p.attributes['gen_ai.token.type'] === 'input' &&
        p.attributes['gen_ai.response.model'] === 'claude-sonnet-5-5',
    )!;
    expect(input.attributes).toEqual({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'sonnet',
      'gen_ai.response.model': 'claude-sonnet-5-5',
      'gen_ai.token.type': 'input',
    });
    const h = input.value as Histogram;
    expect([h.count, h.sum]).toEqual([2, 1210]);
    // The conventions' advised buckets.
    expect(h.buckets.boundaries).toEqual([
      1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
    ]);

    const cost = all.get(USAGE_METRICS.cost)!;
    expect(cost.descriptor).toMatchObject({ name: 'ccflow.client.cost', unit: '{USD}' });
    expect(cost.dataPointType).toBe(DataPointType.SUM);
    const bySonnet = cost.dataPoints.find(
      (p) => p.attributes['gen_ai.response.model'] === 'claude-sonnet-5-5',
    )!;
    expect(bySonnet.value).toBeCloseTo(0.00327, 12);
    const byOpus = cost.dataPoints.find((p) => p.attributes['gen_ai.response.model'] === 'claude-opus-4-6')!;
    expect(byOpus.attributes['gen_ai.provider.name']).toBe('aws.bedrock');
    expect(byOpus.attributes['gen_ai.request.model']).toBeUndefined();
  });

  it('uses the global meter provider, even one registered after it was made', async () => {
    const m = new UsageMetrics();
    m.record({ responseModel: 'x', inputTokens: 1, outputTokens: 1, cost: Money.ZERO }); // no provider: a no-op
    const { provider, reader } = meterProvider();
    metrics.setGlobalMeterProvider(provider);
    m.record({
      responseModel: 'claude-haiku-5-5',
      inputTokens: 3,
      outputTokens: 4,
      cost: Money.fromUsd('0.0000023'),
    });
    const points = await reader.points(USAGE_METRICS.tokenUsage);
    expect(points.map((p) => (p.value as Histogram).sum).sort()).toEqual([3, 4]);
  });
});
