import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';

describe('seededRandom', () => {
  it('replays the same sequence for a seed, another for another seed', () => {
    const take = (seed: number) => Array.from({ length: 5 }, seededRandom(seed));
    expect(take(42)).toEqual(take(42));
    expect(take(42)).not.toEqual(take(43));
  });

  it('is mulberry32: its first outputs for seed 1', () => {
    const next = seededRandom(1);
    expect([next(), next(), next()].map((x) => Math.floor(x * 4_294_967_296))).toEqual([
      2_693_262_067, 11_749_833, 2_265_367_787,
    ]);
  });

  it('stays in [0, 1)', () => {
    const next = seededRandom(7);
    for (let i = 0; i < 10_000; i += 1) {
      const x = next();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
