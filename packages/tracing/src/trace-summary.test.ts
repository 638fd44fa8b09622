import { describe, expect, it } from 'vitest';
import { traceFixture } from './testing/fixtures.ts';
import { summarizeTraces } from './trace-summary.ts';

describe('summarizeTraces', () => {
  it('is all zeros for no traces', () => {
    expect(summarizeTraces([])).toMatchObject({
      totalTraces: 0,
      averageDurationMs: 0,
      byStatus: { pending: 0, success: 0, error: 0, cancelled: 0 },
      byModel: {},
    });
  });

  it('adds tokens and cost, and averages durations over ended traces only', () => {
    const s = summarizeTraces([
      traceFixture({
        model: 'a',
        inputTokens: 1,
        outputTokens: 2,
        thinkingTokens: 3,
        costUsd: 1,
        durationMs: 100,
      }),
      traceFixture({
        model: 'a',
        inputTokens: 1,
        outputTokens: 2,
        thinkingTokens: 3,
        costUsd: 1,
        durationMs: 300,
        status: 'error',
      }),
      traceFixture({
        model: undefined,
        status: 'pending',
        durationMs: 0,
        inputTokens: 0,
        outputTokens: 0,
        thinkingTokens: 0,
        costUsd: 0,
      }),
    ]);
    expect(s).toMatchObject({
      totalTraces: 3,
      inputTokens: 2,
      outputTokens: 4,
      thinkingTokens: 6,
      costUsd: 2,
      totalDurationMs: 400,
      averageDurationMs: 200,
      maxDurationMs: 300,
      byStatus: { success: 1, error: 1, pending: 1, cancelled: 0 },
      byModel: { a: { traces: 2, costUsd: 2 }, unknown: { traces: 1 } },
    });
  });
});
