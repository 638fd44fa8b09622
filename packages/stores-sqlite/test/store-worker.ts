/**
 * One of the writers of `multi-process.test.ts`: saves sessions and traces, updates statuses (its own sessions'
 * and its neighbour's), saves batches, and reads back as it goes, all on the file in argv[2]. Opens the stores,
 * prints `ready`, and starts when a line arrives on stdin, so that all writers run at once. Prints a JSON summary;
 * on any error prints it and exits 1.
 */
import { once } from 'node:events';
import { writeSync } from 'node:fs';
import { stateFixture } from '@ccflow/sessions/testing';
import { traceFixture } from '@ccflow/tracing/testing';
import { SQLiteProjectStore } from '../src/sqlite-project-store.ts';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';
import { SQLiteTraceStore } from '../src/sqlite-trace-store.ts';

const [path, workerArg, roundsArg, workersArg] = process.argv.slice(2);
const worker = Number(workerArg);
const rounds = Number(roundsArg);
const neighbour = (worker + 1) % Number(workersArg);

function fail(message: string, error?: unknown): never {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  writeSync(1, `${JSON.stringify({ worker, error: message, code: cause?.code })}\n`);
  process.exit(1);
}

try {
  const sessions = new SQLiteSessionStore(path);
  const traces = new SQLiteTraceStore(path);
  const projects = new SQLiteProjectStore(path);
  await projects.save({
    projectId: `p${worker}`,
    version: 0,
    name: `Worker ${worker}`,
    description: '',
    parentProjectId: undefined,
    metadata: { worker },
    createdAt: new Date(),
    updatedAt: new Date(),
  });
  writeSync(1, 'ready\n');
  await once(process.stdin, 'data');
  process.stdin.destroy();
  const started = Date.now();
  let tracesSaved = 0;
  let statusUpdates = 0;
  for (let i = 0; i < rounds; i += 1) {
    const sessionId = `w${worker}-s${i}`;
    const state = stateFixture({
      sessionId,
      projectId: `p${worker}`,
      createdAt: new Date(Date.UTC(2025, 0, 1) + i * 1000),
      tags: [`w${worker}`, 'shared', i % 2 === 0 ? 'even' : 'odd'],
      metadata: { worker, i, text: `it's "${i}" 100%_` },
      turnCount: i,
    });
    await sessions.save(state);
    await traces.save(
      traceFixture({ traceId: `w${worker}-t${i}`, sessionId, projectId: `p${worker}`, sequenceNumber: 1 }),
    );
    tracesSaved += 1;
    if (i % 5 === 4) {
      await traces.saveMany(
        Array.from({ length: 5 }, (_, j) =>
          traceFixture({
            traceId: `w${worker}-b${i}-${j}`,
            sessionId,
            sequenceNumber: j + 2,
            status: 'pending',
          }),
        ),
      );
      tracesSaved += 5;
    }
    if (i % 3 === 2) {
      if (!(await sessions.updateStatus(`w${worker}-s${i - 1}`, 'closed')))
        fail(`own session ${i - 1} missing`);
      // The neighbour may not have written it yet: contention on shared rows, not an expected result.
      await sessions.updateStatus(`w${neighbour}-s${Math.max(0, i - 10)}`, 'error');
      statusUpdates += 1;
    }
    const loaded = await sessions.load(sessionId);
    if (loaded?.turnCount !== i) fail(`session ${sessionId} not read back`);
    if ((await traces.count({ sessionId })) < 1) fail(`traces of ${sessionId} not read back`);
    if (i % 10 === 0) {
      await sessions.list({ tags: ['shared', `w${worker}`], limit: 20 });
      await sessions.count({ projectId: `p${worker}` });
      await traces.list({ projectId: `p${worker}`, limit: 20 });
      await projects.getProjectSessions(`p${worker}`, 5);
    }
  }
  const ended = Date.now();
  await Promise.all([sessions.close(), traces.close(), projects.close()]);
  const summary = { worker, sessions: rounds, traces: tracesSaved, statusUpdates, started, ended };
  writeSync(1, `${JSON.stringify(summary)}\n`);
} catch (error) {
  fail((error as Error).message, error);
}
