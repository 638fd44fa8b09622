/**
 * The writer `crash.test.ts` kills: from batch argv[3] on, saves batches of argv[4] traces and sessions, each in
 * one transaction, printing `begin N` before and `commit N` after each, until it is killed.
 */
import { writeSync } from 'node:fs';
import { stateFixture } from '@ccflow/sessions/testing';
import { traceFixture } from '@ccflow/tracing/testing';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { SQLiteTraceStore } from '../src/sqlite-trace-store.ts';

const [path, firstArg, sizeArg] = process.argv.slice(2);
const size = Number(sizeArg);
const sessions = new SQLiteSessionStore(path);
const traces = new SQLiteTraceStore(path);
const prompt = 'Explain the failure in detail. '.repeat(20);

for (let batch = Number(firstArg); ; batch += 1) {
  writeSync(1, `begin ${batch}\n`);
  await traces.saveMany(
    Array.from({ length: size }, (_, i) =>
      traceFixture({
        traceId: `b${batch}-t${i}`,
        sessionId: `b${batch}-s${i % 10}`,
        sequenceNumber: i + 1,
        prompt,
        metadata: { batch, i },
      }),
    ),
  );
  await sessions.saveMany(
    Array.from({ length: size / 10 }, (_, i) =>
      stateFixture({
        sessionId: `b${batch}-s${i}`,
        tags: [`b${batch}`, 'all', `n${i}`],
        metadata: { batch },
      }),
    ),
  );
  writeSync(1, `commit ${batch}\n`);
}
