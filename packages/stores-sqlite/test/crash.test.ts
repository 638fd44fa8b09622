import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { SQLiteTraceStore } from '../src/sqlite-trace-store.ts';
import { finished, spawnWorker } from './spawn-worker.ts';
import { useTempDir } from './temp-dir.ts';

const temp = useTempDir();
const BATCH = 1000;

/** Starts the writer at batch `first`, kills it (SIGKILL) as soon as it begins batch `killAt`; its output. */
async function killMidBatch(path: string, first: number, killAt: number): Promise<string> {
  const child = spawnWorker('crash-worker.ts', [path, String(first), String(BATCH)]);
  const done = finished(child);
  let seen = '';
  child.stdout!.on('data', (chunk: Buffer | string) => {
    seen += String(chunk);
    if (seen.includes(`begin ${killAt}\n`)) child.kill('SIGKILL');
  });
  const result = await done;
  expect(result.stderr).toBe('');
  expect(result.signal).toBe('SIGKILL');
  return result.stdout;
}

describe('a writer killed with SIGKILL in the middle of a batch', () => {
  it('leaves a file that opens, passes integrity_check, holds every committed batch whole and no partial one', async () => {
    const path = temp.file();
    let next = 0;
    let killedMidBatch = 0;
    for (let round = 0; round < 3; round += 1) {
      const stdout = await killMidBatch(path, next, next + 3);
      const committed = [...stdout.matchAll(/^commit (\d+)$/gm)].map((m) => Number(m[1]));
      const begun = [...stdout.matchAll(/^begin (\d+)$/gm)].map((m) => Number(m[1]));
      const last = Math.max(...begun);
      expect(committed).toEqual(Array.from({ length: committed.length }, (_, i) => next + i));

      const db = new Database(path, { readonly: true });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      db.close();
      const traces = new SQLiteTraceStore(path);
      const sessions = new SQLiteSessionStore(path);
      for (let batch = next; batch <= last; batch += 1) {
        const sessionIds = Array.from({ length: 10 }, (_, i) => `b${batch}-s${i}`);
        const traceCount = (
          await Promise.all(sessionIds.map((sessionId) => traces.count({ sessionId })))
        ).reduce((a, b) => a + b);
        const sessionCount = await sessions.count({ tags: [`b${batch}`] });
        if (committed.includes(batch)) {
          expect(traceCount, `batch ${batch}`).toBe(BATCH);
          expect(sessionCount, `batch ${batch}`).toBe(BATCH / 10);
        } else {
          // The batch being written when the kill came: all of it or none of it, never a part.
          expect([0, BATCH], `batch ${batch} traces`).toContain(traceCount);
          expect([0, BATCH / 10], `batch ${batch} sessions`).toContain(sessionCount);
          if (traceCount === 0) killedMidBatch += 1;
        }
        for (const state of await sessions.list({ tags: [`b${batch}`] })) {
          expect(await sessions.count({ tags: state.tags })).toBe(1);
        }
      }
      await traces.close();
      await sessions.close();
      next = last + 1;
    }
    // The kills landed inside a transaction (the batch in flight was rolled back), not between batches.
    expect(killedMidBatch).toBeGreaterThan(0);
    const sessions = new SQLiteSessionStore(path);
    expect(await sessions.count({ tags: ['all'] })).toBe(await sessions.count());
    await sessions.close();
  }, 120_000);
});
