import { ConfigurationError } from '@ccflow/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money, parseDecimal } from './money.ts';

describe('parseDecimal', () => {
  it('reads decimal strings and numbers exactly, at a scale', () => {
    expect(parseDecimal('3.75', 6)).toBe(3_750_000n);
    expect(parseDecimal(3.75, 6)).toBe(3_750_000n);
    expect(parseDecimal(0.1, 6)).toBe(100_000n);
    expect(parseDecimal('0.000001', 6)).toBe(1n);
    expect(parseDecimal(1e-7, 7)).toBe(1n);
    expect(parseDecimal('1.5e2', 0)).toBe(150n);
    expect(parseDecimal('.5', 1)).toBe(5n);
    expect(parseDecimal('2.', 0)).toBe(2n);
    expect(parseDecimal('1.2500', 2)).toBe(125n);
  });

  it('refuses what is not an exact non-negative decimal at that scale', () => {
    for (const bad of [
      '0.0000001',
      '-1',
      'abc',
      '',
      '.',
      '1..2',
      '1e',
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -2,
    ]) {
      expect(parseDecimal(bad as never, 6), String(bad)).toBeUndefined();
    }
  });
});

describe('Money', () => {
  it('is an exact picodollar amount', () => {
    const m = Money.fromUsd('0.0042');
    expect(m.picodollars).toBe(4_200_000_000n);
    expect(m.usd).toBe(0.0042);
    expect(m.toString()).toBe('$0.0042');
    expect(Money.fromUsd(3).toString()).toBe('$3.00');
    expect(Money.fromUsd('0.000000000001').toString()).toBe('$0.000000000001');
    expect(Money.ZERO.toString()).toBe('$0.00');
    expect(Money.fromUsd(1).minus(Money.fromUsd(3)).toString()).toBe('-$2.00');
    expect(JSON.stringify({ cost: Money.fromUsd('1.25') })).toBe('{"cost":1.25}');
  });

  it('refuses amounts finer than a picodollar', () => {
    expect(() => Money.fromUsd('0.0000000000001', 'budget')).toThrow(ConfigurationError);
  });

  it('rounds to whole microdollars half away from zero', () => {
    expect(Money.fromPicodollars(1_499_999n).microdollars).toBe(1);
    expect(Money.fromPicodollars(1_500_000n).microdollars).toBe(2);
    expect(Money.fromPicodollars(-1_500_000n).microdollars).toBe(-2);
    expect(Money.fromPicodollars(-1_499_999n).microdollars).toBe(-1);
  });

  it('adds, subtracts, multiplies and compares exactly', () => {
    const a = Money.fromUsd('0.1');
    const b = Money.fromUsd('0.2');
    expect(a.plus(b).equals(Money.fromUsd('0.3'))).toBe(true);
    expect(0.1 + 0.2).not.toBe(0.3); // what floating-point dollars would do
    expect(b.minus(a).equals(a)).toBe(true);
    expect(a.times(3).equals(Money.fromUsd('0.3'))).toBe(true);
    expect(a.times(3n).equals(Money.fromUsd('0.3'))).toBe(true);
    expect(() => a.times(1.5)).toThrow(RangeError);
    expect(a.compare(b)).toBe(-1);
    expect(b.compare(a)).toBe(1);
    expect(a.compare(Money.fromUsd(0.1))).toBe(0);
  });

  it('takes the nearest picodollar of a floating figure such as the CLI reports', () => {
    expect(Money.nearest(0.0045000000000000005).equals(Money.fromUsd('0.0045'))).toBe(true);
    expect(() => Money.nearest(Number.NaN)).toThrow(RangeError);
  });

  it('sums in any order and grouping to the same amount (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 15n })), (picos) => {
        const forward = picos.reduce((m, p) => m.plus(Money.fromPicodollars(p)), Money.ZERO);
        const backward = [...picos].reverse().reduce((m, p) => m.plus(Money.fromPicodollars(p)), Money.ZERO);
        const whole = Money.fromPicodollars(picos.reduce((a, b) => a + b, 0n));
        return forward.equals(whole) && backward.equals(whole);
      }),
    );
  });
});
