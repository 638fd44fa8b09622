import { once } from 'node:events';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLiteProjectStore } from '../src/sqlite-project-store.ts';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { SQLiteTraceStore } from '../src/sqlite-trace-store.ts';
import { finished, spawnWorker } from './spawn-worker.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();
const WORKERS = 4;
const ROUNDS = 400;

describe('four processes on one file', () => {
  it('creating it at once, writing and reading at once: nothing lost, no SQLITE_BUSY', async () => {
    const path = temp.file();
    const children = Array.from({ length: WORKERS }, (_, w) =>
      spawnWorker('store-worker.ts', [path, String(w), String(ROUNDS), String(WORKERS)]),
    );
    const results = Promise.all(children.map(finished));
    // Every worker opens (creating and migrating the file at once), then all start writing together.
    await Promise.all(children.map((child) => once(child.stdout!, 'data')));
    for (const child of children) child.stdin!.on('error', () => {}).end('go\n');
    const ended = await results;
    for (const result of ended) {
      expect(result.stderr).toBe('');
      expect(result.stdout).not.toMatch(/BUSY|LOCKED/);
      expect(result.code, result.stdout).toBe(0);
    }
    const summaries = ended.map((r) => JSON.parse(r.stdout.replace(/^ready\n/, '')));
    const tracesPerWorker = ROUNDS + Math.floor(ROUNDS / 5) * 5;
    expect(summaries.map((s) => s.traces)).toEqual(Array(WORKERS).fill(tracesPerWorker));
    // They really ran at once: every worker started writing before any finished.
    const lastStart = Math.max(...summaries.map((s) => s.started));
    const firstEnd = Math.min(...summaries.map((s) => s.ended));
    expect(lastStart, JSON.stringify(summaries)).toBeLessThan(firstEnd);

    const sessions = new SQLiteSessionStore(path);
    const traces = new SQLiteTraceStore(path);
    const projects = new SQLiteProjectStore(path);
    expect(await sessions.count()).toBe(WORKERS * ROUNDS);
    expect(await traces.count()).toBe(WORKERS * tracesPerWorker);
    expect(await projects.count()).toBe(WORKERS);
    expect(await sessions.count({ tags: ['shared'] })).toBe(WORKERS * ROUNDS);
    for (let w = 0; w < WORKERS; w += 1) {
      expect(await sessions.count({ tags: [`w${w}`, 'even'] })).toBe(ROUNDS / 2);
      expect(await sessions.count({ projectId: `p${w}` })).toBe(ROUNDS);
      expect(await traces.count({ projectId: `p${w}` })).toBe(ROUNDS);
      const state = await sessions.load(`w${w}-s${ROUNDS - 1}`);
      expect(state?.metadata).toEqual({ worker: w, i: ROUNDS - 1, text: `it's "${ROUNDS - 1}" 100%_` });
      expect((await projects.getProjectSessions(`p${w}`, 1))[0]?.sessionId).toBe(`w${w}-s${ROUNDS - 1}`);
    }
    // Every own status update landed (a neighbour's may have been overwritten by a later save: last write wins).
    expect(await sessions.count({ status: 'closed' })).toBeGreaterThan(0);
    await Promise.all([sessions.close(), traces.close(), projects.close()]);

    const db = new Database(path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  }, 120_000);
});
