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
  it('versioned saves of one session and trace appends from 4 processes: no lost write, no error', async () => {
    const PROCESSES = 4;
    const TURNS = 30;
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
});
