import { parseTranscript, type ResultMessage } from '@ccflow/parser';
import { mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { turnModelUsage } from './turn-model-usage.ts';

function result(line: Record<string, unknown>): ResultMessage {
  const [m] = parseTranscript(`${JSON.stringify(line)}\n`);
  if (m?.type !== 'result') throw new Error('not a result');
  return m;
}

describe('turnModelUsage', () => {
  it("keeps each model's figures for the turn, not the session's running totals", () => {
    const line = {
      ...mockLines.result({ totalCostUsd: 9 }),
      model_usage_since_last_result: {
        'claude-sonnet-4-5': {
          inputTokens: 100,
          outputTokens: 20,
          cacheReadInputTokens: 30,
          cacheCreationInputTokens: 40,
          cacheCreationEphemeral1hInputTokens: 10,
          webSearchRequests: 1,
          costUSD: 0.5,
        },
        'claude-haiku-4-5': { inputTokens: 7, outputTokens: -3, costUSD: 'x' },
        broken: 'not an object',
      },
    };
    expect(turnModelUsage(result(line))).toEqual({
      'claude-sonnet-4-5': {
        inputTokens: 100,
        outputTokens: 20,
        cacheReadTokens: 30,
        cacheWriteTokens: 40,
        cacheWrite1hTokens: 10,
        webSearchRequests: 1,
        costUsd: 0.5,
      },
      'claude-haiku-4-5': {
        inputTokens: 7,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        cacheWrite1hTokens: 0,
        webSearchRequests: 0,
        costUsd: 0,
      },
    });
  });

  it('is undefined when the CLI gives no per-turn figures (an older CLI)', () => {
    const { model_usage_since_last_result: _, ...older } = mockLines.result();
    expect(turnModelUsage(result(older))).toBeUndefined();
  });
});
