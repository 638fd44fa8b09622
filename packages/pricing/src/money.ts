import { ConfigurationError } from '@ccflow/core';

/** Picodollars in one US dollar. A price of $p per million tokens is p × 10⁶ picodollars per token. */
const PICOS_PER_USD = 1_000_000_000_000n;
const PICOS_PER_MICRO = 1_000_000n;

/**
 * An exact amount of US dollars: an integer number of picodollars (10⁻¹² USD) in a `bigint`.
 *
 * Why picodollars: list prices are quoted in dollars per million tokens with at most a few decimals, so one token
 * costs a whole number of picodollars, and every sum of costs is exact: adding a million one-token costs gives the
 * same amount as pricing a million tokens at once, which floating-point dollars do not.
 */
export class Money {
  static readonly ZERO = new Money(0n);

  private constructor(readonly picodollars: bigint) {}

  static fromPicodollars(picodollars: bigint): Money {
    return picodollars === 0n ? Money.ZERO : new Money(picodollars);
  }

  /**
   * An amount in dollars. A decimal string (`'0.0042'`) is read exactly; a number is read as its shortest decimal
   * spelling (`0.1` is one tenth). Amounts finer than a picodollar are refused (`ConfigurationError`).
   */
  static fromUsd(usd: number | string, field = 'usd'): Money {
    const picos = parseDecimal(usd, 12);
    if (picos === undefined) {
      throw new ConfigurationError({
        field,
        problem: `not a dollar amount to the picodollar: ${String(usd)}`,
      });
    }
    return Money.fromPicodollars(picos);
  }

  /**
   * The nearest picodollar to a floating-point dollar figure, such as the CLI's `costUSD`: for amounts that were
   * never exact, where `fromUsd` would refuse the float's binary noise.
   */
  static nearest(usd: number): Money {
    if (!Number.isFinite(usd)) throw new RangeError(`not a dollar amount: ${usd}`);
    return Money.fromPicodollars(BigInt(Math.round(usd * 1e12)));
  }

  /** The nearest dollar amount as a number (exact below about $9,000; within one part in 10¹⁵ above). */
  get usd(): number {
    return Number(this.picodollars) / 1e12;
  }

  /** Whole microdollars (10⁻⁶ USD), rounded half away from zero: the precision the CLI's own figures carry. */
  get microdollars(): number {
    const p = this.picodollars;
    const half = PICOS_PER_MICRO / 2n;
    return Number(p >= 0n ? (p + half) / PICOS_PER_MICRO : -((-p + half) / PICOS_PER_MICRO));
  }

  plus(other: Money): Money {
    return Money.fromPicodollars(this.picodollars + other.picodollars);
  }

  minus(other: Money): Money {
    return Money.fromPicodollars(this.picodollars - other.picodollars);
  }

  /** This amount `n` times; `n` must be an integer. */
  times(n: number | bigint): Money {
    if (typeof n === 'number' && !Number.isSafeInteger(n)) throw new RangeError(`not an integer: ${n}`);
    return Money.fromPicodollars(this.picodollars * BigInt(n));
  }

  equals(other: Money): boolean {
    return this.picodollars === other.picodollars;
  }

  compare(other: Money): -1 | 0 | 1 {
    return this.picodollars < other.picodollars ? -1 : this.picodollars > other.picodollars ? 1 : 0;
  }

  /** The exact amount, e.g. `$0.0042` (at least two decimals, no trailing zeros past them). */
  toString(): string {
    const negative = this.picodollars < 0n;
    const p = negative ? -this.picodollars : this.picodollars;
    const whole = p / PICOS_PER_USD;
    const fraction = (p % PICOS_PER_USD).toString().padStart(12, '0').replace(/0+$/, '').padEnd(2, '0');
    return `${negative ? '-' : ''}$${whole}.${fraction}`;
  }

  /** JSON has no exact big numbers: an amount serializes as its nearest dollar number. */
  toJSON(): number {
    return this.usd;
  }
}

/**
 * `value × 10^scale` as an exact integer, or `undefined` when the value is not a finite, non-negative decimal with at
 * most `scale` decimals. Numbers are read through their shortest round-trip spelling, so `3.75` is exactly 3.75.
 */
export function parseDecimal(value: number | string, scale: number): bigint | undefined {
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  const text = typeof value === 'number' ? String(value) : value.trim();
  const m = /^\+?(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const shift = scale - (m[2] ?? '').length + Number(m[3] ?? 0);
  if (shift >= 0) return BigInt(digits) * 10n ** BigInt(shift);
  const dropped = digits.slice(digits.length + shift);
  if (/[^0]/.test(dropped)) return undefined;
  return BigInt(digits.slice(0, digits.length + shift) || '0');
}
