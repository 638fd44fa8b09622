import { describe, expect, it } from 'vitest';
import { rebaseState } from './rebase-state.ts';
import { stateFixture } from './testing/index.ts';

describe('rebaseState', () => {
  const base = stateFixture({
    sessionId: 's',
    version: 3,
    turnCount: 2,
    totalInputTokens: 100,
    totalCostUsd: 0.5,
  });

  it("adds this writer's delta since its base to every stored count", () => {
    const current = { ...base, turnCount: 3, totalInputTokens: 130, totalCostUsd: 0.75 };
    const stored = { ...base, version: 4, turnCount: 4, totalInputTokens: 170, totalCostUsd: 1 };
    expect(rebaseState(current, base, stored)).toMatchObject({
      version: 4,
      turnCount: 5,
      totalInputTokens: 200,
      totalCostUsd: 1.25,
    });
  });

  it('takes status, updatedAt, lastError, model, tags, metadata and options from this writer; createdAt stored', () => {
    const current = {
      ...base,
      status: 'closed' as const,
      updatedAt: new Date(5000),
      lastError: 'mine',
      model: 'opus',
      tags: ['mine'],
      metadata: { mine: true },
      options: { maxTurns: 2 },
    };
    const stored = {
      ...base,
      version: 9,
      createdAt: new Date(1),
      status: 'expired' as const,
      tags: ['theirs'],
    };
    const merged = rebaseState(current, base, stored);
    expect(merged).toEqual({ ...current, version: 9, createdAt: new Date(1) });
    merged.tags.push('x');
    expect(current.tags).toEqual(['mine']);
  });

  it('without a base (never saved), all of its counts are its own', () => {
    const current = stateFixture({ sessionId: 's', turnCount: 1, totalOutputTokens: 7 });
    const stored = stateFixture({ sessionId: 's', version: 2, turnCount: 3, totalOutputTokens: 10 });
    expect(rebaseState(current, undefined, stored)).toMatchObject({
      version: 2,
      turnCount: 4,
      totalOutputTokens: 17,
    });
  });
});
