import { randomUUID } from 'node:crypto';
import { STORE_ERROR_CHECKS } from '@ccflow/sessions/testing';
import { recordStoreConformance } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { TRACE_STATUSES, type TraceData, type TraceFilter, type TraceStore } from '../trace-store.ts';
import { pick, traceFixture } from './fixtures.ts';

export interface TraceStoreConformanceOptions<S extends TraceStore> {
  /** Runs after each test, once the store is closed: remove its file, drop its database. */
  cleanup?: (store: S) => void | Promise<void>;
}

/**
 * The `TraceStore` contract as a vitest suite (on `@ccflow/testing`'s record-store kit): call it at the top level
 * of a test file with a factory that returns a new, empty store. Every test gets its own store and closes it. A
 * store that passes can stand in for `MemoryTraceStore` anywhere.
 */
export function traceStoreConformance<S extends TraceStore>(
  name: string,
  factory: () => S | Promise<S>,
  options: TraceStoreConformanceOptions<S> = {},
): void {
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
  const models = [
    'claude-haiku-4-5',
    'claude-sonnet-4-5',
    undefined,
    'claude-haiku-4-5',
    'Claude-Haiku-4-5',
    'x',
  ];
  const traces = () =>
    rows.map(([traceId, sessionId, projectId, status, parentTraceId], i) =>
      traceFixture({
        traceId,
        sessionId,
        projectId,
        status,
        parentTraceId,
        model: models[i],
        createdAt: t(i + 1),
      }),
    );
  const ids = (found: TraceData[]) => found.map((tr) => tr.traceId);

  recordStoreConformance<TraceData, TraceFilter, S, S>(name, {
    factory,
    cleanup: options.cleanup,
    id: 'traceId',
    fixture: traceFixture,
    rich: richTrace,
    filtersOf: (tr) => [
      { projectId: tr.projectId },
      { parentTraceId: tr.parentTraceId },
      { status: tr.status },
      { model: tr.model },
      { sessionId: tr.sessionId },
    ],
    order: turnOrder,
    matches,
    defaultLimit: 100,
    hasCleanup: true,
    randomRecord: randomTrace,
    randomFilter,
    badFilters: [{ after: new Date(Number.NaN) }, { before: new Date('nope') }],
    errors: STORE_ERROR_CHECKS,
    otherCalls: (store, tr) => [store.getSessionTraces(tr.sessionId), store.getProjectTraces('p')],
    examples: [
      {
        name: 'sessionId, projectId, status, model, parentTraceId: each alone, exact and case-sensitive',
        records: traces,
        cases: [
          [{}, ['t1', 't2', 't3', 't4', 't5', 't6']],
          [{ sessionId: 's1' }, ['t1', 't2']],
          [{ sessionId: 'S1' }, ['t6']],
          [{ sessionId: 's' }, []],
          [{ projectId: 'p1' }, ['t1', 't2', 't3']],
          [{ projectId: 'P1' }, ['t5']],
          [{ projectId: 'p' }, []],
          [{ projectId: '' }, []],
          [{ status: 'success' }, ['t1', 't3', 't6']],
          [{ status: 'error' }, ['t2']],
          [{ status: 'pending' }, ['t4']],
          [{ status: 'cancelled' }, ['t5']],
          [{ model: 'claude-haiku-4-5' }, ['t1', 't4']],
          [{ model: 'Claude-Haiku-4-5' }, ['t5']],
          [{ model: 'claude' }, []],
          [{ model: '' }, []],
          [{ parentTraceId: 't1' }, ['t2', 't4']],
          [{ parentTraceId: 'T1' }, ['t6']],
          [{ parentTraceId: 't' }, []],
          [{ parentTraceId: '' }, []],
        ],
      },
      {
        name: 'after and before are inclusive bounds on createdAt; combined filters must all hold',
        records: traces,
        cases: [
          [{ after: t(4) }, ['t4', 't5', 't6']],
          [{ before: t(3) }, ['t1', 't2', 't3']],
          [{ after: t(2), before: t(4) }, ['t2', 't3', 't4']],
          [{ after: t(3), before: t(3) }, ['t3']],
          [{ after: new Date(t(3).getTime() + 1) }, ['t4', 't5', 't6']],
          [{ before: new Date(t(3).getTime() - 1) }, ['t1', 't2']],
          [{ after: t(4), before: t(2) }, []],
          [{ sessionId: 's1', status: 'success' }, ['t1']],
          [{ projectId: 'p1', model: 'claude-sonnet-4-5' }, ['t2']],
          [{ status: 'success', model: 'claude-haiku-4-5', after: t(2) }, []],
          [{ sessionId: 's2', projectId: 'p1' }, ['t3']],
          [{ projectId: 'p1', parentTraceId: 't1' }, ['t2']],
          [{ projectId: 'p1', after: t(2), before: t(3) }, ['t2', 't3']],
          [{ sessionId: 's3', parentTraceId: 't1', status: 'pending', after: t(4) }, ['t4']],
          [{ sessionId: 's1', projectId: 'p2' }, []],
          [{ sessionId: 's2', status: 'cancelled', projectId: 'p1' }, []],
        ],
      },
      {
        name: 'the date bounds are on createdAt, not updatedAt',
        records: () => [
          traceFixture({ traceId: 'old-touched', createdAt: t(1), updatedAt: t(100) }),
          traceFixture({ traceId: 'new-untouched', createdAt: t(100), updatedAt: t(1) }),
        ],
        cases: [
          [{ after: t(50) }, ['new-untouched']],
          [{ before: t(50) }, ['old-touched']],
        ],
      },
      {
        name: 'oldest createdAt first, then sequenceNumber as a number, then traceId',
        records: () =>
          [
            ['late', 2, 1],
            ['seq10', 1, 10],
            ['seq9', 1, 9],
            ['seq2', 1, 2],
            ['tie-b', 1, 3],
            ['tie-a', 1, 3],
            ['tie-B', 1, 3],
            ['first', 0, 99],
          ].map(([traceId, ms, sequenceNumber]) =>
            traceFixture({
              traceId: traceId as string,
              createdAt: new Date(Date.UTC(2025, 5, 1) + (ms as number)),
              sequenceNumber: sequenceNumber as number,
            }),
          ),
        cases: [[{}, ['first', 'seq2', 'tie-B', 'tie-a', 'tie-b', 'seq9', 'seq10', 'late']]],
      },
    ],
    extra: (tester) => {
      const at = (s: number) => new Date(Date.UTC(2025, 2, 1) + s * 1000);
      const five = () => [
        traceFixture({ traceId: 'a3', sessionId: 'a', projectId: 'p', sequenceNumber: 3, createdAt: at(3) }),
        traceFixture({ traceId: 'b1', sessionId: 'b', projectId: 'p', sequenceNumber: 1, createdAt: at(2) }),
        traceFixture({ traceId: 'a1', sessionId: 'a', projectId: 'p', sequenceNumber: 1, createdAt: at(1) }),
        traceFixture({ traceId: 'a2', sessionId: 'a', projectId: 'q', sequenceNumber: 2, createdAt: at(2) }),
        traceFixture({ traceId: 'c1', sessionId: 'c', sequenceNumber: 1, createdAt: at(0) }),
      ];

      it('getSessionTraces and getProjectTraces are list with that one filter, and a limit', async () => {
        const { store } = tester;
        await tester.saveAll(five());
        expect(ids(await store.getSessionTraces('a'))).toEqual(['a1', 'a2', 'a3']);
        expect(await store.getSessionTraces('a')).toEqual(await store.list({ sessionId: 'a' }));
        expect(ids(await store.getProjectTraces('p'))).toEqual(['a1', 'b1', 'a3']);
        expect(await store.getProjectTraces('p')).toEqual(await store.list({ projectId: 'p' }));
        expect(ids(await store.getSessionTraces('a', 2))).toEqual(['a1', 'a2']);
        expect(ids(await store.getProjectTraces('p', 2))).toEqual(['a1', 'b1']);
        expect(await store.getSessionTraces('a', 0)).toEqual([]);
        for (const none of ['none', 'A', '']) {
          expect(await store.getSessionTraces(none)).toEqual([]);
          expect(await store.getProjectTraces(none)).toEqual([]);
        }
        for (const bad of [-1, 1.5, Number.NaN]) {
          await tester.expectInputError(store.getSessionTraces('a', bad));
          await tester.expectInputError(store.getProjectTraces('p', bad));
        }
      });

      it('getSessionTraces and getProjectTraces give 100 by default', async () => {
        const { store } = tester;
        const all = Array.from({ length: 101 }, (_, i) =>
          traceFixture({
            traceId: `t${String(i).padStart(3, '0')}`,
            sessionId: 'big',
            projectId: 'big-project',
            sequenceNumber: i + 1,
            createdAt: new Date(Date.UTC(2025, 0, 1) + i),
          }),
        );
        await tester.saveAll(all.toReversed());
        expect(ids(await store.getSessionTraces('big'))).toEqual(ids(all).slice(0, 100));
        expect(ids(await store.getProjectTraces('big-project'))).toEqual(ids(all).slice(0, 100));
        expect(ids(await store.getSessionTraces('big', 101))).toEqual(ids(all));
        expect(ids(await store.getProjectTraces('big-project', 500))).toEqual(ids(all));
      });

      it('a session reads in turn order, even when its turns share a createdAt', async () => {
        const turns = [3, 1, 12, 2].map((n) =>
          traceFixture({ traceId: `z-${n}`, sessionId: 'one', sequenceNumber: n, createdAt: at(0) }),
        );
        await tester.saveAll(turns);
        const found = await tester.store.getSessionTraces('one');
        expect(found.map((tr) => tr.sequenceNumber)).toEqual([1, 2, 3, 12]);
      });
    },
  });
}

/** The contract's order: oldest `createdAt` first, then `sequenceNumber`, then `traceId` in binary order. */
function turnOrder(a: TraceData, b: TraceData): number {
  return (
    a.createdAt.getTime() - b.createdAt.getTime() ||
    a.sequenceNumber - b.sequenceNumber ||
    (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0)
  );
}

/** The contract's filter, written as plainly as possible. */
function matches(t: TraceData, filter: TraceFilter): boolean {
  return (
    (filter.sessionId === undefined || t.sessionId === filter.sessionId) &&
    (filter.projectId === undefined || t.projectId === filter.projectId) &&
    (filter.parentTraceId === undefined || t.parentTraceId === filter.parentTraceId) &&
    (filter.status === undefined || t.status === filter.status) &&
    (filter.model === undefined || t.model === filter.model) &&
    (filter.after === undefined || t.createdAt >= filter.after) &&
    (filter.before === undefined || t.createdAt <= filter.before)
  );
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
    modelUsage: {
      'claude-opus-4-1': {
        inputTokens: 1_234_567_890_000,
        outputTokens: 4000,
        cacheReadTokens: 89,
        cacheWriteTokens: 10,
        cacheWrite1hTokens: 4,
        webSearchRequests: 2,
        costUsd: 0.1,
      },
      'claude-haiku-"4"_%': {
        inputTokens: 123,
        outputTokens: 567,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
        webSearchRequests: 0,
        costUsd: 0.2,
      },
    },
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
const RANDOM_MODELS = [undefined, 'claude-haiku-4-5', 'claude-sonnet-4-5'];
const RANDOM_BASE = Date.UTC(2025, 0, 1);

/** Few instants and turn numbers, so ordering ties are common. */
function randomTrace(next: () => number, traceId: string): TraceData {
  return traceFixture({
    traceId,
    sessionId: pick(next, RANDOM_SESSIONS),
    projectId: pick(next, RANDOM_PROJECTS),
    parentTraceId: pick(next, RANDOM_PARENTS),
    status: pick(next, TRACE_STATUSES),
    model: pick(next, RANDOM_MODELS),
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
  if (next() < 0.3) filter.model = pick(next, RANDOM_MODELS.slice(1));
  if (next() < 0.3) filter.after = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.before = new Date(RANDOM_BASE + Math.floor(next() * 5) * 1000);
  if (next() < 0.3) filter.limit = Math.floor(next() * 5);
  if (next() < 0.3) filter.offset = Math.floor(next() * 5);
  return filter;
}
