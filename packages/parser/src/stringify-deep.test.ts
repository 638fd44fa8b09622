import fc from 'fast-check';
import { expect, it } from 'vitest';
import { stringifyDeep } from './stringify-deep.ts';

it('writes what JSON.stringify writes, for any JSON value', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (value) => {
      expect(stringifyDeep(value)).toBe(JSON.stringify(value));
    }),
    { numRuns: 500 },
  );
});

it('writes values nested far deeper than JSON.stringify can go', () => {
  for (const depth of [1e4, 1e6]) {
    const text = `${'[{"a":'.repeat(depth)}"x"${'}]'.repeat(depth)}`;
    const value = JSON.parse(text);
    expect(() => JSON.stringify(value)).toThrow(RangeError);
    expect(stringifyDeep(value)).toBe(text);
  }
});
