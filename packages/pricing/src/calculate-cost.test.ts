import { runtime } from '@ccflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { calculateCost, costOf } from './calculate-cost.ts';
import { UnknownModelError } from './errors.ts';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE } from './price-table.ts';

afterEach(() => runtime.reset(PRICE_TABLE));

describe('calculateCost', () => {
  it('prices a request by model name, alias or any spelling', () => {
    expect(calculateCost('sonnet', 1000, 100)).toBe(0.003);
    expect(calculateCost('claude-sonnet-5-5', 1000, 100)).toBe(0.003);
    expect(calculateCost('claude-sonnet-4-5-20250929', 1000, 100)).toBe(0.0045);
    expect(calculateCost('haiku', 10_000, 10_000)).toBe(0.006);
    expect(calculateCost('haiku', 1_000_000, 1_000_000)).toBe(3); // a prompt over 100k: Haiku 5.5's long-prompt rates
  });

  it('takes batch, cache reads and cache writes of both lifetimes', () => {
    expect(calculateCost('opus', 1_000_000, 0, { batch: true })).toBe(2);
    expect(calculateCost('opus', 0, 0, { cacheReadTokens: 1_000_000 })).toBe(0.2);
    expect(calculateCost('opus', 0, 0, { cacheWriteTokens: 1_000_000 })).toBe(5);
    expect(calculateCost('opus', 0, 0, { cacheWriteTokens: 1_000_000, cacheWrite1hTokens: 1_000_000 })).toBe(
      8,
    );
    expect(
      calculateCost('opus', 10_000, 1000, { inferenceGeo: 'us', speed: 'fast', webSearchRequests: 3 }),
    ).toBe(0.162);
  });

  it('makes an unknown model an explicit outcome: a typed error, or undefined when asked', () => {
    expect(() => calculateCost('claude-foo-9', 1, 1)).toThrow(UnknownModelError);
    expect(calculateCost('claude-foo-9', 1, 1, { onUnknownModel: 'undefined' })).toBeUndefined();
    expect(
      costOf('claude-foo-9', { inputTokens: 1, outputTokens: 1 }, { onUnknownModel: 'undefined' }),
    ).toBeUndefined();
    // Never a silent zero, even for no tokens.
    expect(() => calculateCost('claude-foo-9', 0, 0)).toThrow(UnknownModelError);
  });

  it('prices with the process-wide table, or the one given', () => {
    const cheap = DEFAULT_PRICE_TABLE.extend({ models: { sonnet: { input: 1, output: 1 } } });
    expect(calculateCost('sonnet', 1_000_000, 0, { prices: cheap })).toBe(1);
    runtime.set(PRICE_TABLE, cheap);
    expect(calculateCost('sonnet', 1_000_000, 0)).toBe(1);
    runtime.reset(PRICE_TABLE);
    expect(calculateCost('sonnet', 1_000_000, 0)).toBe(2);
  });

  it('gives the exact amount with costOf', () => {
    const cost = costOf('claude-haiku-5-5', { inputTokens: 1, outputTokens: 0 });
    expect(cost.picodollars).toBe(100_000n);
    expect(cost.toString()).toBe('$0.0000001');
  });
});
