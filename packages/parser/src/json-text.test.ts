import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonText } from './json-text.ts';

describe('jsonText', () => {
  it('is JSON.stringify for JSON values, also when it writes them itself (nested too deep for it)', () => {
    const depth = 6_000;
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(jsonText(v)).toBe(JSON.stringify(v));
        let deep: unknown = v;
        for (let i = 0; i < depth; i++) deep = [deep];
        expect(jsonText(deep)).toBe(`${'['.repeat(depth)}${JSON.stringify(v)}${']'.repeat(depth)}`);
      }),
      { numRuns: 50 },
    );
  });

  it('writes values nested too deep for JSON.stringify, arrays and objects mixed', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 5_000, maxLength: 20_000 }), (shape) => {
        const text =
          shape.map((a) => (a ? '[1,' : '{"k":')).join('') +
          'null' +
          shape
            .map((a) => (a ? ']' : '}'))
            .reverse()
            .join('');
        expect(() => JSON.stringify(JSON.parse(text))).toThrow(RangeError);
        expect(jsonText(JSON.parse(text))).toBe(text);
      }),
      { numRuns: 10 },
    );
  });

  it('never throws: cycles, BigInt, what JSON leaves out, throwing getters', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(jsonText(cycle)).toBe('{"a":1,"self":"[Circular]"}');
    expect(jsonText({ n: 10n, f: () => 1, u: undefined, s: Symbol('x'), l: [undefined, Number.NaN] })).toBe(
      '{"n":10,"l":[null,null]}',
    );
    expect(jsonText(undefined)).toBe('undefined');
    const hostile = Object.defineProperty({}, 'x', {
      enumerable: true,
      get() {
        throw new Error('no');
      },
    });
    expect(jsonText(hostile)).toBe('[unprintable]');
  });
});
