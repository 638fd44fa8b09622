/**
 * SQLite store bench: save, load, filtered list and cleanup at 100k sessions and 1M traces, each against raw
 * better-sqlite3 prepared statements doing the same work (`raw.ts`) in the same run, on a file of the same
 * schema. Targets: the store within 1.5x of raw for save and load; a filtered page of 50 from 100k sessions at
 * most 2x the same page from 1k sessions (index-bound growth).
 *
 * Most records are saved in batches of 1000 (`saveMany`, one transaction each) to keep 1M affordable on 2 cores;
 * the last 10k sessions and 10k traces one per transaction (`save`, as a session does turn by turn), at full
 * scale.
 *
 * Env: `BENCH_STORES_SESSIONS` (default 100000), `BENCH_STORES_TRACES` (default 1000000).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { BASE_MS, SESSION_FILTERS, SPAN_MS, session, sessionId, trace, traceId } from './data.ts';
import { RawBaseline } from './raw.ts';

const SESSIONS = Number(process.env.BENCH_STORES_SESSIONS ?? 100_000);
const TRACES = Number(process.env.BENCH_STORES_TRACES ?? 1_000_000);
const SMALL = 1_000;
const SINGLE_SESSIONS = Math.min(10_000, SESSIONS);
const SINGLE_TRACES = Math.min(10_000, TRACES);
const BATCH = 1_000;
const LOADS = 20_000;
const LIST_ROUNDS = 300;
const SAVE_LOAD_TARGET = 1.5;
const GROWTH_TARGET = 2;

const now = () => Number(process.hrtime.bigint()) / 1e6;
async function timed(run: () => unknown): Promise<number> {
  const start = now();
  await run();
  return now() - start;
}

/**
 * Median ms of one call of each of `runs`, after a warm-up; the calls take turns, round after round, so a busy
 * moment of the machine falls on all of them alike.
 */
async function medians(runs: (() => unknown)[], rounds = LIST_ROUNDS): Promise<number[]> {
  for (let i = 0; i < 20; i += 1) for (const run of runs) await run();
  const times = runs.map((): number[] => []);
  for (let i = 0; i < rounds; i += 1) {
    for (let j = 0; j < runs.length; j += 1) {
      const k = (i + j) % runs.length;
      times[k]!.push(await timed(runs[k]!));
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/**
 * Runs both sides over `items` in chunks of 500, alternating which goes first, and sums each side's time: the
 * disk's background work (the kernel writing back the bulk load, WAL checkpoints) falls on both alike.
 */
async function alternating<T>(
  items: T[],
  store: (chunk: T[]) => Promise<number>,
  raw: (chunk: T[]) => Promise<number>,
): Promise<[number, number]> {
  let storeTime = 0;
  let rawTime = 0;
  for (let i = 0; i < items.length; i += 500) {
    const chunk = items.slice(i, i + 500);
    if ((i / 500) % 2 === 0) {
      storeTime += await store(chunk);
      rawTime += await raw(chunk);
    } else {
      rawTime += await raw(chunk);
      storeTime += await store(chunk);
    }
  }
  return [storeTime, rawTime];
}

/** A seeded sample of indexes below `n`, for loads in an order neither side's cache predicts. */
function sample(n: number, count: number): number[] {
  let x = 12345;
  return Array.from({ length: count }, () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x % n;
  });
}

const rows: string[][] = [];
let missed = 0;
function row(
  operation: string,
  store: number,
  raw: number,
  per: number,
  unit: string,
  target?: number,
): void {
  const ratio = store / raw;
  const verdict = target === undefined ? '' : ratio <= target ? `<= ${target}x OK` : `<= ${target}x MISSED`;
  if (target !== undefined && ratio > target) missed += 1;
  const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
  const each = (ms: number) => `${((ms * 1000) / per).toFixed(1)} ${unit}`;
  rows.push([
    operation,
    `${fmt(store)} (${each(store)})`,
    `${fmt(raw)} (${each(raw)})`,
    `${ratio.toFixed(2)}x`,
    verdict,
  ]);
}
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench sanity check failed: ${what}`);
}

const dir = mkdtempSync(join(tmpdir(), 'ccflow-bench-stores-'));
const storePath = join(dir, 'store.db');
const rawPath = join(dir, 'raw.db');
const smallPath = join(dir, 'small.db');
const started = now();
try {
  await new SQLiteSessionStore(rawPath).close(); // the raw file gets the stores' schema, then is used raw
  const sessions = new SQLiteSessionStore(storePath);
  const traces = new SQLiteTraceStore(storePath);
  const raw = new RawBaseline(rawPath);
  console.log(`stores bench: ${SESSIONS} sessions, ${TRACES} traces, files in ${dir}`);

  // Save: most records in batches (one transaction each), then the last ones one per transaction, at full scale.
  const states = Array.from({ length: SESSIONS }, (_, i) => session(i, SESSIONS));
  const bulkSessions = SESSIONS - SINGLE_SESSIONS;
  let storeTime = 0;
  let rawTime = 0;
  for (let i = 0; i < bulkSessions; i += BATCH) {
    const batch = states.slice(i, Math.min(i + BATCH, bulkSessions));
    storeTime += await timed(() => sessions.saveMany(batch));
    rawTime += await timed(() => raw.saveSessions(batch));
  }
  row(
    `save session x${bulkSessions} (batches of ${BATCH})`,
    storeTime,
    rawTime,
    bulkSessions,
    'us',
    SAVE_LOAD_TARGET,
  );
  [storeTime, rawTime] = await alternating(
    states.slice(bulkSessions),
    (chunk) =>
      timed(async () => {
        for (const s of chunk) await sessions.save(s);
      }),
    (chunk) =>
      timed(() => {
        for (const s of chunk) raw.saveSession(s);
      }),
  );
  row(
    `save session x${SINGLE_SESSIONS} (1 txn each)`,
    storeTime,
    rawTime,
    SINGLE_SESSIONS,
    'us',
    SAVE_LOAD_TARGET,
  );

  const bulkTraces = TRACES - SINGLE_TRACES;
  storeTime = 0;
  rawTime = 0;
  for (let i = 0; i < bulkTraces; i += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, bulkTraces - i) }, (_, j) => trace(i + j, SESSIONS));
    storeTime += await timed(() => traces.saveMany(batch));
    rawTime += await timed(() => raw.saveTraces(batch));
  }
  row(
    `save trace x${bulkTraces} (batches of ${BATCH})`,
    storeTime,
    rawTime,
    bulkTraces,
    'us',
    SAVE_LOAD_TARGET,
  );
  [storeTime, rawTime] = await alternating(
    Array.from({ length: SINGLE_TRACES }, (_, j) => trace(bulkTraces + j, SESSIONS)),
    (chunk) =>
      timed(async () => {
        for (const t of chunk) await traces.save(t);
      }),
    (chunk) =>
      timed(() => {
        for (const t of chunk) raw.saveTrace(t);
      }),
  );
  row(`save trace x${SINGLE_TRACES} (1 txn each)`, storeTime, rawTime, SINGLE_TRACES, 'us', SAVE_LOAD_TARGET);
  check((await traces.count()) === TRACES && (await sessions.count()) === SESSIONS, 'every record saved');

  // Load by id, in a seeded random order.
  const sessionIds = sample(SESSIONS, LOADS).map(sessionId);
  for (const id of sessionIds.slice(0, 50)) {
    check(isDeepStrictEqual(await sessions.load(id), raw.loadSession(id)), `store and raw load ${id} alike`);
  }
  const [storeLoad, rawLoad] = await alternating(
    sessionIds,
    (chunk) =>
      timed(async () => {
        for (const id of chunk) await sessions.load(id);
      }),
    (chunk) =>
      timed(() => {
        for (const id of chunk) raw.loadSession(id);
      }),
  );
  row(`load session x${LOADS}`, storeLoad, rawLoad, LOADS, 'us', SAVE_LOAD_TARGET);
  const traceIds = sample(TRACES, LOADS).map(traceId);
  for (const id of traceIds.slice(0, 50)) {
    check(isDeepStrictEqual(await traces.load(id), raw.loadTrace(id)), `store and raw load ${id} alike`);
  }
  const [storeTraceLoad, rawTraceLoad] = await alternating(
    traceIds,
    (chunk) =>
      timed(async () => {
        for (const id of chunk) await traces.load(id);
      }),
    (chunk) =>
      timed(() => {
        for (const id of chunk) raw.loadTrace(id);
      }),
  );
  row(`load trace x${LOADS}`, storeTraceLoad, rawTraceLoad, LOADS, 'us', SAVE_LOAD_TARGET);

  // A filtered page of 50: the store against raw at 100k, and against itself at 1k.
  const small = new SQLiteSessionStore(smallPath);
  await small.saveMany(Array.from({ length: SMALL }, (_, i) => session(i, SMALL)));
  const growth: string[][] = [];
  let growthMissed = 0;
  for (const { name, filter } of SESSION_FILTERS) {
    const page = { ...filter, limit: 50 };
    const listed = await sessions.list(page);
    check(isDeepStrictEqual(listed, raw.listSessions(name)), `store and raw list ${name} alike`);
    check(
      listed.length === 50 && (await small.list(page)).length === 50,
      `${name} fills a page at both sizes`,
    );
    const [big, rawBig, little] = (await medians([
      () => sessions.list(page),
      () => raw.listSessions(name),
      () => small.list(page),
    ])) as [number, number, number];
    row(`list page of 50: ${name}`, big, rawBig, 1, 'us/page');
    const ratio = big / little;
    if (ratio > GROWTH_TARGET) growthMissed += 1;
    growth.push([
      name,
      `${(little * 1000).toFixed(0)} us`,
      `${(big * 1000).toFixed(0)} us`,
      `${ratio.toFixed(2)}x`,
      ratio <= GROWTH_TARGET ? `<= ${GROWTH_TARGET}x OK` : `<= ${GROWTH_TARGET}x MISSED`,
    ]);
  }
  missed += growthMissed;
  await small.close();

  // Cleanup: everything last updated in the first tenth of the span.
  const age = Date.now() - (BASE_MS + SPAN_MS / 10);
  let deletedSessions = 0;
  const storeCleanup = await timed(async () => {
    deletedSessions = await sessions.cleanup(age);
  });
  let rawDeleted = 0;
  const rawCleanup = await timed(() => {
    rawDeleted = raw.cleanupSessions(age);
  });
  check(deletedSessions === rawDeleted && deletedSessions > 0, 'both cleanups delete the same sessions');
  row(`cleanup sessions (${deletedSessions} deleted)`, storeCleanup, rawCleanup, deletedSessions, 'us');
  let deletedTraces = 0;
  const storeTraceCleanup = await timed(async () => {
    deletedTraces = await traces.cleanup(age);
  });
  const rawTraceCleanup = await timed(() => {
    rawDeleted = raw.cleanupTraces(age);
  });
  check(deletedTraces === rawDeleted && deletedTraces > 0, 'both cleanups delete the same traces');
  row(`cleanup traces (${deletedTraces} deleted)`, storeTraceCleanup, rawTraceCleanup, deletedTraces, 'us');

  await sessions.close();
  await traces.close();
  raw.close();

  const widths = [44, 26, 26, 8, 16];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  console.log('');
  console.log(line(['operation', 'store', 'raw better-sqlite3', 'ratio', 'target']));
  for (const r of rows) console.log(line(r));
  console.log('');
  console.log(`index-bound growth: a filtered page of 50, ${SMALL} vs ${SESSIONS} sessions (store, median)`);
  console.log(line(['filter', `${SMALL} sessions`, `${SESSIONS} sessions`, 'ratio', 'target']));
  for (const r of growth) console.log(line(r));
  console.log('');
  const mb = (path: string) => `${(statSync(path).size / 1e6).toFixed(0)} MB`;
  console.log(
    `files: store ${mb(storePath)}, raw ${mb(rawPath)}; total bench time ${((now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(missed === 0 ? 'all targets met' : `${missed} target(s) missed`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
if (missed > 0) process.exitCode = 1;
