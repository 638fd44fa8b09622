import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-session-store.ts';
import { SESSION_STATUSES, type SessionState, type StoredOptions } from './session-store.ts';
import { StoreInputError } from './store-errors.ts';
import { sessionStoreConformance, stateFixture } from './testing/index.ts';

sessionStoreConformance('MemorySessionStore', () => new MemorySessionStore());

describe('MemorySessionStore', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const date = fc.date({ noInvalidDate: true });
  const count = fc.nat();
  const json = fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 });
  const state: fc.Arbitrary<SessionState> = fc.record({
    sessionId: text.filter((s) => s !== ''),
    version: fc.constant(0),
    createdAt: date,
    updatedAt: date,
    status: fc.constantFrom(...SESSION_STATUSES),
    model: fc.option(text, { nil: undefined }),
    systemPrompt: fc.option(text, { nil: undefined }),
    parentSessionId: fc.option(text, { nil: undefined }),
    projectId: fc.option(text, { nil: undefined }),
    title: fc.option(text, { nil: undefined }),
    turnCount: count,
    totalInputTokens: count,
    totalOutputTokens: count,
    totalCacheReadTokens: count,
    totalCacheWriteTokens: count,
    totalThinkingTokens: count,
    totalCostUsd: fc.double({ min: 0, max: 1e6, noNaN: true }),
    tags: fc.array(text, { maxLength: 5 }),
    metadata: json,
    options: json.map((o) => o as StoredOptions),
    lastError: fc.option(text, { nil: undefined }),
  });

  it('any state round-trips whole, and stays isolated from the caller', async () => {
    await fc.assert(
      fc.asyncProperty(state, async (original) => {
        const store = new MemorySessionStore();
        const saved = structuredClone(original);
        expect(await store.save(saved)).toBe(1);
        saved.tags.push('mutated after save');
        const loaded = await store.load(original.sessionId);
        expect(loaded).toEqual({ ...original, version: 1 });
        const { options: _, ...metadata } = original;
        expect(await store.list()).toEqual([{ ...metadata, version: 1 }]);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a state it cannot copy, with StoreInputError', async () => {
    const store = new MemorySessionStore();
    const error = await store
      .save(stateFixture({ metadata: { callback: () => {} } }))
      .catch((e: unknown) => e);
    expect(StoreInputError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
    expect(await store.count()).toBe(0);
  });

  it('says it is closed after close()', async () => {
    const store = new MemorySessionStore();
    await store.close();
    await expect(store.load('x')).rejects.toThrow(/closed/);
  });
});
