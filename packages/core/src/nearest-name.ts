/**
 * The name in `known` closest to `name`, for "did you mean" hints, or `undefined` when none is close. Names are
 * compared without case, `_` and `-`, so `maxBudgetUSD` and `max_budget_usd` find `maxBudgetUsd`; close means at
 * most a third of the name's letters (at least 1, at most 3) differ, a swap of two neighbours counting as one.
 */
export function nearestName(name: string, known: Iterable<string>): string | undefined {
  const target = normalize(name);
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(target, normalize(candidate));
    if (distance <= limit && (best === undefined || distance < best.distance))
      best = { name: candidate, distance };
  }
  return best?.name;
}

const normalize = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/** Edit distance: insertions, deletions, substitutions and swaps of neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}
