import { once } from 'node:events';
import { stateFixture } from '@ccflow/sessions/testing';
import { traceFixture } from '@ccflow/tracing/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresSessionStore } from '../src/postgres-session-store.ts';
import { PostgresTraceStore } from '../src/postgres-trace-store.ts';
import { finished, spawnWorker } from './spawn-worker.ts';
import { usePostgres } from './use-postgres.ts';

const db = usePostgres('writers_suite');

afterEach(() => db.dropSchemas());

describe('several processes writing one PostgreSQL database at once', () => {
  it('versioned saves of one session and trace appends from 3 processes: no lost write, no error', async () => {
    const PROCESSES = 3;
    const TURNS = 40;
    const TRACES = 100;
    const options = { connectionString: db.url, schema: db.schema() };
    const store = new PostgresSessionStore(options);
    const traces = new PostgresTraceStore(options);
    const session = { sessionId: 'shared' };
    await store.save(stateFixture({ sessionId: session.sessionId }));
    const children = Array.from({ length: PROCESSES }, (_, i) =>
      spawnWorker('writer-worker.ts', [
        db.url,
        options.schema,
        session.sessionId,
        String(TURNS),
        String(TRACES),
        `w${i}`,
      ]),
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
    expect(
      conflicts.reduce((a, b) => a + b),
      JSON.stringify(conflicts),
    ).toBeGreaterThan(0);
    const stored = (await store.load(session.sessionId))!;
    expect(stored).toMatchObject({
      turnCount: PROCESSES * TURNS,
      totalInputTokens: PROCESSES * TURNS * 10,
      version: PROCESSES * TURNS + 1,
    });
    expect(await traces.count({ sessionId: session.sessionId })).toBe(PROCESSES * TRACES);
    await store.close();
    await traces.close();
  }, 60_000);

  it('batches that write the same traces in opposite orders end in one winner and conflicts, never a deadlock error', async () => {
    const options = { connectionString: db.url, schema: db.schema() };
    const a = new PostgresTraceStore(options);
    const b = new PostgresTraceStore({ ...options, poolSize: 2 });
    const ids = Array.from({ length: 50 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    await a.saveMany(ids.map((traceId) => traceFixture({ traceId, sessionId: 's' })));
    for (let round = 1; round <= 5; round += 1) {
      const batch = (order: string[], response: string) =>
        order.map((traceId) => traceFixture({ traceId, sessionId: 's', version: round, response }));
      const outcomes = await Promise.allSettled([
        a.saveMany(batch(ids, 'a')),
        b.saveMany(batch(ids.toReversed(), 'b')),
      ]);
      const won = outcomes.filter((o) => o.status === 'fulfilled');
      expect(won, `round ${round}: ${JSON.stringify(outcomes)}`).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(lost.reason).toMatchObject({
        code: 'STORE_CONFLICT',
        expectedVersion: round,
        actualVersion: round + 1,
      });
      const responses = new Set((await a.list({ sessionId: 's' })).map((t) => t.response));
      expect(responses.size, 'one batch landed whole').toBe(1);
    }
    await a.close();
    await b.close();
  }, 30_000);
  it('a cleanup and a batch that lock the same rows in opposite orders deadlock; the store retries, no caller sees it', async () => {
    // Deadlocks are found after deadlock_timeout (1 s by default): 100 ms keeps the test short.
    await db.admin.query("ALTER DATABASE writers_suite SET deadlock_timeout = '100ms'");
    const options = { connectionString: db.url, schema: db.schema() };
    /** The server's count of deadlocks in the database (a backend reports its own when it ends). */
    const deadlocks = async () => {
      const { rows } = await db.admin.query(
        "SELECT deadlocks FROM pg_stat_database WHERE datname = 'writers_suite'",
      );
      return Number(rows[0].deadlocks);
    };
    const before = await deadlocks();
    const hour = 3_600_000;
    const ids = Array.from({ length: 300 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    // Timing decides whether a round deadlocks: rounds run until the server has counted one (most runs: the first).
    for (let round = 0; round < 8 && (await deadlocks()) === before; round += 1) {
      const sessions = new PostgresSessionStore(options);
      const other = new PostgresSessionStore({ ...options, poolSize: 2 });
      // Saved s299 first, so the cleanup (a scan in table order, or by updated_at upwards) deletes s299 first;
      // the batch writes in id order, s000 first.
      const old = ids.map((sessionId, i) =>
        stateFixture({ sessionId, updatedAt: new Date(Date.now() - 2 * hour - i * 1000) }),
      );
      for (const state of old.toReversed()) await sessions.save(state);
      await other.count();
      const touched = old.map((s) => ({ ...s, version: 1, updatedAt: new Date() }));
      // The batch first, so it holds the low ids when the cleanup, coming down from the top, reaches them.
      const saving = other.saveMany(touched);
      await new Promise((resolve) => setTimeout(resolve, 10 + (round % 4) * 15));
      const [cleaned, saved] = await Promise.allSettled([sessions.cleanup(hour), saving]);
      expect(cleaned.status, String((cleaned as PromiseRejectedResult).reason)).toBe('fulfilled');
      const deleted = (cleaned as PromiseFulfilledResult<number>).value;
      if (saved.status === 'fulfilled') {
        expect(deleted).toBe(0);
        expect(await sessions.count()).toBe(300);
      } else {
        expect(saved.reason, String(saved.reason)).toMatchObject({
          code: 'STORE_CONFLICT',
          actualVersion: 0,
        });
        expect(deleted).toBe(300);
        expect(await sessions.count()).toBe(0);
      }
      for (const id of ids) await sessions.delete(id);
      await sessions.close();
      await other.close();
      for (let i = 0; i < 20 && (await deadlocks()) === before; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    // The scenario really deadlocked (the server counted it), and no caller saw it.
    expect(await deadlocks()).toBeGreaterThan(before);
  }, 60_000);
});
