import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { answer, at, CliTranscripts, costState, prompt, toolResult } from '../test/cli-transcripts.ts';
import { getCliSessionInfo } from './cli-session-files.ts';
import { importCliSessions } from './import-cli-sessions.ts';
import { loadSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import type { SessionState } from './session-store.ts';
import { StoreInputError } from './store-errors.ts';

let files: CliTranscripts;
beforeEach(() => {
  files = new CliTranscripts();
});
afterEach(() => files.close());

/** Two turns (one with a tool call), a tag, the CLI's totals. */
function twoTurns(id: string, mtime = at(5)) {
  return files.write(
    id,
    [
      prompt(id, 'Count the files'),
      answer(id, { type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } }, 'm1', 'claude-x'),
      toolResult(id, 't1', 'a b'),
      answer(id, { type: 'text', text: 'Two.' }, 'm2', 'claude-x'),
      costState(id, 0.25, 100, 20),
      prompt(id, 'Thanks', { timestamp: at(2).toISOString() }),
      answer(id, { type: 'text', text: 'Welcome.' }, 'm3', 'claude-x'),
      { type: 'tag', tag: 'ops', sessionId: id },
      costState(id, 0.5, 200, 40),
    ],
    { mtime },
  );
}

describe('importCliSessions', () => {
  it('makes each CLI session a SessionState under its id: turns, the CLI totals, title, tag, cwd', async () => {
    const id = randomUUID();
    twoTurns(id);
    const store = new MemorySessionStore();
    const result = await importCliSessions(store, { configDir: files.configDir, projectId: 'p1' });
    expect(result).toEqual({ imported: 1, updated: 0, skipped: 0, failed: 0, failures: [] });
    expect(await store.load(id)).toEqual({
      sessionId: id,
      version: 1,
      createdAt: at(0),
      updatedAt: at(5),
      status: 'active',
      model: 'claude-x',
      systemPrompt: undefined,
      parentSessionId: undefined,
      projectId: 'p1',
      title: 'Count the files',
      turnCount: 2,
      totalInputTokens: 200,
      totalOutputTokens: 40,
      totalCacheReadTokens: 3,
      totalCacheWriteTokens: 4,
      totalThinkingTokens: 0,
      totalCostUsd: 0.5,
      tags: ['ops'],
      metadata: { importedFrom: 'claude-cli' },
      options: { cwd: files.cwd },
      lastError: undefined,
    } satisfies SessionState);
  });

  it('without a cost-state entry, tokens are those of the API messages, each counted once', async () => {
    const id = randomUUID();
    files.write(id, [
      prompt(id, 'hi'),
      answer(id, { type: 'thinking', thinking: 'hm', signature: 's' }, 'm1'),
      answer(id, { type: 'text', text: 'hello' }, 'm1'),
    ]);
    const store = new MemorySessionStore();
    await importCliSessions(store, { configDir: files.configDir });
    expect(await store.load(id)).toMatchObject({
      turnCount: 1,
      totalInputTokens: 10,
      totalOutputTokens: 5,
      totalCacheReadTokens: 2,
      totalCacheWriteTokens: 1,
      totalCostUsd: 0,
    });
  });

  it('is idempotent: a second run adds and changes nothing', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    twoTurns(a);
    twoTurns(b, at(6));
    const store = new MemorySessionStore();
    await importCliSessions(store, { configDir: files.configDir });
    const before = await store.list();
    const again = await importCliSessions(store, { configDir: files.configDir });
    expect(again).toMatchObject({ imported: 0, updated: 0, skipped: 2, failed: 0 });
    expect(await store.list()).toEqual(before);
  });

  it('a session the CLI continued after the import has its counts raised; what changed in the store stays', async () => {
    const id = randomUUID();
    const file = twoTurns(id);
    const store = new MemorySessionStore();
    await importCliSessions(store, { configDir: files.configDir });
    const session = (await loadSession(id, store))!;
    await session.setTitle('Named in ccflow');
    await session.setTags(['mine']);
    const stored = (await store.load(id))!;

    // The CLI ran a third turn later.
    const third = [
      prompt(id, 'More'),
      answer(id, { type: 'text', text: 'Sure.' }, 'm4'),
      costState(id, 0.75, 300, 60),
    ];
    const later = new Date(stored.updatedAt.getTime() + 60_000);
    files.write(id, [readFileSync(file, 'utf8'), ...third], { mtime: later });
    const result = await importCliSessions(store, { configDir: files.configDir });
    expect(result).toMatchObject({ imported: 0, updated: 1, skipped: 0 });
    expect(await store.load(id)).toMatchObject({
      version: stored.version + 1,
      turnCount: 3,
      totalCostUsd: 0.75,
      totalInputTokens: 300,
      title: 'Named in ccflow',
      tags: ['mine'],
      updatedAt: later,
    });
  });

  it('never lowers what the store counted, and never overwrites a newer stored session', async () => {
    const id = randomUUID();
    twoTurns(id, at(5));
    const store = new MemorySessionStore();
    await importCliSessions(store, { configDir: files.configDir });
    const stored = (await store.load(id))!;
    await store.save({ ...stored, turnCount: 9, totalCostUsd: 3, updatedAt: at(10) });
    expect(await importCliSessions(store, { configDir: files.configDir })).toMatchObject({ skipped: 1 });
    expect(await store.load(id)).toMatchObject({ turnCount: 9, totalCostUsd: 3 });
  });

  it('a file that cannot be read or a state the store refuses is counted as failed; the rest is imported', async () => {
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    twoTurns(first, at(3));
    const vanishing = twoTurns(second, at(2));
    twoTurns(third, at(1));
    const inner = new MemorySessionStore();
    // The store refuses the newest session and, while it is at it, the next file is deleted (a race with the CLI).
    const store = Object.assign(Object.create(inner), {
      save: async (state: SessionState) => {
        if (state.sessionId === first) {
          rmSync(vanishing);
          throw new StoreInputError({ message: 'refused' });
        }
        return inner.save(state);
      },
      load: (id: string) => inner.load(id),
    });
    const result = await importCliSessions(store, { configDir: files.configDir });
    expect(result).toMatchObject({ imported: 1, failed: 2 });
    expect(result.failures.map((f) => f.sessionId)).toEqual([first, second]);
    expect(result.failures[1]?.error).toMatch(/cannot read/);
    expect(await inner.exists(third)).toBe(true);
  });

  it('a secret in a title is redacted before it is stored; what the CLI file says is left alone', async () => {
    const id = randomUUID();
    files.write(id, [prompt(id, 'Use key sk-ant-api03-abcdefghijklmnop to deploy')]);
    const store = new MemorySessionStore();
    await importCliSessions(store, { configDir: files.configDir });
    expect((await store.load(id))?.title).toBe('Use key [redacted] to deploy');
    expect((await getCliSessionInfo(id, { configDir: files.configDir }))?.title).toContain('sk-ant-api03');
  });
});
