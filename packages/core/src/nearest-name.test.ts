import { describe, expect, it } from 'vitest';
import { nearestName } from './nearest-name.ts';

const KNOWN = ['maxBudgetUsd', 'maxTurns', 'maxTokens', 'timeoutMs', 'model', 'includePartial'];

describe('nearestName', () => {
  it.each([
    ['maxBudgetUSD', 'maxBudgetUsd'],
    ['max_budget_usd', 'maxBudgetUsd'],
    ['maxTurn', 'maxTurns'],
    ['modle', 'model'],
    ['include_partial', 'includePartial'],
    ['timeoutMS', 'timeoutMs'],
  ])('%s → %s', (name, expected) => {
    expect(nearestName(name, KNOWN)).toBe(expected);
  });

  it('prefers the closest of several candidates', () => {
    expect(nearestName('maxTokns', KNOWN)).toBe('maxTokens');
  });

  it('suggests nothing for a name far from every known one', () => {
    expect(nearestName('banana', KNOWN)).toBeUndefined();
    expect(nearestName('x', KNOWN)).toBeUndefined();
    expect(nearestName('anything', [])).toBeUndefined();
  });
});
