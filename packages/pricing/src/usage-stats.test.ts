import { runtime } from '@ccflow/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { costOf } from './calculate-cost.ts';
import { UnknownModelError } from './errors.ts';
import { Money } from './money.ts';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE } from './price-table.ts';
import { UsageStats } from './usage-stats.ts';

afterEach(() => runtime.reset(PRICE_TABLE));

describe('UsageStats', () => {
  it('adds usage per model, returns each cost, and counts requests', () => {
    const stats = new UsageStats();
    expect(stats.add('sonnet', 1000, 100)).toBe(0.003);
    expect(
      stats.add('claude-sonnet-5-5[1m]', 1000, 100, { cacheReadTokens: 500, cacheWriteTokens: 200 }),
    ).toBe(0.00355);
    expect(stats.add('haiku', 10, 10, { requests: 3 })).toBe(0.000006);
    expect(stats.requestCount).toBe(5);
    expect(stats.inputTokens).toBe(2010);
    expect(stats.outputTokens).toBe(210);
    expect(stats.cacheReadTokens).toBe(500);
    expect(stats.cacheWriteTokens).toBe(200);
    expect(stats.totalTokens).toBe(2010 + 210 + 500 + 200);
    expect(stats.totalCost.toString()).toBe('$0.006556');
    expect(stats.totalCostUsd).toBe(0.006556);
    expect([...stats.models.keys()]).toEqual(['claude-sonnet-5-5', 'claude-haiku-5-5']);
    expect(stats.model('sonnet')).toMatchObject({ requests: 2, inputTokens: 2000, priced: true });
    expect(stats.model('claude-opus-5-5')).toBeUndefined();
  });

  it('snapshots as JSON-safe data', () => {
    const stats = new UsageStats();
    stats.add('opus', 1000, 10, {
      cacheWriteTokens: 100,
      cacheWrite1hTokens: 40,
      webSearchRequests: 1,
      reportedCostUsd: 0.01482,
    });
    const dict = stats.toDict();
    expect(JSON.parse(JSON.stringify(dict))).toEqual(dict);
    expect(dict).toEqual({
      inputTokens: 1000,
      outputTokens: 10,
      cacheReadTokens: 0,
      cacheWriteTokens: 100,
      totalTokens: 1110,
      requestCount: 1,
      totalCostUsd: 0.01482,
      totalCost: '$0.01482',
      unpricedModels: [],
      models: {
        'claude-opus-5-5': {
          requests: 1,
          inputTokens: 1000,
          outputTokens: 10,
          cacheReadTokens: 0,
          cacheWriteTokens: 100,
          cacheWrite1hTokens: 40,
          webSearchRequests: 1,
          costUsd: 0.01482,
          cost: '$0.01482',
          reportedCostUsd: 0.01482,
          priced: true,
        },
      },
    });
  });

  it('throws for an unknown model unless told what it cost, and then marks it unpriced', () => {
    const stats = new UsageStats();
    expect(() => stats.add('claude-foo-9', 10, 10)).toThrow(UnknownModelError);
    expect(stats.requestCount).toBe(0);
    expect(stats.add('claude-foo-9', 10, 10, { reportedCostUsd: 0.25 })).toBe(0.25);
    expect(stats.toDict().unpricedModels).toEqual(['claude-foo-9']);
    expect(stats.model('claude-foo-9')).toMatchObject({ priced: false, requests: 1 });
  });

  it('prices a summed long prompt from the reported figure: its tier was judged per request', () => {
    const stats = new UsageStats();
    // Ten requests of 20k each: no request crossed Haiku 5.5's 100k, but the sum does.
    const standard = costOf('haiku', { inputTokens: 200_000, outputTokens: 0 }, { longPrompt: false });
    expect(stats.add('haiku', 200_000, 0, { summed: true, reportedCostUsd: standard.usd })).toBe(
      standard.usd,
    );
    expect(stats.add('haiku', 200_000, 0, { summed: true })).toBe(standard.usd);
    expect(stats.add('haiku', 200_000, 0)).toBe(0.1); // one request of 200k: the long-prompt rate
  });

  it('merges and resets', () => {
    const a = new UsageStats();
    const b = new UsageStats();
    a.add('sonnet', 100, 10);
    b.add('sonnet', 50, 5, { reportedCostUsd: 0.00015 });
    b.add('claude-foo-9', 1, 1, { reportedCostUsd: 1 });
    a.merge(b);
    expect(a.model('sonnet')).toMatchObject({ requests: 2, inputTokens: 150, outputTokens: 15 });
    expect(a.model('sonnet')?.reportedCost?.toString()).toBe('$0.00015');
    expect(a.totalCost.equals(Money.fromUsd('1.00045'))).toBe(true);
    expect(a.toDict().unpricedModels).toEqual(['claude-foo-9']);
    a.reset();
    expect(a.requestCount).toBe(0);
    expect(a.totalCost.equals(Money.ZERO)).toBe(true);
    expect(b.requestCount).toBe(2);
  });

  it('prices with its own table when given one, else the process-wide one at each add', () => {
    const cheap = DEFAULT_PRICE_TABLE.extend({ models: { sonnet: { input: 1, output: 1 } } });
    expect(new UsageStats({ prices: cheap }).add('sonnet', 1_000_000, 0)).toBe(1);
    const stats = new UsageStats();
    runtime.set(PRICE_TABLE, cheap);
    expect(stats.add('sonnet', 1_000_000, 0)).toBe(1);
  });

  it('sums a million small costs to exactly the cost of their tokens priced at once', () => {
    const stats = new UsageStats();
    for (let i = 0; i < 1_000_000; i++) stats.add('claude-opus-5-5', 7, 3, { cacheReadTokens: 1 });
    const once = costOf('claude-opus-5-5', {
      inputTokens: 7_000_000,
      outputTokens: 3_000_000,
      cacheReadTokens: 1_000_000,
    });
    expect(stats.totalCost.equals(once)).toBe(true);
    expect(stats.totalCostUsd).toBe(once.usd);
    // The same sum in floating-point dollars drifts.
    let float = 0;
    const each = costOf('claude-opus-5-5', { inputTokens: 7, outputTokens: 3, cacheReadTokens: 1 }).usd;
    for (let i = 0; i < 1_000_000; i++) float += each;
    expect(float).not.toBe(once.usd);
  });

  it('totals any sequence of additions to the cost of the summed tokens, per model (property)', () => {
    // Models without a long-prompt tier: for them a sum of requests costs what its requests cost.
    const models = DEFAULT_PRICE_TABLE.entries()
      .filter((e) => e.pricing.longPromptAbove === undefined)
      .map((e) => e.id);
    const tokens = fc.integer({ min: 0, max: 2_000_000 });
    const addition = fc.record({
      model: fc.constantFrom(...models),
      input: tokens,
      output: tokens,
      cacheRead: tokens,
      cacheWrite: tokens,
      batch: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(addition, { maxLength: 200 }), (adds) => {
        const stats = new UsageStats();
        for (const a of adds) {
          stats.add(a.model, a.input, a.output, {
            cacheReadTokens: a.cacheRead,
            cacheWriteTokens: a.cacheWrite,
            batch: a.batch,
          });
        }
        let expected = Money.ZERO;
        for (const model of new Set(adds.map((a) => a.model))) {
          for (const batch of [false, true]) {
            const mine = adds.filter((a) => a.model === model && a.batch === batch);
            const sum = (f: 'input' | 'output' | 'cacheRead' | 'cacheWrite') =>
              mine.reduce((n, a) => n + a[f], 0);
            expected = expected.plus(
              costOf(
                model,
                {
                  inputTokens: sum('input'),
                  outputTokens: sum('output'),
                  cacheReadTokens: sum('cacheRead'),
                  cacheWriteTokens: sum('cacheWrite'),
                },
                { batch },
              ),
            );
          }
        }
        return stats.totalCost.equals(expected) && stats.requestCount === adds.length;
      }),
      { numRuns: 200 },
    );
  });
});
