/**
 * One of the processes of `multi-process.test.ts`: on the store at argv[2] (connection string), schema argv[3],
 * adds 1 turn and 10 input tokens to session argv[4], argv[5] times, each a load and a save at the loaded version
 * (a save refused as stale is counted, and loaded and tried again), while it appends argv[6] traces to the session
 * in batches of 10 (`saveMany`), ids prefixed with argv[7]. Prints `ready`, starts when a line arrives on stdin,
 * prints a JSON summary; on error prints it and exits 1.
 */
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { StoreConflictError } from '@ccflow/sessions';
import { traceFixture } from '@ccflow/tracing/testing';
import { PostgresSessionStore } from '../src/postgres-session-store.ts';
import { PostgresTraceStore } from '../src/postgres-trace-store.ts';

const [url, schema, sessionId, turns, traceCount, prefix] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
];

try {
  const store = new PostgresSessionStore({ connectionString: url, schema });
  const traces = new PostgresTraceStore({ connectionString: url, schema });
  await store.count();
  writeSync(1, 'ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();
  const appending = (async () => {
    for (let i = 0; i < Number(traceCount); i += 10) {
      await traces.saveMany(
        Array.from({ length: 10 }, (_, j) =>
          traceFixture({ traceId: `${prefix}-${i + j}`, sessionId, sequenceNumber: i + j }),
        ),
      );
    }
  })();
  let conflicts = 0;
  for (let i = 0; i < Number(turns); i += 1) {
    for (;;) {
      const state = await store.load(sessionId);
      if (state === undefined) throw new Error(`no session ${sessionId}`);
      try {
        await store.save({
          ...state,
          turnCount: state.turnCount + 1,
          totalInputTokens: state.totalInputTokens + 10,
        });
        break;
      } catch (error) {
        if (!StoreConflictError.isInstance(error)) throw error;
        conflicts += 1;
      }
    }
  }
  await appending;
  await store.close();
  await traces.close();
  writeSync(1, `${JSON.stringify({ conflicts })}\n`);
} catch (error) {
  writeSync(1, `${JSON.stringify({ error: String(error) })}\n`);
  process.exit(1);
}
