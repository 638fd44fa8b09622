import { ConfigurationError, runtime } from '@ccflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { UnknownModelError } from './errors.ts';
import { HAIKU_PRICING, OPUS_PRICING, SONNET_PRICING } from './family-pricing.ts';
import { ModelPricing } from './model-pricing.ts';
import { DEFAULT_PRICE_TABLE, PRICE_TABLE, PriceTable } from './price-table.ts';
import { PRICE_TABLE_DATA } from './price-table-data.ts';

afterEach(() => runtime.reset(PRICE_TABLE));

describe('the price table data', () => {
  it('is dated, sourced, and has every rate of every model', () => {
    expect(PRICE_TABLE_DATA.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_TABLE_DATA.sources.length).toBeGreaterThan(0);
    expect(DEFAULT_PRICE_TABLE.date).toBe(PRICE_TABLE_DATA.date);
    const ids = PRICE_TABLE_DATA.models.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of PRICE_TABLE_DATA.models) {
      for (const rates of [
        m.rates,
        'longPrompt' in m ? m.longPrompt : undefined,
        'fast' in m ? m.fast : undefined,
      ]) {
        if (!rates) continue;
        for (const field of ['input', 'output', 'cacheWrite', 'cacheWrite1h', 'cacheRead'] as const) {
          expect(rates[field], `${m.id} ${field}`).toMatch(/^\d+(\.\d+)?$/);
        }
      }
    }
  });

  it('holds the current Claude models the CLI prices', () => {
    expect(DEFAULT_PRICE_TABLE.ids.sort()).toEqual(
      [
        'claude-3-5-haiku',
        'claude-3-5-sonnet',
        'claude-3-7-sonnet',
        'claude-fable-5',
        'claude-fable-5-1',
        'claude-fable-5-2',
        'claude-haiku-4-5',
        'claude-haiku-5-5',
        'claude-mythos-5',
        'claude-mythos-5-1',
        'claude-mythos-5-2',
        'claude-opus-4-0',
        'claude-opus-4-1',
        'claude-opus-4-5',
        'claude-opus-4-6',
        'claude-opus-4-7',
        'claude-opus-4-8',
        'claude-opus-5',
        'claude-opus-5-5',
        'claude-sonnet-4-0',
        'claude-sonnet-4-5',
        'claude-sonnet-4-6',
        'claude-sonnet-5',
        'claude-sonnet-5-5',
      ].sort(),
    );
  });

  it('prices batch and US-only requests exactly for every model (no rate lands between picodollars)', () => {
    for (const entry of DEFAULT_PRICE_TABLE.entries()) {
      for (const speed of ['standard', 'fast'] as const) {
        const usage = {
          inputTokens: 1,
          outputTokens: 1,
          cacheReadTokens: 1,
          cacheWriteTokens: 2,
          cacheWrite1hTokens: 1,
        };
        expect(() => entry.pricing.cost(usage, { batch: true, inferenceGeo: 'us', speed })).not.toThrow();
      }
    }
  });
});

describe('PriceTable.resolve', () => {
  it('resolves the CLI aliases to its models of the table date', () => {
    expect(DEFAULT_PRICE_TABLE.aliases).toEqual({
      sonnet: 'claude-sonnet-5-5',
      opus: 'claude-opus-5-5',
      haiku: 'claude-haiku-5-5',
      fable: 'claude-fable-5-2',
      best: 'claude-opus-5-5',
      default: 'claude-opus-5-5',
      opusplan: 'claude-sonnet-5-5',
    });
    expect(DEFAULT_PRICE_TABLE.resolve('Opus[1m]')).toMatchObject({
      id: 'claude-opus-5-5',
      contextTag: '1m',
    });
  });

  it('resolves full, dated, provider and suffixed ids to one entry', () => {
    const cases: Record<string, string> = {
      'claude-haiku-4-5-20251001': 'claude-haiku-4-5',
      'claude-sonnet-4-20250514': 'claude-sonnet-4-0',
      'claude-sonnet-4': 'claude-sonnet-4-0',
      'claude-opus-4-1@20250805': 'claude-opus-4-1',
      'us.anthropic.claude-opus-4-1-20250805-v1:0': 'claude-opus-4-1',
      'claude-3-5-sonnet-v2@20241022': 'claude-3-5-sonnet',
      'claude-opus-4.5': 'claude-opus-4-5',
      'claude-opus-4-6[1m]': 'claude-opus-4-6',
      'claude-opus-5-5-fast': 'claude-opus-5-5',
      'claude-haiku-4-5-latest': 'claude-haiku-4-5',
      'anthropic/claude-fable-5': 'claude-fable-5',
    };
    for (const [name, id] of Object.entries(cases))
      expect(DEFAULT_PRICE_TABLE.resolve(name)?.id, name).toBe(id);
    for (const id of DEFAULT_PRICE_TABLE.ids) expect(DEFAULT_PRICE_TABLE.resolve(id)?.id).toBe(id);
  });

  it('knows no model it has no price for: unknown is explicit', () => {
    for (const name of ['mythos', 'claude-3-haiku', 'claude-mythos-preview', 'claude-foo-9', 'gpt-4o', '']) {
      expect(DEFAULT_PRICE_TABLE.resolve(name), name).toBeUndefined();
      expect(DEFAULT_PRICE_TABLE.has(name)).toBe(false);
    }
    expect(() => DEFAULT_PRICE_TABLE.pricing('claude-foo-9')).toThrow(UnknownModelError);
    try {
      DEFAULT_PRICE_TABLE.pricing('claude-foo-9');
    } catch (e) {
      expect((e as UnknownModelError).code).toBe('UNKNOWN_MODEL');
      expect((e as UnknownModelError).model).toBe('claude-foo-9');
      expect((e as UnknownModelError).tableDate).toBe(PRICE_TABLE_DATA.date);
    }
  });

  it('keeps what the data says beside the prices', () => {
    expect(DEFAULT_PRICE_TABLE.resolve('claude-opus-4-1')).toMatchObject({
      name: 'Claude Opus 4.1',
      apiId: 'claude-opus-4-1-20250805',
      retired: '2026-08-05',
    });
  });
});

describe('HAIKU_PRICING, SONNET_PRICING, OPUS_PRICING', () => {
  it('are the models the aliases name today, not the reference’s 2024 prices', () => {
    expect([HAIKU_PRICING.inputPerMillion, HAIKU_PRICING.outputPerMillion]).toEqual([0.1, 0.5]);
    expect([SONNET_PRICING.inputPerMillion, SONNET_PRICING.outputPerMillion]).toEqual([2, 10]);
    expect([OPUS_PRICING.inputPerMillion, OPUS_PRICING.outputPerMillion]).toEqual([4, 20]);
    expect(SONNET_PRICING).toBe(DEFAULT_PRICE_TABLE.pricing('claude-sonnet-5-5'));
  });
});

describe('PriceTable.extend', () => {
  it('overrides a model by any of its names, keeping its id and the rest of the table', () => {
    const negotiated = DEFAULT_PRICE_TABLE.extend({
      models: { sonnet: { input: '1.8', output: 9 } },
      date: '2026-12-01',
      sources: ['our contract'],
    });
    expect(negotiated.resolve('claude-sonnet-5-5')?.pricing.inputPerMillion).toBe(1.8);
    expect(negotiated.resolve('sonnet')?.id).toBe('claude-sonnet-5-5');
    expect(negotiated.resolve('claude-sonnet-5-5')?.name).toBe('Claude Sonnet 5.5');
    expect(negotiated.date).toBe('2026-12-01');
    expect(negotiated.sources.at(-1)).toBe('our contract');
    expect(negotiated.resolve('opus')?.pricing).toBe(DEFAULT_PRICE_TABLE.resolve('opus')?.pricing);
    // The original is untouched.
    expect(DEFAULT_PRICE_TABLE.resolve('sonnet')?.pricing.inputPerMillion).toBe(2);
  });

  it('adds models, with aliases, and finds their dated spellings too', () => {
    const next = DEFAULT_PRICE_TABLE.extend({
      models: {
        'claude-opus-6': { name: 'Claude Opus 6', input: 6, output: 30, aliases: ['next-opus'] },
        'my-gateway-model': new ModelPricing({ input: 1, output: 2 }),
      },
      aliases: { work: 'claude-haiku-4-5', opus: 'claude-opus-6' },
    });
    expect(next.resolve('claude-opus-6-20270101')?.id).toBe('claude-opus-6');
    expect(next.resolve('next-opus')?.name).toBe('Claude Opus 6');
    expect(next.resolve('opus')?.id).toBe('claude-opus-6');
    expect(next.resolve('WORK')?.id).toBe('claude-haiku-4-5');
    expect(next.resolve('my-gateway-model')?.pricing.outputPerMillion).toBe(2);
    expect(next.ids).toContain('claude-opus-6');
  });

  it('refuses an alias to a model the table does not have', () => {
    expect(() => DEFAULT_PRICE_TABLE.extend({ aliases: { x: 'claude-nope-1' } })).toThrow(ConfigurationError);
  });

  it('becomes the process-wide table with runtime.set(PRICE_TABLE), until runtime.reset', () => {
    const custom = new PriceTable().extend({ models: { haiku: { input: 1, output: 1 } } });
    runtime.set(PRICE_TABLE, custom);
    expect(runtime.get(PRICE_TABLE)).toBe(custom);
    runtime.reset(PRICE_TABLE);
    expect(runtime.get(PRICE_TABLE)).toBe(DEFAULT_PRICE_TABLE);
  });

  it('serializes with exact decimal prices', () => {
    const json = JSON.parse(JSON.stringify(DEFAULT_PRICE_TABLE));
    expect(json.date).toBe(PRICE_TABLE_DATA.date);
    expect(json.models.find((m: { id: string }) => m.id === 'claude-haiku-5-5')).toMatchObject({
      input: '0.1',
      cacheWrite: '0.125',
      longPrompt: { abovePromptTokens: 100000, input: '0.5' },
    });
  });
});
