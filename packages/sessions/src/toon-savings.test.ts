import { type ContextEncoding, type ToonConfig, ToonConfigSchema, withContext } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { ToonSavings } from './toon-savings.ts';

const config = (overrides: Partial<ToonConfig> = {}): ToonConfig => ToonConfigSchema.parse(overrides);

const users = {
  users: [
    { id: 1, name: 'Ada' },
    { id: 2, name: 'Bob' },
  ],
};

describe('ToonSavings', () => {
  const encoding = (chars: number, jsonChars: number): ContextEncoding => ({
    format: chars === jsonChars ? 'json' : 'toon',
    chars,
    jsonChars,
    ratio: chars / jsonChars,
    addedChars: chars + 40,
  });

  it('starts empty', () => {
    const savings = new ToonSavings();
    expect(savings.toJSON()).toEqual({
      unit: 'chars',
      count: 0,
      chars: 0,
      jsonChars: 0,
      savedChars: 0,
      ratio: undefined,
      lastCompressionRatio: undefined,
    });
  });

  it('adds up characters exactly, JSON turns included, and keeps the last ratio', () => {
    const savings = new ToonSavings();
    savings.add(withContext('p', users, config()).encoding!);
    expect(savings.toJSON()).toEqual({
      unit: 'chars',
      count: 1,
      chars: 34,
      jsonChars: 55,
      savedChars: 21,
      ratio: 34 / 55,
      lastCompressionRatio: 34 / 55,
    });
    savings.add(withContext('p', users, config({ enabled: false })).encoding!);
    expect(savings.toJSON()).toMatchObject({
      count: 2,
      chars: 89,
      jsonChars: 110,
      savedChars: 21,
      ratio: 89 / 110,
    });
    expect(savings.lastCompressionRatio).toBe(1);
  });

  it('reports TOON larger than JSON as negative savings', () => {
    const savings = new ToonSavings();
    savings.add(encoding(12, 10));
    expect(savings.savedChars).toBe(-2);
    expect(savings.ratio).toBe(1.2);
  });

  it('a deep, non-uniform context can come out larger as TOON: the figures say so', () => {
    const { encoding: e } = withContext(
      '',
      { a: { b: { c: { d: [{ x: 1 }, { y: [{ z: 1 }] }] } } } },
      config(),
    );
    expect(e!.chars).toBeGreaterThan(e!.jsonChars);
    expect(e!.ratio).toBeGreaterThan(1);
  });
});
