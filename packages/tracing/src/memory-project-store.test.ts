import { MemorySessionStore, StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryProjectStore } from './memory-project-store.ts';
import type { ProjectData } from './project-store.ts';
import { projectFixture, projectStoreConformance } from './testing/index.ts';

projectStoreConformance('MemoryProjectStore', () => {
  const sessions = new MemorySessionStore();
  return { projects: new MemoryProjectStore({ sessionStore: sessions }), sessions };
});

describe('MemoryProjectStore', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 12 });
  const date = fc.date({ noInvalidDate: true });
  const project: fc.Arbitrary<ProjectData> = fc.record({
    projectId: text.filter((s) => s !== ''),
    version: fc.constant(0),
    name: text,
    description: text,
    parentProjectId: fc.option(text, { nil: undefined }),
    metadata: fc.dictionary(text, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
    createdAt: date,
    updatedAt: date,
  });

  it('any project round-trips whole, stays isolated from the caller, and finds itself by its name', async () => {
    await fc.assert(
      fc.asyncProperty(project, async (given) => {
        const store = new MemoryProjectStore();
        const saved = structuredClone(given);
        await store.save(saved);
        const original = { ...given, version: 1 };
        saved.metadata.mutated = 'after save';
        expect(await store.load(original.projectId)).toEqual(original);
        expect(await store.list({ nameContains: original.name })).toEqual([original]);
        expect(await store.list({ nameContains: original.name.toLowerCase() })).toEqual([original]);
        // Upper-casing is not always undone by lower-casing ('ŉ' → 'ʼN' → 'ʼn'), and matching is on lower case.
        const upper = original.name.toUpperCase();
        if (upper.toLowerCase() === original.name.toLowerCase()) {
          expect(await store.list({ nameContains: upper })).toEqual([original]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('has no sessions without a session store', async () => {
    const store = new MemoryProjectStore();
    await store.save(projectFixture({ projectId: 'p' }));
    expect(await store.getProjectSessions('p')).toEqual([]);
    await expect(store.getProjectSessions('p', -1)).rejects.toSatisfy(StoreError.isInstance.bind(StoreError));
  });

  it('leaves the session store it was given open when it closes', async () => {
    const sessions = new MemorySessionStore();
    const store = new MemoryProjectStore({ sessionStore: sessions });
    const state = stateFixture({ projectId: 'p' });
    await sessions.save(state);
    await store.close();
    expect(await sessions.load(state.sessionId)).toEqual({ ...state, version: 1 });
    await expect(store.getProjectSessions('p')).rejects.toThrow(/closed/);
  });

  it('refuses a project it cannot copy, with StoreError', async () => {
    const store = new MemoryProjectStore();
    const error = await store
      .save(projectFixture({ metadata: { callback: () => {} } }))
      .catch((e: unknown) => e);
    expect(StoreError.isInstance(error)).toBe(true);
    expect((error as Error).cause).toBeDefined();
    expect(await store.count()).toBe(0);
  });
});
