import type { SessionState } from './session-store.ts';

/**
 * A session's changes re-applied over a state another writer saved (`stored`), after a save was refused as stale.
 * Each numeric field (`turnCount`, the token totals, `totalCostUsd`, any other) adds this writer's delta since
 * `base` (the state as it last saved or loaded it; none: it never did, so all of its count is its own) to the stored
 * value, so neither writer's counts are lost. The rest is this writer's, as the newer word: status, `updatedAt`,
 * `lastError`, model, tags, metadata, options. `createdAt` and `version` are the stored record's.
 */
export function rebaseState(
  current: SessionState,
  base: SessionState | undefined,
  stored: SessionState,
): SessionState {
  const merged: Record<string, unknown> = {
    ...structuredClone(current),
    createdAt: stored.createdAt,
    version: stored.version,
  };
  for (const [key, mine] of Object.entries(current)) {
    const theirs = (stored as unknown as Record<string, unknown>)[key];
    if (key === 'version' || typeof mine !== 'number' || typeof theirs !== 'number') continue;
    const before = (base as unknown as Record<string, unknown> | undefined)?.[key];
    merged[key] = theirs + (mine - (typeof before === 'number' ? before : 0));
  }
  return merged as unknown as SessionState;
}
