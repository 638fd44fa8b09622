import { runtime } from '@ccflow/core';
import { metrics } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { meterProvider } from '../test/metric-reader.ts';
import { UnknownModelError } from './errors.ts';
import { USAGE_METRICS } from './usage-metrics.ts';
import { trackUsage, USAGE_TRACKER } from './usage-tracker.ts';

afterEach(() => {
  runtime.reset(USAGE_TRACKER);
  metrics.disable();
});

describe('the process-wide usage tracker', () => {
  it('is one tracker for the process', () => {
    expect(runtime.get(USAGE_TRACKER)).toBe(runtime.get(USAGE_TRACKER));
  });

  it('adds what trackUsage is given and returns its cost', () => {
    expect(trackUsage('sonnet', 1000, 100)).toBe(0.003);
    expect(trackUsage('opus', 0, 0, { cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 })).toBe(8);
    const t = runtime.get(USAGE_TRACKER);
    expect(t.requestCount).toBe(2);
    expect(t.totalCostUsd).toBe(8.003);
    expect(t.model('sonnet')?.inputTokens).toBe(1000);
  });

  it('refuses an unknown model unless told its cost', () => {
    expect(() => trackUsage('claude-foo-9', 1, 1)).toThrow(UnknownModelError);
    expect(trackUsage('claude-foo-9', 1, 1, { reportedCostUsd: 0.5 })).toBe(0.5);
    expect(runtime.get(USAGE_TRACKER).toDict().unpricedModels).toEqual(['claude-foo-9']);
  });

  it('zeroes in place with reset(); runtime.reset(USAGE_TRACKER) starts a new one', () => {
    const held = runtime.get(USAGE_TRACKER);
    trackUsage('haiku', 10, 10);
    held.reset();
    expect(held.requestCount).toBe(0);
    expect(runtime.get(USAGE_TRACKER)).toBe(held);
    runtime.reset(USAGE_TRACKER);
    trackUsage('haiku', 10, 10);
    expect(runtime.get(USAGE_TRACKER)).not.toBe(held);
    expect(held.requestCount).toBe(0);
    expect(runtime.get(USAGE_TRACKER).requestCount).toBe(1);
  });

  it('records the token and cost metrics on the global provider', async () => {
    const { provider, reader } = meterProvider();
    metrics.setGlobalMeterProvider(provider);
    trackUsage('sonnet', 1000, 100, { cacheReadTokens: 20, cacheWriteTokens: 30 });
    const tokens = await reader.points(USAGE_METRICS.tokenUsage);
    const input = tokens.find((p) => p.attributes['gen_ai.token.type'] === 'input')!;
    expect((input.value as Histogram).sum).toBe(1050);
    expect(input.attributes).toMatchObject({
      'gen_ai.request.model': 'sonnet',
      'gen_ai.response.model': 'claude-sonnet-5-5',
    });
    const [cost] = await reader.points(USAGE_METRICS.cost);
    expect(cost!.value).toBeCloseTo(0.003077, 12);
  });
});
