import { ConfigurationError } from '@ccflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidUsageError } from './errors.ts';
import { ModelPricing, type TokenUsage } from './model-pricing.ts';
import { Money } from './money.ts';

const sonnet = new ModelPricing({ input: 3, output: 15 });
const usd = (s: string) => Money.fromUsd(s);

describe('ModelPricing', () => {
  it('prices input and output per million tokens, as the reference API does', () => {
    expect(sonnet.inputPerMillion).toBe(3);
    expect(sonnet.outputPerMillion).toBe(15);
    expect(sonnet.inputCost(1_000_000)).toBe(3);
    expect(sonnet.outputCost(1_000_000)).toBe(15);
    expect(sonnet.inputCost(1)).toBe(0.000003);
    expect(sonnet.totalCost(1000, 100)).toBe(0.0045);
    expect(sonnet.totalCost(1000, 100, { batch: true })).toBe(0.00225);
    expect(sonnet.inputCost(1_000_000, { batch: true })).toBe(1.5);
    expect(sonnet.batchDiscount).toBe(0.5);
  });

  it('derives cache prices by Anthropic’s multipliers unless given', () => {
    expect(sonnet.cacheWritePerMillion).toBe(3.75);
    expect(sonnet.cacheWrite1hPerMillion).toBe(6);
    expect(sonnet.cacheReadPerMillion).toBe(0.3);
    const custom = new ModelPricing({ input: 2, output: 10, cacheRead: '0.1' });
    expect(custom.cacheReadPerMillion).toBe(0.1);
    expect(custom.cacheWritePerMillion).toBe(2.5);
  });

  it('splits cache writes by lifetime: the 1-hour part at its rate, the rest at the 5-minute rate', () => {
    // 10,000 writes of which 3,000 for an hour: 3,000 × $6 + 7,000 × $3.75 per million.
    const cost = sonnet.cost({
      inputTokens: 0,
      outputTokens: 0,
      cacheWriteTokens: 10_000,
      cacheWrite1hTokens: 3000,
    });
    expect(cost.equals(usd('0.04425'))).toBe(true);
    expect(sonnet.totalCost(0, 0, { cacheReadTokens: 1_000_000 })).toBe(0.3);
  });

  it('applies the long-prompt tier to every token of a request whose prompt is longer than the threshold', () => {
    const haiku = new ModelPricing({
      input: '0.1',
      output: '0.5',
      cacheWrite: '0.125',
      cacheWrite1h: '0.2',
      cacheRead: '0.01',
      longPrompt: {
        abovePromptTokens: 100_000,
        input: '0.5',
        output: '2.5',
        cacheWrite: '0.625',
        cacheWrite1h: 1,
        cacheRead: '0.05',
      },
    });
    expect(haiku.longPromptAbove).toBe(100_000);
    expect(haiku.totalCost(100_000, 1000)).toBe(0.0105); // at the threshold: standard
    expect(haiku.totalCost(100_001, 1000)).toBe(0.0525005); // above: long, output included
    // Cache reads and writes count toward the prompt.
    const mixed = haiku.cost({
      inputTokens: 50_000,
      cacheReadTokens: 30_000,
      cacheWriteTokens: 20_001,
      outputTokens: 1000,
    });
    expect(mixed.toString()).toBe('$0.041500625');
    expect(
      haiku.cost({ inputTokens: 100_001, outputTokens: 0 }, { longPrompt: false }).equals(usd('0.0100001')),
    ).toBe(true);
  });

  it('uses fast-mode rates only when asked and when the model has them', () => {
    const opus = new ModelPricing({
      input: 4,
      output: 20,
      cacheRead: '0.2',
      fast: { input: 8, output: 40, cacheRead: '0.4' },
    });
    expect(opus.hasFastRates).toBe(true);
    expect(opus.totalCost(1_000_000, 0, { speed: 'fast' })).toBe(8);
    expect(opus.totalCost(1_000_000, 0, { speed: 'standard' })).toBe(4);
    expect(sonnet.hasFastRates).toBe(false);
    expect(sonnet.totalCost(1_000_000, 0, { speed: 'fast' })).toBe(3);
  });

  it('charges US-only inference 1.1 times, on tokens, and web searches at their own price', () => {
    expect(sonnet.totalCost(1_000_000, 0, { inferenceGeo: 'us' })).toBe(3.3);
    expect(sonnet.totalCost(1_000_000, 0, { inferenceGeo: 'eu' })).toBe(3);
    expect(sonnet.totalCost(1_000_000, 0, { inferenceGeo: '' })).toBe(3);
    expect(sonnet.totalCost(0, 0, { webSearchRequests: 3 })).toBe(0.03);
    expect(sonnet.totalCost(0, 0, { webSearchRequests: 3, inferenceGeo: 'us', batch: true })).toBe(0.03);
    expect(sonnet.totalCost(1_000_000, 0, { inferenceGeo: 'us', batch: true })).toBe(1.65);
  });

  it('refuses token counts that cannot be priced, with a typed error', () => {
    const bad: TokenUsage[] = [
      { inputTokens: -1, outputTokens: 0 },
      { inputTokens: 1.5, outputTokens: 0 },
      { inputTokens: 0, outputTokens: Number.NaN },
      { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 10, cacheWrite1hTokens: 11 },
    ];
    for (const usage of bad) {
      expect(() => sonnet.cost(usage), JSON.stringify(usage)).toThrow(InvalidUsageError);
    }
    try {
      sonnet.cost({ inputTokens: 0, outputTokens: 0, cacheWriteTokens: 1, cacheWrite1hTokens: 2 });
    } catch (e) {
      expect(InvalidUsageError.isInstance(e)).toBe(true);
      expect((e as InvalidUsageError).code).toBe('INVALID_USAGE');
      expect((e as InvalidUsageError).field).toBe('cacheWrite1hTokens');
    }
  });

  it('refuses prices it cannot hold exactly', () => {
    expect(() => new ModelPricing({ input: -1, output: 1 })).toThrow(ConfigurationError);
    expect(() => new ModelPricing({ input: 'three', output: 1 })).toThrow(ConfigurationError);
    expect(() => new ModelPricing({ input: '0.0000001', output: 1 })).toThrow(ConfigurationError);
    // The default cache-write multiple of $0.000001 would be 1.25 picodollars a token: say it, do not round.
    expect(() => new ModelPricing({ input: '0.000001', output: 1 })).toThrow(/cacheWrite/);
    expect(
      () =>
        new ModelPricing({
          input: '0.000001',
          output: 1,
          cacheWrite: 1,
          cacheWrite1h: 1,
          cacheRead: 1,
          batchDiscount: '0.3',
        }),
    ).toThrow(/finer than a picodollar/);
    expect(() => new ModelPricing({ input: 1, output: 1, batchDiscount: 2 })).toThrow(ConfigurationError);
    expect(
      () =>
        new ModelPricing({ input: 1, output: 1, longPrompt: { abovePromptTokens: -5, input: 1, output: 1 } }),
    ).toThrow(ConfigurationError);
  });

  it('shows its prices as exact decimals', () => {
    expect(new ModelPricing({ input: '0.8', output: 4, batchDiscount: '0.25' }).toJSON()).toEqual({
      input: '0.8',
      output: '4',
      cacheWrite: '1',
      cacheWrite1h: '1.6',
      cacheRead: '0.08',
      batchDiscount: '0.25',
      webSearch: '0.01',
      inferenceGeoMultipliers: { us: '1.1' },
    });
  });

  it('costs the same for requests priced one by one as for their summed tokens (property)', () => {
    const tokens = fc.integer({ min: 0, max: 5_000_000 });
    const request = fc.record({
      inputTokens: tokens,
      outputTokens: tokens,
      cacheReadTokens: tokens,
      cacheWriteTokens: tokens,
      webSearchRequests: fc.integer({ min: 0, max: 50 }),
    });
    const options = fc.record({ batch: fc.boolean(), inferenceGeo: fc.constantFrom(undefined, 'us', 'eu') });
    fc.assert(
      fc.property(fc.array(request, { maxLength: 50 }), options, (requests, opts) => {
        const oneByOne = requests.reduce((sum, r) => sum.plus(sonnet.cost(r, opts)), Money.ZERO);
        const sum = (f: keyof (typeof requests)[number]) => requests.reduce((n, r) => n + r[f], 0);
        const together = sonnet.cost(
          {
            inputTokens: sum('inputTokens'),
            outputTokens: sum('outputTokens'),
            cacheReadTokens: sum('cacheReadTokens'),
            cacheWriteTokens: sum('cacheWriteTokens'),
            webSearchRequests: sum('webSearchRequests'),
          },
          opts,
        );
        return oneByOne.equals(together);
      }),
    );
  });
});
