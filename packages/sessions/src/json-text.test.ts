import { describe, expect, it } from 'vitest';
import { toJson, toJsonOrNull } from './json-text.ts';
import { StoreInputError } from './store-errors.ts';

describe('toJson', () => {
  it('gives JSON text, and NULL for an absent field', () => {
    expect(toJson('metadata', { a: [1, 'x'] })).toBe('{"a":[1,"x"]}');
    expect(toJsonOrNull('context', undefined)).toBeNull();
    expect(toJsonOrNull('context', null)).toBe('null');
  });

  it('refuses what JSON cannot hold with a StoreInputError naming the field', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const [value, why] of [
      [cycle, /circular/i],
      [{ n: 1n }, /BigInt/],
      [() => 1, /not JSON-serialisable/],
    ] as const) {
      let thrown: unknown;
      try {
        toJson('metadata', value);
      } catch (error) {
        thrown = error;
      }
      expect(StoreInputError.isInstance(thrown), String(thrown)).toBe(true);
      expect(String((thrown as Error).message)).toMatch(/^metadata is not JSON-serialisable: /);
      expect(String((thrown as Error).message)).toMatch(why);
    }
  });
});
