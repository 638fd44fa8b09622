import { randomUUID } from 'node:crypto';
import { StoreError } from '@ccflow/sessions';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRACE_STATUSES, type TraceData, type TraceFilter, type TraceStore } from '../trace-store.ts';
import { mulberry32, pick, traceFixture } from './fixtures.ts';

export interface TraceStoreConformanceOptions<S extends TraceStore> {
  /** Runs after each test, once the store is closed: remove its file, drop its database. */
  cleanup?: (store: S) => void | Promise<void>;
}

/**
 * The `TraceStore` contract as a vitest suite: call it at the top level of a test file with a factory that
 * returns a new, empty store. Every test gets its own store and closes it. A store that passes can stand in
 * for `MemoryTraceStore` anywhere.
 */
export function traceStoreConformance<S extends TraceStore>(
  name: string,
  factory: () => S | Promise<S>,
  options: TraceStoreConformanceOptions<S> = {},
): void {
  describe(name, () => {
    let store: S;
    let closed: boolean;

    beforeEach(async () => {
      store = await factory();
      closed = false;
      expect(await store.count(), 'the factory must return an empty store').toBe(0);
    });

    afterEach(async () => {
      if (!closed) await store.close();
      await options.cleanup?.(store);
    });

    async function saveAll(traces: TraceData[]): Promise<void> {
      for (const trace of traces) await store.save(trace);
    }

    async function listIds(filter?: TraceFilter): Promise<string[]> {
      return ids(await store.list(filter));
    }

    describe('save and load', () => {
      it('round-trips every field exactly', async () => {
        const trace = richTrace();
        await store.save(trace);
        const loaded = await store.load(trace.traceId);
        expect(loaded).toEqual(trace);
        expect(loaded?.createdAt).toBeInstanceOf(Date);
        expect(loaded?.updatedAt).toBeInstanceOf(Date);
        expect(loaded?.createdAt.getTime()).toBe(trace.createdAt.getTime());
        expect(loaded?.updatedAt.getTime()).toBe(trace.updatedAt.getTime());
        expect(await store.list()).toEqual([trace]);
      });

      it('keeps absent optional fields undefined, not null', async () => {
        const trace = traceFixture();
        await store.save(trace);
        for (const found of [await store.load(trace.traceId), (await store.list())[0]]) {
          expect(found).toEqual(trace);
          expect(found?.projectId).toBeUndefined();
          expect(found?.parentTraceId).toBeUndefined();
          expect(found?.context).toBeUndefined();
          expect(found?.messageStream).toBeUndefined();
          expect(found?.model).toBeUndefined();
          expect(found?.errorMessage).toBeUndefined();
          expect(found?.resumeAt).toBeUndefined();
          expect(found?.otelTraceId).toBeUndefined();
          expect(found?.otelSpanId).toBeUndefined();
          expect(found?.toolCalls).toEqual([]);
          expect(found?.optionsSnapshot).toEqual({});
          expect(found?.metadata).toEqual({});
        }
      });

      it('keeps empty JSON empty, not undefined: [] and {} are not absent', async () => {
        const trace = traceFixture({
          messageStream: [],
          context: {},
          toolCalls: [],
          prompt: '',
          response: '',
        });
        await store.save(trace);
        const loaded = await store.load(trace.traceId);
        expect(loaded?.messageStream).toEqual([]);
        expect(loaded?.context).toEqual({});
        expect(loaded?.prompt).toBe('');
        expect(loaded).toEqual(trace);
      });

      it('round-trips dates before the epoch and far ahead, to the millisecond', async () => {
        const early = traceFixture({
          createdAt: new Date('1969-12-31T23:59:59.999Z'),
          updatedAt: new Date('1900-01-01T00:00:00.001Z'),
        });
        const late = traceFixture({
          createdAt: new Date('2999-12-31T23:59:59.999Z'),
          updatedAt: new Date(Date.UTC(2100, 5, 15, 12, 30, 45, 1)),
        });
        await saveAll([early, late]);
        expect(await store.load(early.traceId)).toEqual(early);
        expect(await store.load(late.traceId)).toEqual(late);
        expect(await listIds()).toEqual([early.traceId, late.traceId]);
      });

      it('replaces the whole trace: last write wins, no duplicate, cleared fields are cleared', async () => {
        const first = richTrace();
        const second = traceFixture({
          traceId: first.traceId,
          sessionId: first.sessionId,
          createdAt: first.createdAt,
          sequenceNumber: first.sequenceNumber + 1,
          status: 'success',
          response: 'replaced',
          metadata: { replaced: true },
        });
        await store.save(first);
        await store.save(second);
        expect(await store.load(first.traceId)).toEqual(second);
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([second]);
        expect(await store.count({ projectId: first.projectId! })).toBe(0);
        expect(await store.count({ parentTraceId: first.parentTraceId! })).toBe(0);
        expect(await store.count({ status: first.status })).toBe(0);
      });

      it('loads a missing id as undefined', async () => {
        await store.save(traceFixture({ traceId: 'present' }));
        expect(await store.load('absent')).toBeUndefined();
        expect(await store.load('PRESENT')).toBeUndefined();
        expect(await store.load('')).toBeUndefined();
      });

      it('keeps its own copy: mutating what was saved, loaded or listed changes nothing stored', async () => {
        const trace = richTrace();
        const snapshot = structuredClone(trace);
        await store.save(trace);
        trace.toolCalls.push({ toolUseId: 'x', tool: 'x', args: {} });
        trace.metadata.extra = 1;
        trace.createdAt.setTime(0);
        const loaded = (await store.load(trace.traceId))!;
        loaded.messageStream!.push('mutated');
        loaded.optionsSnapshot.model = 'mutated';
        loaded.updatedAt.setTime(0);
        const listed = (await store.list())[0]!;
        listed.toolCalls.length = 0;
        listed.context!.extra = 2;
        const bySession = (await store.getSessionTraces(trace.sessionId))[0]!;
        bySession.metadata.extra = 3;
        expect(await store.load(trace.traceId)).toEqual(snapshot);
      });

      it('rejects what no store can keep: an empty traceId, an invalid date', async () => {
        await expectStoreError(store.save(traceFixture({ traceId: '' })));
        await expectStoreError(store.save(traceFixture({ createdAt: new Date(Number.NaN) })));
        await expectStoreError(store.save(traceFixture({ updatedAt: new Date('not a date') })));
        expect(await store.count()).toBe(0);
      });
    });

    describe('delete', () => {
      it('says whether there was a trace, and removes only that one', async () => {
        const t = (traceId: string, s: number) =>
          traceFixture({ traceId, sessionId: 's', sequenceNumber: s });
        await saveAll([t('a', 1), t('b', 2)]);
        expect(await store.delete('a')).toBe(true);
        expect(await store.delete('a')).toBe(false);
        expect(await store.load('a')).toBeUndefined();
        expect(await store.delete('never')).toBe(false);
        expect(await store.delete('B')).toBe(false);
        expect(await listIds()).toEqual(['b']);
        expect(await store.count({ sessionId: 's' })).toBe(1);
      });
    });

    describe('filters', () => {
      const t = (seconds: number) => new Date(Date.UTC(2025, 0, 1) + seconds * 1000);
      // id, sessionId, projectId, status, parentTraceId; created at second n
      const rows: [string, string, string | undefined, TraceData['status'], string | undefined][] = [
        ['t1', 's1', 'p1', 'success', undefined],
        ['t2', 's1', 'p1', 'error', 't1'],
        ['t3', 's2', 'p1', 'success', undefined],
        ['t4', 's3', undefined, 'pending', 't1'],
        ['t5', 's2', 'P1', 'cancelled', 't3'],
        ['t6', 'S1', 'p2', 'success', 'T1'],
      ];
      const traces = () =>
        rows.map(([traceId, sessionId, projectId, status, parentTraceId], i) =>
          traceFixture({ traceId, sessionId, projectId, status, parentTraceId, createdAt: t(i + 1) }),
        );

      async function expectMatches(filter: TraceFilter, expected: string[]): Promise<void> {
        expect(await listIds(filter), JSON.stringify(filter)).toEqual(expected);
        expect(await store.count(filter), JSON.stringify(filter)).toBe(expected.length);
      }

      it('no filter, or an empty one, matches everything', async () => {
        await saveAll(traces());
        await expectMatches({}, ['t1', 't2', 't3', 't4', 't5', 't6']);
        expect(await listIds()).toEqual(['t1', 't2', 't3', 't4', 't5', 't6']);
        expect(await store.count()).toBe(6);
      });

      it('sessionId, projectId, status, parentTraceId, each alone, exact and case-sensitive', async () => {
        await saveAll(traces());
        await expectMatches({ sessionId: 's1' }, ['t1', 't2']);
        await expectMatches({ sessionId: 'S1' }, ['t6']);
        await expectMatches({ sessionId: 's' }, []);
        await expectMatches({ projectId: 'p1' }, ['t1', 't2', 't3']);
        await expectMatches({ projectId: 'P1' }, ['t5']);
        await expectMatches({ projectId: 'p' }, []);
        await expectMatches({ projectId: '' }, []);
        await expectMatches({ status: 'success' }, ['t1', 't3', 't6']);
        await expectMatches({ status: 'error' }, ['t2']);
        await expectMatches({ status: 'pending' }, ['t4']);
        await expectMatches({ status: 'cancelled' }, ['t5']);
        await expectMatches({ parentTraceId: 't1' }, ['t2', 't4']);
        await expectMatches({ parentTraceId: 'T1' }, ['t6']);
        await expectMatches({ parentTraceId: 't' }, []);
        await expectMatches({ parentTraceId: '' }, []);
      });

      it('after and before are inclusive bounds on createdAt', async () => {
        await saveAll(traces());
        await expectMatches({ after: t(4) }, ['t4', 't5', 't6']);
        await expectMatches({ before: t(3) }, ['t1', 't2', 't3']);
        await expectMatches({ after: t(2), before: t(4) }, ['t2', 't3', 't4']);
        await expectMatches({ after: t(3), before: t(3) }, ['t3']);
        await expectMatches({ after: new Date(t(3).getTime() + 1) }, ['t4', 't5', 't6']);
        await expectMatches({ before: new Date(t(3).getTime() - 1) }, ['t1', 't2']);
        await expectMatches({ after: t(4), before: t(2) }, []);
      });

      it('the date bounds are on createdAt, not updatedAt', async () => {
        await saveAll([
          traceFixture({ traceId: 'old-touched', createdAt: t(1), updatedAt: t(100) }),
          traceFixture({ traceId: 'new-untouched', createdAt: t(100), updatedAt: t(1) }),
        ]);
        await expectMatches({ after: t(50) }, ['new-untouched']);
        await expectMatches({ before: t(50) }, ['old-touched']);
      });

      it('combined filters must all hold', async () => {
        await saveAll(traces());
        await expectMatches({ sessionId: 's1', status: 'success' }, ['t1']);
        await expectMatches({ sessionId: 's2', projectId: 'p1' }, ['t3']);
        await expectMatches({ projectId: 'p1', parentTraceId: 't1' }, ['t2']);
        await expectMatches({ projectId: 'p1', after: t(2), before: t(3) }, ['t2', 't3']);
        await expectMatches({ status: 'success', before: t(3) }, ['t1', 't3']);
        await expectMatches({ sessionId: 's3', parentTraceId: 't1', status: 'pending', after: t(4) }, ['t4']);
        await expectMatches({ sessionId: 's1', projectId: 'p2' }, []);
        await expectMatches({ sessionId: 's2', status: 'cancelled', projectId: 'p1' }, []);
      });

      it('count ignores limit and offset: it is the total that list pages through', async () => {
        await saveAll(traces());
        expect(await store.count({ limit: 2 })).toBe(6);
        expect(await store.count({ limit: 0 })).toBe(6);
        expect(await store.count({ offset: 5, limit: 1 })).toBe(6);
        expect(await store.count({ status: 'success', offset: 10 })).toBe(3);
      });

      it('rejects a filter date that is not one', async () => {
        await expectStoreError(store.list({ after: new Date(Number.NaN) }));
        await expectStoreError(store.list({ before: new Date('nope') }));
        await expectStoreError(store.count({ before: new Date(Number.NaN) }));
      });
    });

    describe('ordering', () => {
      it('oldest createdAt first, then sequenceNumber (as a number), then traceId, whatever the saving order or updatedAt', async () => {
        const at = (ms: number) => new Date(Date.UTC(2025, 5, 1) + ms);
        await saveAll([
          traceFixture({ traceId: 'late', createdAt: at(2), sequenceNumber: 1, updatedAt: at(-9000) }),
          traceFixture({ traceId: 'seq10', createdAt: at(1), sequenceNumber: 10 }),
          traceFixture({ traceId: 'seq9', createdAt: at(1), sequenceNumber: 9 }),
          traceFixture({ traceId: 'seq2', createdAt: at(1), sequenceNumber: 2 }),
          traceFixture({ traceId: 'tie-b', createdAt: at(1), sequenceNumber: 3 }),
          traceFixture({ traceId: 'tie-a', createdAt: at(1), sequenceNumber: 3 }),
          traceFixture({ traceId: 'tie-B', createdAt: at(1), sequenceNumber: 3 }),
          traceFixture({ traceId: 'first', createdAt: at(0), sequenceNumber: 99, updatedAt: at(9000) }),
        ]);
        expect(await listIds()).toEqual([
          'first',
          'seq2',
          'tie-B',
          'tie-a',
          'tie-b',
          'seq9',
          'seq10',
          'late',
        ]);
      });

      it('a session reads in turn order, even when its turns share a createdAt', async () => {
        const at = new Date(Date.UTC(2025, 0, 1));
        const turns = [3, 1, 12, 2].map((n) =>
          traceFixture({ traceId: `z-${n}`, sessionId: 'one', sequenceNumber: n, createdAt: at }),
        );
        await saveAll(turns);
        expect((await store.getSessionTraces('one')).map((tr) => tr.sequenceNumber)).toEqual([1, 2, 3, 12]);
      });
    });

    describe('pagination', () => {
      const five = () =>
        ['a', 'b', 'c', 'd', 'e'].map((id, i) =>
          traceFixture({
            traceId: id,
            sessionId: 'five',
            createdAt: new Date(Date.UTC(2025, 0, 1) + 4 - i),
            sequenceNumber: 5 - i,
          }),
        );

      it('limit and offset page through the ordered list', async () => {
        await saveAll(five());
        expect(await listIds({ limit: 2 })).toEqual(['e', 'd']);
        expect(await listIds({ limit: 2, offset: 2 })).toEqual(['c', 'b']);
        expect(await listIds({ limit: 2, offset: 4 })).toEqual(['a']);
        expect(await listIds({ offset: 3 })).toEqual(['b', 'a']);
        expect(await listIds({ limit: 10 })).toEqual(['e', 'd', 'c', 'b', 'a']);
      });

      it('offset past the end and limit 0 give nothing', async () => {
        await saveAll(five());
        expect(await store.list({ offset: 5 })).toEqual([]);
        expect(await store.list({ offset: 1000, limit: 3 })).toEqual([]);
        expect(await store.list({ limit: 0 })).toEqual([]);
        expect(await store.list({ limit: 0, offset: 2 })).toEqual([]);
        expect(await store.getSessionTraces('five', 0)).toEqual([]);
        expect(await store.getSessionTraces('five', 2)).toHaveLength(2);
      });

      it('limit defaults to 100, for list, getSessionTraces and getProjectTraces', async () => {
        const base = Date.UTC(2025, 0, 1);
        const traces = Array.from({ length: 101 }, (_, i) =>
          traceFixture({
            traceId: `t${String(i).padStart(3, '0')}`,
            sessionId: 'big',
            projectId: 'big-project',
            sequenceNumber: i + 1,
            createdAt: new Date(base + i),
          }),
        );
        await saveAll(traces.toReversed());
        const all = traces.map((tr) => tr.traceId);
        expect(await listIds()).toEqual(all.slice(0, 100));
        expect(await listIds({ sessionId: 'big' })).toEqual(all.slice(0, 100));
        expect(await listIds({ offset: 1 })).toEqual(all.slice(1, 101));
        expect(await listIds({ offset: 100 })).toEqual(['t100']);
        expect(await listIds({ limit: 101 })).toEqual(all);
        expect(ids(await store.getSessionTraces('big'))).toEqual(all.slice(0, 100));
        expect(ids(await store.getProjectTraces('big-project'))).toEqual(all.slice(0, 100));
        expect(ids(await store.getSessionTraces('big', 101))).toEqual(all);
        expect(ids(await store.getProjectTraces('big-project', 500))).toEqual(all);
        expect(await store.count()).toBe(101);
        expect(await store.count({ sessionId: 'big' })).toBe(101);
      });

      it('rejects a limit or offset that is not a non-negative integer', async () => {
        await saveAll(five());
        for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          await expectStoreError(store.list({ limit: bad }));
          await expectStoreError(store.list({ offset: bad }));
          await expectStoreError(store.count({ limit: bad }));
          await expectStoreError(store.count({ offset: bad }));
          await expectStoreError(store.getSessionTraces('s', bad));
          await expectStoreError(store.getProjectTraces('p', bad));
        }
      });
    });

    describe('getSessionTraces and getProjectTraces', () => {
      const at = (s: number) => new Date(Date.UTC(2025, 2, 1) + s * 1000);
      const traces = () => [
        traceFixture({ traceId: 'a3', sessionId: 'a', projectId: 'p', sequenceNumber: 3, createdAt: at(3) }),
        traceFixture({ traceId: 'b1', sessionId: 'b', projectId: 'p', sequenceNumber: 1, createdAt: at(2) }),
        traceFixture({ traceId: 'a1', sessionId: 'a', projectId: 'p', sequenceNumber: 1, createdAt: at(1) }),
        traceFixture({ traceId: 'a2', sessionId: 'a', projectId: 'q', sequenceNumber: 2, createdAt: at(2) }),
        traceFixture({
          traceId: 'c1',
          sessionId: 'c',
          projectId: undefined,
          sequenceNumber: 1,
          createdAt: at(0),
        }),
      ];

      it('are list with that one filter, in list order', async () => {
        await saveAll(traces());
        expect(ids(await store.getSessionTraces('a'))).toEqual(['a1', 'a2', 'a3']);
        expect(await store.getSessionTraces('a')).toEqual(await store.list({ sessionId: 'a' }));
        expect(ids(await store.getSessionTraces('c'))).toEqual(['c1']);
        expect(ids(await store.getProjectTraces('p'))).toEqual(['a1', 'b1', 'a3']);
        expect(await store.getProjectTraces('p')).toEqual(await store.list({ projectId: 'p' }));
        expect(ids(await store.getProjectTraces('q'))).toEqual(['a2']);
      });

      it('take a limit, and give nothing for an unknown id', async () => {
        await saveAll(traces());
        expect(ids(await store.getSessionTraces('a', 2))).toEqual(['a1', 'a2']);
        expect(ids(await store.getSessionTraces('a', 1))).toEqual(['a1']);
        expect(ids(await store.getProjectTraces('p', 2))).toEqual(['a1', 'b1']);
        expect(await store.getSessionTraces('none')).toEqual([]);
        expect(await store.getSessionTraces('A')).toEqual([]);
        expect(await store.getProjectTraces('none')).toEqual([]);
        expect(await store.getProjectTraces('')).toEqual([]);
      });
    });

    describe('concurrency', () => {
      it('concurrent saves of one trace leave exactly one of the saved states, whole', async () => {
        const traces = Array.from({ length: 50 }, (_, i) =>
          traceFixture({
            traceId: 'contended',
            sessionId: `session-${i}`,
            projectId: i % 2 === 0 ? `project-${i}` : undefined,
            sequenceNumber: i,
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
            status: TRACE_STATUSES[i % TRACE_STATUSES.length]!,
            prompt: `prompt ${i}`,
            toolCalls: Array.from({ length: i % 4 }, (_, j) => ({
              toolUseId: `u${i}-${j}`,
              tool: 'Read',
              args: { i },
            })),
            messageStream: i % 3 === 0 ? undefined : [{ i }],
            costUsd: i / 100,
            metadata: { i },
          }),
        );
        await Promise.all(traces.map((tr) => store.save(tr)));
        const loaded = (await store.load('contended'))!;
        expect(loaded).toEqual(traces[loaded.sequenceNumber]);
        expect(await store.count()).toBe(1);
        expect(await store.list()).toEqual([loaded]);
        expect(await store.count({ sessionId: loaded.sessionId })).toBe(1);
      });

      it('concurrent saves of different traces all land', async () => {
        const traces = Array.from({ length: 50 }, (_, i) =>
          traceFixture({ traceId: `t${i}`, sessionId: 'shared', sequenceNumber: i + 1 }),
        );
        await Promise.all(traces.map((tr) => store.save(tr)));
        expect(await store.count()).toBe(50);
        expect(await Promise.all(traces.map((tr) => store.load(tr.traceId)))).toEqual(traces);
      });
    });

    describe('cleanup', () => {
      it('deletes traces updated more than olderThanMs ago, by updatedAt, and says how many', async () => {
        const hour = 3_600_000;
        const now = Date.now();
        await saveAll([
          traceFixture({ traceId: 'just-older', updatedAt: new Date(now - hour - 1000) }),
          traceFixture({ traceId: 'much-older', updatedAt: new Date(now - 10 * hour) }),
          traceFixture({ traceId: 'just-newer', updatedAt: new Date(now - hour + 1000) }),
          traceFixture({ traceId: 'created-long-ago', createdAt: new Date(0), updatedAt: new Date(now) }),
          traceFixture({
            traceId: 'created-now',
            createdAt: new Date(now),
            updatedAt: new Date(now - 2 * hour),
          }),
          traceFixture({ traceId: 'future', updatedAt: new Date(now + hour) }),
        ]);
        expect(await store.cleanup(hour)).toBe(3);
        expect((await listIds()).sort()).toEqual(['created-long-ago', 'future', 'just-newer']);
        expect(await store.cleanup(hour)).toBe(0);
      });

      it('cleanup(0) deletes everything updated before now', async () => {
        const now = Date.now();
        await saveAll([
          traceFixture({ traceId: 'past', updatedAt: new Date(now - 1000) }),
          traceFixture({ traceId: 'future', updatedAt: new Date(now + 60_000) }),
        ]);
        expect(await store.cleanup(0)).toBe(1);
        expect(await listIds()).toEqual(['future']);
      });

      it('returns 0 on an empty store and rejects an age that is not a finite number >= 0', async () => {
        expect(await store.cleanup(1000)).toBe(0);
        for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY])
          await expectStoreError(store.cleanup(bad));
      });
    });

    describe('after close', () => {
      it('every method rejects with StoreError; closing twice is fine', async () => {
        const trace = traceFixture({ projectId: 'p' });
        await store.save(trace);
        await store.close();
        closed = true;
        await expectStoreError(store.save(traceFixture()));
        await expectStoreError(store.load(trace.traceId));
        await expectStoreError(store.delete(trace.traceId));
        await expectStoreError(store.list());
        await expectStoreError(store.getSessionTraces(trace.sessionId));
        await expectStoreError(store.getProjectTraces('p'));
        await expectStoreError(store.count());
        await expectStoreError(store.cleanup(0));
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe('random traces and filters', () => {
      it('list and count agree with a reference filter', async () => {
        for (let seed = 1; seed <= 25; seed += 1) {
          const next = mulberry32(seed);
          const latest = new Map<string, TraceData>();
          for (let i = 0, n = Math.floor(next() * 20); i < n; i += 1) {
            const trace = randomTrace(next);
            await store.save(trace);
            latest.set(trace.traceId, trace);
          }
          const all = [...latest.values()];
          for (let i = 0; i < 12; i += 1) {
            const filter = randomFilter(next);
            const matches = referenceIds(all, filter);
            const offset = filter.offset ?? 0;
            const page = matches.slice(offset, offset + (filter.limit ?? 100));
            const why = `seed ${seed}, filter ${JSON.stringify(filter)}`;
            expect(await listIds(filter), why).toEqual(page);
            expect(await store.count(filter), why).toBe(matches.length);
          }
          for (const id of latest.keys()) await store.delete(id);
        }
      });
    });
  });
}

async function expectStoreError(promise: Promise<unknown>): Promise<void> {
  await expect(promise).rejects.toSatisfy((error: unknown) => StoreError.isInstance(error));
}

function ids(traces: TraceData[]): string[] {
  return traces.map((t) => t.traceId);
}

/** Every field set, with the characters that trip up SQL, JSON and CSV encodings. */
function richTrace(overrides: Partial<TraceData> = {}): TraceData {
  return traceFixture({
    traceId: `trace-${randomUUID()}-"ü"_%'`,
    sessionId: `sess-"ü"_%'`,
    projectId: `proj-'日本'_%"`,
    parentTraceId: 'parent-ü_%',
    sequenceNumber: 42,
    prompt: 'Summarise "this".\nIt\'s 100% fine_to use \\ and 日本語 😀\t\r\n',
    context: {
      ticket: { id: 42, title: 'Fix "the" bug', labels: ['a_b', '100%', "it's"] },
      empty: {},
      emptyList: [],
      none: null,
      unicode: 'café 日本語 😀',
    },
    response: 'Done: "quoted", 100% of a_b, back\\slash, 😀',
    thinking: "Let's think… 'single' \"double\" `back` %_",
    toolCalls: [
      {
        toolUseId: 'toolu_01',
        tool: 'Bash',
        args: { command: 'grep -r "100%" src/a_b', timeout: 5000 },
        result: 'ok\n日本語',
        isError: false,
      },
      {
        toolUseId: 'toolu_02',
        tool: 'Read',
        args: { file_path: '/tmp/ü.txt', offset: null },
        result: '',
        isError: true,
      },
      {
        toolUseId: 'toolu_03',
        tool: 'mcp__db__query',
        args: ["SELECT * WHERE a LIKE '%_'", 1.5, true, null],
      },
      { toolUseId: 'toolu_04', tool: 'Echo', args: 'plain "string" %' },
      { toolUseId: 'toolu_05', tool: 'Nothing', args: null },
    ],
    messageStream: [
      { type: 'system', subtype: 'init', session_id: 'sess', tools: ['Read', 'Bash'] },
      { type: 'assistant', message: { content: [{ type: 'text', text: '😀 "quoted" 100%_ \\n' }] } },
      { type: 'result', subtype: 'success', total_cost_usd: 0.0123, usage: { input_tokens: 10 } },
      'a string',
      7,
      null,
      [],
      { deep: { deeper: { deepest: [1, [2, [3, { four: 4 }]]] } } },
    ],
    optionsSnapshot: {
      model: 'claude-opus-4-1',
      env: '[redacted]',
      allowedTools: ['Read', 'Bash(git:*)'],
      maxBudgetUsd: 2.5,
      mcpServers: { db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'] } },
    },
    model: 'claude-opus-4-1',
    inputTokens: 1_234_567_890_123,
    outputTokens: 4567,
    cacheReadTokens: 89,
    cacheWriteTokens: 10,
    thinkingTokens: 11,
    costUsd: 0.1 + 0.2,
    durationMs: 98_765,
    status: 'error',
    errorMessage: 'boom: "x" 100%_ 日本',
    resumeAt: '9b2f0c1e-8d7a-4c3b-9e6f-5a4d3c2b1a00',
    otelTraceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    otelSpanId: '00f067aa0ba902b7',
    createdAt: new Date('2024-02-29T23:59:59.999Z'),
    updatedAt: new Date('2025-01-02T03:04:05.678Z'),
    metadata: {
      nested: { list: [1, 'two', null, true, { deep: -1.5 }], empty: {} },
      text: 'quote " apostrophe \' backslash \\ percent % underscore _',
      unicode: '日本語 😀',
      big: 2 ** 53 - 1,
      tiny: 5e-324,
    },
    ...overrides,
  });
}

const RANDOM_SESSIONS = ['s1', 's2', 'S1'];
const RANDOM_PROJECTS = [undefined, 'p1', 'p2'];
const RANDOM_PARENTS = [undefined, 'id-0', 'id-1'];
const RANDOM_BASE = Date.UTC(2025, 0, 1);

/** Few ids, instants and turn numbers, so saves replace each other and ordering ties are common. */
function randomTrace(next: () => number): TraceData {
  return traceFixture({
    traceId: `id-${Math.floor(next() * 12)}`,
    sessionId: pick(next, RANDOM_SESSIONS),
    projectId: pick(next, RANDOM_PROJECTS),
    parentTraceId: pick(next, RANDOM_PARENTS),
    status: pick(next, TRACE_STATUSES),
    sequenceNumber: 1 + Math.floor(next() * 3) * 5,
    createdAt: new Date(RANDOM_BASE + Math.floor(next() * 4) * 1000),
    updatedAt: new Date(RANDOM_BASE + Math.floor(next() * 4) * 1000),
  });
}

function randomFilter(next: () => number): TraceFilter {
  const filter: TraceFilter = {};
  if (next() < 0.3) filter.sessionId = pick(next, RANDOM_SESSIONS);
  if (next() < 0.3) filter.projectId = pick(next, RANDOM_PROJECTS.slice(1));
  if (next() < 0.3) filter.parentTraceId = pick(next, RANDOM_PARENTS.slice(1));
  if (next() < 0.3) filter.status = pick(next, TRACE_STATUSES);
  if (next() < 0.3) filter.after = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.before = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.limit = Math.floor(next() * 5);
  if (next() < 0.3) filter.offset = Math.floor(next() * 5);
  return filter;
}

/** The contract, written as plainly as possible: the matching ids in list order. */
function referenceIds(traces: TraceData[], filter: TraceFilter): string[] {
  return traces
    .filter(
      (t) =>
        (filter.sessionId === undefined || t.sessionId === filter.sessionId) &&
        (filter.projectId === undefined || t.projectId === filter.projectId) &&
        (filter.parentTraceId === undefined || t.parentTraceId === filter.parentTraceId) &&
        (filter.status === undefined || t.status === filter.status) &&
        (filter.after === undefined || t.createdAt >= filter.after) &&
        (filter.before === undefined || t.createdAt <= filter.before),
    )
    .sort(
      (a, b) =>
        a.createdAt.getTime() - b.createdAt.getTime() ||
        a.sequenceNumber - b.sequenceNumber ||
        (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0),
    )
    .map((t) => t.traceId);
}
