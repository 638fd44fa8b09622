/**
 * PostgreSQL store bench: save (batches and one per call), update at a version, load, a filtered page of 50 and
 * cleanup, each timed three ways in one run on one machine: `PostgresSessionStore`/`PostgresTraceStore`, raw `pg`
 * statements doing the same work on tables of the same schema (prepared, every value a parameter, rows returned
 * as the driver gives them: the floor for a store on `pg`), and `SQLiteSessionStore`/`SQLiteTraceStore` on a file.
 * The server is `@ccflow/testing`'s `startPostgres` (fsync off: a bench of the store's work, not of the disk), on
 * loopback, so every call pays a round trip that the embedded SQLite does not.
 *
 * Env: `BENCH_PG_SESSIONS` (default 10000), `BENCH_PG_TRACES` (default 50000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { SessionState } from '@ccflow/sessions';
import { PostgresSessionStore, PostgresTraceStore } from '@ccflow/stores-postgres';
import { SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { startPostgres } from '@ccflow/testing';
import pg from 'pg';
import { BASE_MS, SESSION_FILTERS, SPAN_MS, session, sessionId, trace, traceId } from '../stores/data.ts';
import { RawPostgres } from './raw.ts';

const SESSIONS = Number(process.env.BENCH_PG_SESSIONS ?? 10_000);
const TRACES = Number(process.env.BENCH_PG_TRACES ?? 50_000);
const BATCH = 500;
const SINGLE = 2_000;
const LOADS = 5_000;
const ROUNDS = 100;

const now = () => Number(process.hrtime.bigint()) / 1e6;
async function timed(run: () => unknown): Promise<number> {
  const start = now();
  await run();
  return now() - start;
}

/** Median ms of one call of each of `runs`, taking turns round after round, after a warm-up. */
async function medians(runs: (() => unknown)[]): Promise<number[]> {
  for (let i = 0; i < 10; i += 1) for (const run of runs) await run();
  const times = runs.map((): number[] => []);
  for (let i = 0; i < ROUNDS; i += 1) {
    for (let j = 0; j < runs.length; j += 1) {
      const k = (i + j) % runs.length;
      times[k]!.push(await timed(runs[k]!));
    }
  }
  return times.map((t) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!);
}

/** Runs each side over `items` in chunks of `size`, taking turns at going first; sums each side's time. */
async function alternating<T>(
  items: T[],
  size: number,
  sides: ((chunk: T[]) => Promise<unknown>)[],
): Promise<number[]> {
  const totals = sides.map(() => 0);
  for (let i = 0, n = 0; i < items.length; i += size, n += 1) {
    const chunk = items.slice(i, i + size);
    for (let j = 0; j < sides.length; j += 1) {
      const k = (j + n) % sides.length;
      totals[k]! += await timed(() => sides[k]!(chunk));
    }
  }
  return totals;
}

const rows: string[][] = [];
function row(operation: string, per: number, [store, raw, sqlite]: number[]): void {
  const each = (ms: number) => `${((ms * 1000) / per).toFixed(0)} us`;
  rows.push([
    operation,
    each(store!),
    each(raw!),
    `${(store! / raw!).toFixed(2)}x`,
    each(sqlite!),
    `${(store! / sqlite!).toFixed(2)}x`,
  ]);
}
function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`bench sanity check failed: ${what}`);
}

const started = now();
const server = await startPostgres();
const dir = mkdtempSync(join(tmpdir(), 'ccflow-bench-pg-'));
const pool = new pg.Pool({ connectionString: server.url, max: 4 });
try {
  const options = { pool, schema: 'store' };
  const sessions = new PostgresSessionStore(options);
  const traces = new PostgresTraceStore(options);
  await new PostgresSessionStore({ pool, schema: 'raw' }).count(); // the raw tables get the stores' schema
  const raw = new RawPostgres(pool, 'raw');
  const litePath = join(dir, 'sqlite.db');
  const liteSessions = new SQLiteSessionStore(litePath);
  const liteTraces = new SQLiteTraceStore(litePath);
  const { rows: version } = await pool.query('SHOW server_version');
  console.log(
    `postgres store bench: PostgreSQL ${version[0].server_version}, ${SESSIONS} sessions, ${TRACES} traces`,
  );

  const states = Array.from({ length: SESSIONS }, (_, i) => session(i, SESSIONS));
  const bulk = SESSIONS - SINGLE;
  row(
    `save session x${bulk} (saveMany of ${BATCH})`,
    bulk,
    await alternating(states.slice(0, bulk), BATCH, [
      (c) => sessions.saveMany(c),
      (c) => raw.saveSessions(c),
      (c) => liteSessions.saveMany(c),
    ]),
  );
  const each = (save: (s: SessionState) => Promise<unknown>) => async (chunk: SessionState[]) => {
    for (const s of chunk) await save(s);
  };
  row(
    `save session x${SINGLE} (1 call each)`,
    SINGLE,
    await alternating(states.slice(bulk), 100, [
      each((s) => sessions.save(s)),
      each((s) => raw.saveSession(s)),
      each((s) => liteSessions.save(s)),
    ]),
  );
  const updated = states.slice(bulk).map((s) => ({ ...s, version: 1, turnCount: s.turnCount + 1 }));
  row(
    `update session x${SINGLE} (at version 1)`,
    SINGLE,
    await alternating(updated, 100, [
      each((s) => sessions.save(s)),
      each((s) => raw.updateSession(s)),
      each((s) => liteSessions.save(s)),
    ]),
  );
  const traceBatches = Array.from({ length: Math.ceil(TRACES / BATCH) }, (_, b) =>
    Array.from({ length: Math.min(BATCH, TRACES - b * BATCH) }, (_, j) => trace(b * BATCH + j, SESSIONS)),
  );
  row(
    `save trace x${TRACES} (saveMany of ${BATCH})`,
    TRACES,
    await alternating(traceBatches, 1, [
      async ([b]) => traces.saveMany(b!),
      async ([b]) => raw.saveTraces(b!),
      async ([b]) => liteTraces.saveMany(b!),
    ]),
  );
  check((await sessions.count()) === SESSIONS && (await traces.count()) === TRACES, 'every record saved');

  const ids = Array.from({ length: LOADS }, (_, i) => sessionId((i * 7919) % SESSIONS));
  const loaded = await sessions.load(ids[0]!);
  // JSONB keeps object keys in its own order: compare as values.
  check(isDeepStrictEqual(loaded, await liteSessions.load(ids[0]!)), 'both stores load alike');
  row(
    `load session x${LOADS}`,
    LOADS,
    await alternating(ids, 250, [
      async (c) => {
        for (const id of c) await sessions.load(id);
      },
      async (c) => {
        for (const id of c) await raw.loadSession(id);
      },
      async (c) => {
        for (const id of c) await liteSessions.load(id);
      },
    ]),
  );
  const tids = Array.from({ length: LOADS }, (_, i) => traceId((i * 7919) % TRACES));
  row(
    `load trace x${LOADS}`,
    LOADS,
    await alternating(tids, 250, [
      async (c) => {
        for (const id of c) await traces.load(id);
      },
      async (c) => {
        for (const id of c) await raw.loadTrace(id);
      },
      async (c) => {
        for (const id of c) await liteTraces.load(id);
      },
    ]),
  );
  await pool.query('ANALYZE store.sessions, store.traces, raw.sessions, raw.traces');
  for (const { name, filter } of SESSION_FILTERS) {
    const page = { ...filter, limit: 50 };
    const listed = await sessions.list(page);
    check(listed.length === 50, `${name} fills a page`);
    check(
      JSON.stringify(listed.map((s) => s.sessionId)) ===
        JSON.stringify((await raw.listSessions(page)).map((r) => r.session_id)),
      `store and raw list ${name} alike`,
    );
    row(
      `list page of 50: ${name}`,
      1,
      await medians([() => sessions.list(page), () => raw.listSessions(page), () => liteSessions.list(page)]),
    );
  }
  row(
    'list page of 50: traces of one session',
    1,
    await medians([
      () => traces.list({ sessionId: sessionId(7) }),
      () => raw.listSessionTraces(sessionId(7)),
      () => liteTraces.list({ sessionId: sessionId(7) }),
    ]),
  );

  const age = Date.now() - (BASE_MS + SPAN_MS / 10);
  const deleted: number[] = [];
  const cleanup = [
    await timed(async () => deleted.push(await sessions.cleanup(age))),
    await timed(async () => deleted.push(await raw.cleanupSessions(age))),
    await timed(async () => deleted.push(await liteSessions.cleanup(age))),
  ];
  check(
    deleted[0] === deleted[1] && deleted[1] === deleted[2] && deleted[0]! > 0,
    'the cleanups delete alike',
  );
  row(`cleanup sessions (${deleted[0]} deleted)`, deleted[0]!, cleanup);

  for (const store of [sessions, traces, liteSessions, liteTraces]) await store.close();
  const widths = [42, 12, 12, 8, 12, 8];
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  console.log('');
  console.log(
    line(['operation (time per record or page)', 'pg store', 'raw pg', 'ratio', 'sqlite', 'pg/sqlite']),
  );
  for (const r of rows) console.log(line(r));
  console.log(`\ntotal bench time ${((now() - started) / 1000).toFixed(1)} s`);
} finally {
  await pool.end();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
