import { traceFixture } from '@ccflow/tracing/testing';
import { describe, expect, it } from 'vitest';
import { type CostGroup, costReport } from './cost-report.ts';

const costTotals = (traces: Parameters<typeof costReport>[0]) => costReport(traces, []).total;
const costBy = (group: CostGroup, traces: Parameters<typeof costReport>[0]) =>
  costReport(traces, [group]).by[group];

// Claude Haiku 4.5 lists at $1 per million input tokens, $5 output, $0.10 cache reads, $1.25 5-minute cache writes;
// Claude Sonnet 4.5 at $3 and $15 (prompts under 200k tokens).
const day = (d: number, h = 12) => new Date(Date.UTC(2026, 11, d, h));
const haikuTurn = {
  inputTokens: 1000,
  outputTokens: 100,
  cacheReadTokens: 1000,
  cacheWriteTokens: 0,
  cacheWrite1hTokens: 0,
  webSearchRequests: 0,
};

const traces = [
  // The CLI's figure is the table's: $0.0016.
  traceFixture({
    traceId: 'a',
    sessionId: 's1',
    projectId: 'p1',
    model: 'claude-haiku-4-5',
    ...haikuTurn,
    costUsd: 0.0016,
    modelUsage: { 'claude-haiku-4-5': { ...haikuTurn, costUsd: 0.0016 } },
    createdAt: day(1),
  }),
  // Two models in one turn: Sonnet $0.003 + $0.0015, and a Haiku helper the CLI priced at $0.0016 (table: $0.0016).
  traceFixture({
    traceId: 'b',
    sessionId: 's1',
    projectId: 'p1',
    model: 'claude-sonnet-4-5',
    inputTokens: 2000,
    outputTokens: 200,
    cacheReadTokens: 1000,
    costUsd: 0.0061,
    modelUsage: {
      'claude-sonnet-4-5': {
        ...haikuTurn,
        inputTokens: 1000,
        outputTokens: 100,
        cacheReadTokens: 0,
        costUsd: 0.0045,
      },
      'claude-haiku-4-5': { ...haikuTurn, costUsd: 0.0016 },
    },
    createdAt: day(1, 23),
  }),
  // No per-model figures (an older CLI): its totals, priced as its model. The CLI said $0.01, the table $0.0045.
  traceFixture({
    traceId: 'c',
    sessionId: 's2',
    model: 'claude-sonnet-4-5',
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.01,
    createdAt: day(2),
  }),
  // A model the table does not know: only the CLI's figure.
  traceFixture({
    traceId: 'd',
    sessionId: 's3',
    projectId: 'p2',
    model: 'mystery-1',
    inputTokens: 5,
    outputTokens: 5,
    costUsd: 0.0002,
    createdAt: day(2),
  }),
  // A turn that never ran: nothing used, nothing to price.
  traceFixture({ traceId: 'e', sessionId: 's3', projectId: 'p2', status: 'pending', createdAt: day(3) }),
];

describe('cost report', () => {
  it("totals: the CLI's figures summed, and the same tokens priced by the table (null when a model is unknown)", () => {
    expect(costTotals(traces)).toEqual({
      traces: 5,
      inputTokens: 1000 + 2000 + 1000 + 5,
      outputTokens: 100 + 200 + 100 + 5,
      cacheReadTokens: 2000,
      cacheWriteTokens: 0,
      cliCostUsd: expect.closeTo(0.0016 + 0.0061 + 0.01 + 0.0002, 12),
      priceTableCostUsd: null,
      differs: true,
    });
    expect(costTotals(traces.slice(0, 2))).toMatchObject({
      priceTableCostUsd: 0.0077,
      cliCostUsd: expect.closeTo(0.0077, 12),
      differs: false,
    });
    expect(costTotals([])).toMatchObject({ traces: 0, cliCostUsd: 0, priceTableCostUsd: 0, differs: false });
  });

  it('by model: a turn on two models counts in each, with what each used; the rows add up to the total', () => {
    const rows = costBy('model', traces);
    expect(rows).toEqual([
      expect.objectContaining({
        key: 'claude-sonnet-4-5',
        traces: 2,
        inputTokens: 2000,
        cliCostUsd: expect.closeTo(0.0145, 12),
        priceTableCostUsd: 0.009,
        differs: true,
      }),
      expect.objectContaining({
        key: 'claude-haiku-4-5',
        traces: 2,
        inputTokens: 2000,
        cacheReadTokens: 2000,
        cliCostUsd: expect.closeTo(0.0032, 12),
        priceTableCostUsd: 0.0032,
        differs: false,
      }),
      expect.objectContaining({ key: 'mystery-1', traces: 1, priceTableCostUsd: null, differs: true }),
      expect.objectContaining({ key: '(none)', traces: 1, cliCostUsd: 0, priceTableCostUsd: 0 }),
    ]);
    const sum = rows.reduce((s, r) => s + r.cliCostUsd, 0);
    expect(sum).toBeCloseTo(costTotals(traces).cliCostUsd, 12);
    expect(rows.reduce((s, r) => s + r.inputTokens, 0)).toBe(costTotals(traces).inputTokens);
  });

  it('a turn whose requests add up past the long-prompt limit is priced at the standard rates', () => {
    // Three requests of 80k cache reads each: no one request is a long prompt, the turn's sum (240k) is.
    const usage = { ...haikuTurn, inputTokens: 0, outputTokens: 0, cacheReadTokens: 240_000 };
    const long = traceFixture({
      traceId: 'long',
      model: 'claude-sonnet-4-5',
      ...usage,
      costUsd: 0.072, // $0.30 per million cache-read tokens
      modelUsage: { 'claude-sonnet-4-5': { ...usage, costUsd: 0.072 } },
    });
    expect(costTotals([long])).toMatchObject({ priceTableCostUsd: 0.072, differs: false });
  });

  it('by day (UTC), project and session, largest CLI cost first', () => {
    expect(costBy('day', traces).map((r) => [r.key, r.traces])).toEqual([
      ['2026-12-02', 2],
      ['2026-12-01', 2],
      ['2026-12-03', 1],
    ]);
    expect(costBy('day', traces)[1]).toMatchObject({ priceTableCostUsd: 0.0077, differs: false });
    expect(costBy('project', traces).map((r) => [r.key, r.traces, r.priceTableCostUsd])).toEqual([
      ['(none)', 1, 0.0045],
      ['p1', 2, 0.0077],
      ['p2', 2, null],
    ]);
    expect(costBy('session', traces).map((r) => [r.key, r.traces, r.differs])).toEqual([
      ['s2', 1, true],
      ['s1', 2, false],
      ['s3', 2, true],
    ]);
  });
});
