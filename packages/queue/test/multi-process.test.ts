import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { isGone, processesWithEnv, type RedisServer, startRedis, until } from '@ccflow/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * The proof across processes: 3 worker processes and 2 producer processes on one Redis, 300 jobs, about one in five
 * aborted at a random moment, one worker SIGKILLed while it runs jobs. Every job ends exactly once for its caller,
 * with the whole output of one run, an abort, or a clean `WORKER_LOST`; never duplicated or lost output.
 */

const MARK = `ccflow-queue-proof-${randomUUID()}`;
let redis: RedisServer;
const children: ChildProcess[] = [];

function start(script: string, args: string[]): ChildProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@ccflow/source', join(import.meta.dirname, script), ...args],
    {
      cwd: import.meta.dirname,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PROOF_MARK: MARK },
    },
  );
  children.push(child);
  return child;
}

const lines = (child: ChildProcess) => {
  const out: string[] = [];
  let rest = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    out.push(...parts);
  });
  return out;
};
const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await redis?.stop();
});

interface Outcome {
  prompt: string;
  outcome: string;
  texts: string[];
  result?: string;
  aborted: boolean;
}

it('3 workers, 2 producers, 300 jobs, random aborts, a worker SIGKILLed: each job ends once, output whole or cleanly cut', async () => {
  const queue = 'proof';
  const workers = [0, 1, 2].map(() => start('proof-worker.ts', [redis.url, queue]));
  const ready = workers.map(lines);
  await until(() => ready.every((l) => l.includes('ready')), 30_000, 'workers ready');
  const producers = ['p1', 'p2'].map((name, i) =>
    start('proof-producer-worker.ts', [redis.url, queue, name, '150', String(i + 7)]),
  );
  const reports = producers.map(lines);
  const started = performance.now();

  // Kill a worker while it runs jobs: 250 ms after it started its 15th run, its 10 slots are busy, jobs half done.
  const victim = workers[0]!;
  await until(() => ready[0]!.filter((l) => l.startsWith('run ')).length >= 15, 30_000, 'victim busy');
  await new Promise((r) => setTimeout(r, 250));
  victim.kill('SIGKILL');
  const victimPrompts = new Set(ready[0]!.filter((l) => l.startsWith('run ')).map((l) => l.split(' ')[2]!));

  await Promise.all(producers.map(exited));
  const elapsed = performance.now() - started;
  for (const w of workers.slice(1)) w.kill('SIGTERM');
  await Promise.all(workers.map(exited));

  const outcomes = reports
    .flat()
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Outcome);
  // Each job ended exactly once for its caller.
  expect(outcomes).toHaveLength(300);
  expect(new Set(outcomes.map((o) => o.prompt)).size).toBe(300);
  const tally: Record<string, number> = {};
  let victimFinished = 0;
  for (const o of outcomes) {
    tally[o.outcome] = (tally[o.outcome] ?? 0) + 1;
    // Every text of a job comes from one run, in order, none twice.
    const runs = new Set(o.texts.map((t) => t.split(' ')[2]));
    expect(runs.size, o.prompt).toBeLessThanOrEqual(1);
    expect(o.texts, o.prompt).toEqual(o.texts.map((t, i) => `${o.prompt} ${i} ${t.split(' ')[2]}`));
    if (o.outcome === 'ok') {
      // The whole output of one run.
      expect(o.texts, o.prompt).toHaveLength(10);
      expect(o.result, o.prompt).toBe(`${o.prompt} done ${[...runs][0]}`);
      if ([...runs][0]!.startsWith(`${victim.pid}.`)) victimFinished++;
    } else if (o.outcome === 'ABORTED') {
      expect(o.aborted, o.prompt).toBe(true);
    } else {
      // Cut by the kill after part of it had reached the caller: a clean typed error, never a repeat.
      expect(o.outcome, o.prompt).toBe('WORKER_LOST');
      expect(o.texts[0]?.split(' ')[2]?.startsWith(`${victim.pid}.`), o.prompt).toBe(true);
    }
  }
  // Jobs the killed worker had started that another worker ran again, whole (none of their output had been taken).
  const handedOver = outcomes.filter(
    (o) => o.outcome === 'ok' && victimPrompts.has(o.prompt) && !o.texts[0]!.includes(` ${victim.pid}.`),
  ).length;
  console.log(
    'proof outcomes',
    tally,
    { victimRuns: victimPrompts.size, victimFinished, handedOver },
    `in ${Math.round(elapsed)} ms`,
  );
  // The killed worker had jobs in flight that it never finished.
  expect(victimPrompts.size - victimFinished).toBeGreaterThan(0);
  expect(handedOver + (tally.WORKER_LOST ?? 0)).toBeGreaterThan(0);
  expect(tally.ok! + (tally.ABORTED ?? 0) + (tally.WORKER_LOST ?? 0)).toBe(300);
  expect(tally.ok).toBeGreaterThan(200);

  // Nothing is left: no process, no job waiting or running.
  await until(() => [...workers, ...producers].every((c) => isGone(c.pid!)), 10_000, 'processes gone');
  expect(processesWithEnv(MARK)).toEqual([]);
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const q = new Queue(queue, { connection });
  expect(await q.getJobCounts('wait', 'active', 'delayed', 'prioritized')).toEqual({
    wait: 0,
    active: 0,
    delayed: 0,
    prioritized: 0,
  });
  await q.close();
  connection.disconnect();
}, 60_000);
