import { once } from 'node:events';
import { loadSession, Session } from '@ccflow/sessions';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { finished, spawnWorker } from './spawn-worker.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();

const turn = (id: string) => [
  mockLines.init({ sessionId: id }),
  mockLines.result({ sessionId: id, result: 'ok', inputTokens: 10, outputTokens: 4, costUsd: 0.01 }),
];

describe('writers of one session on one SQLite file lose no counts', () => {
  it('two Session objects, each on its own store of the file', async () => {
    const path = temp.file();
    const [storeA, storeB] = [new SQLiteSessionStore(path), new SQLiteSessionStore(path)];
    const first = new Session({ store: storeA, executor: new MockExecutor() });
    await first.save();
    const id = first.sessionId;
    const a = (await loadSession(id, storeA, { executor: new MockExecutor([turn(id), turn(id)]) }))!;
    const b = (await loadSession(id, storeB, { executor: new MockExecutor([turn(id), turn(id)]) }))!;
    await Promise.all(
      [a, b].map(async (s) => {
        for (let i = 0; i < 2; i += 1) for await (const _ of s.sendMessage(`turn ${i}`));
      }),
    );
    const stored = (await storeA.load(id))!;
    expect(stored).toMatchObject({ turnCount: 4, totalInputTokens: 40, totalOutputTokens: 16 });
    expect(stored.totalCostUsd).toBeCloseTo(0.04, 10);
    await storeA.close();
    await storeB.close();
  });

  it('two processes running turns on it at once', async () => {
    const TURNS = 60;
    const path = temp.file();
    const store = new SQLiteSessionStore(path);
    const session = new Session({ store, executor: new MockExecutor() });
    await session.save();
    const children = [0, 1].map(() =>
      spawnWorker('session-worker.ts', [path, session.sessionId, String(TURNS)]),
    );
    const results = Promise.all(children.map(finished));
    await Promise.all(children.map((child) => once(child.stdout!, 'data')));
    for (const child of children) child.stdin!.on('error', () => {}).end('go\n');
    const ended = await results;
    for (const result of ended) {
      expect(result.stderr).toBe('');
      expect(result.code, result.stdout).toBe(0);
    }
    const conflicts = ended.map((r) => JSON.parse(r.stdout.replace(/^ready\n/, '')).conflicts as number);
    // They really contended: saves were refused as stale, and rebased.
    expect(conflicts[0]! + conflicts[1]!, JSON.stringify(conflicts)).toBeGreaterThan(0);
    const stored = (await store.load(session.sessionId))!;
    expect(stored).toMatchObject({
      turnCount: 2 * TURNS,
      totalInputTokens: 20 * TURNS,
      totalOutputTokens: 8 * TURNS,
    });
    expect(stored.totalCostUsd).toBeCloseTo(0.02 * TURNS, 8);
    await store.close();
  }, 60_000);
});
