/**
 * One of the processes of `session-writers.test.ts`: loads session argv[3] from the SQLite file argv[2] and runs
 * argv[4] turns on it (a mock executor: 10 input and 4 output tokens, $0.01 each), counting the saves its store
 * refused as stale. Prints `ready`, starts when a line arrives on stdin, prints a JSON summary; on error prints it
 * and exits 1.
 */
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { loadSession, type SessionState, StoreConflictError } from '@ccflow/sessions';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';

const [path, sessionId, turnsArg] = process.argv.slice(2) as [string, string, string];
const turns = Number(turnsArg);

/** Counts the conflicts, to show the writers really contended. */
class CountingStore extends SQLiteSessionStore {
  conflicts = 0;
  override async save(state: SessionState): Promise<number> {
    try {
      return await super.save(state);
    } catch (error) {
      if (StoreConflictError.isInstance(error)) this.conflicts += 1;
      throw error;
    }
  }
}

try {
  const store = new CountingStore(path);
  const executor = new MockExecutor(
    Array.from({ length: turns }, () => [
      mockLines.init({ sessionId }),
      mockLines.result({ sessionId, result: 'ok', inputTokens: 10, outputTokens: 4, costUsd: 0.01 }),
    ]),
  );
  const session = await loadSession(sessionId, store, { executor });
  if (!session) throw new Error(`no session ${sessionId}`);
  writeSync(1, 'ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();
  for (let i = 0; i < turns; i += 1) for await (const _ of session.sendMessage(`turn ${i}`));
  await store.close();
  writeSync(1, `${JSON.stringify({ conflicts: store.conflicts })}\n`);
} catch (error) {
  writeSync(1, `${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
}
