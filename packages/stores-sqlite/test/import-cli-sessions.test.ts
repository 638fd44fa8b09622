import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliProjectDir, importCliSessions, loadSession } from '@ccflow/sessions';
import { MockExecutor } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();

/** A CLI transcript in the shapes the pinned CLI writes: a prompt, an answer, its running totals, a name and a tag. */
function writeTranscript(configDir: string, cwd: string, id: string): void {
  const dir = cliProjectDir(cwd, configDir);
  mkdirSync(dir, { recursive: true });
  const entries = [
    { type: 'user', message: { role: 'user', content: 'Plan the release' }, cwd, sessionId: id },
    {
      type: 'assistant',
      message: {
        id: 'msg_1',
        model: 'claude-x',
        role: 'assistant',
        content: [{ type: 'text', text: 'Plan: ...' }],
      },
      sessionId: id,
    },
    {
      type: 'cost-state',
      sessionId: id,
      totalCostUSD: 0.125,
      modelUsage: { x: { inputTokens: 50, outputTokens: 7 } },
    },
    { type: 'custom-title', customTitle: 'Release plan', sessionId: id },
    { type: 'tag', tag: 'release', sessionId: id },
  ];
  writeFileSync(join(dir, `${id}.jsonl`), entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
}

describe('importCliSessions into the SQLite store', () => {
  it('keeps title and tags, is idempotent, and a title changed later is kept across a reopen', async () => {
    const configDir = join(temp.dir, 'claude');
    const id = randomUUID();
    writeTranscript(configDir, '/work/app', id);
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    expect(await importCliSessions(store, { configDir })).toMatchObject({ imported: 1, failed: 0 });
    expect(await store.load(id)).toMatchObject({
      version: 1,
      title: 'Release plan',
      tags: ['release'],
      turnCount: 1,
      totalCostUsd: 0.125,
      totalInputTokens: 50,
      options: { cwd: '/work/app' },
    });
    const before = await store.list();
    expect(await importCliSessions(store, { configDir })).toMatchObject({ imported: 0, skipped: 1 });
    expect(await store.list()).toEqual(before);

    const session = (await loadSession(id, store, { executor: new MockExecutor() }))!;
    await session.setTitle('Release plan, v2');
    await session.setTags(['release', 'q3']);
    await store.close();
    const reopened = new SQLiteSessionStore(path);
    expect(await reopened.load(id)).toMatchObject({ title: 'Release plan, v2', tags: ['release', 'q3'] });
    expect(await reopened.list({ tags: ['q3'] })).toHaveLength(1);
    await reopened.close();
  });
});
