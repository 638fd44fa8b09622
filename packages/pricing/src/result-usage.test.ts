import { MessageParser, type ResultMessage } from '@ccflow/parser';
import { describe, expect, it } from 'vitest';
import { resultLine } from '../test/result-lines.ts';
import { ResultUsageReader } from './result-usage.ts';

function result(line: Record<string, unknown>): ResultMessage {
  const [m] = new MessageParser().parse(line);
  if (m?.type !== 'result') throw new Error('not a result');
  return m;
}

describe('ResultUsageReader', () => {
  it('takes model_usage_since_last_result when the CLI gives it', () => {
    const reader = new ResultUsageReader();
    const r = result(
      resultLine({
        modelUsage: { 'claude-sonnet-5-5': { inputTokens: 9000, costUSD: 9 } },
        since: {
          'claude-sonnet-5-5': {
            inputTokens: 1000,
            outputTokens: 100,
            cacheReadInputTokens: 50,
            cacheCreationInputTokens: 30,
            cacheCreationEphemeral1hInputTokens: 10,
            webSearchRequests: 2,
            costUSD: 0.02,
            canonicalModel: 'claude-sonnet-5-5',
          },
          'claude-haiku-5-5': { costUSD: 0 }, // nothing counted: left out
        },
      }),
    );
    expect(reader.read(r)).toEqual([
      {
        model: 'claude-sonnet-5-5',
        canonicalModel: 'claude-sonnet-5-5',
        provider: 'firstParty',
        inputTokens: 1000,
        outputTokens: 100,
        cacheReadTokens: 50,
        cacheWriteTokens: 30,
        cacheWrite1hTokens: 10,
        webSearchRequests: 2,
        reportedCostUsd: 0.02,
      },
    ]);
  });

  it('differences running modelUsage totals per session, and counts a total that went down whole', () => {
    const reader = new ResultUsageReader();
    const first = reader.read(
      result(resultLine({ modelUsage: { sonnet: { inputTokens: 100, outputTokens: 10, costUSD: 0.1 } } })),
    );
    expect(first).toMatchObject([
      { model: 'sonnet', inputTokens: 100, outputTokens: 10, reportedCostUsd: 0.1 },
    ]);
    const second = reader.read(
      result(
        resultLine({
          modelUsage: {
            sonnet: { inputTokens: 250, outputTokens: 30, costUSD: 0.3 },
            haiku: { inputTokens: 5, outputTokens: 1, costUSD: 0.001 },
          },
        }),
      ),
    );
    expect(second).toMatchObject([
      { model: 'sonnet', inputTokens: 150, outputTokens: 20, reportedCostUsd: 0.2 },
      { model: 'haiku', inputTokens: 5, outputTokens: 1, reportedCostUsd: 0.001 },
    ]);
    // Another session keeps its own totals.
    const other = reader.read(
      result(
        resultLine({ sessionId: 'session-2', modelUsage: { sonnet: { inputTokens: 7, costUSD: 0.007 } } }),
      ),
    );
    expect(other).toMatchObject([{ model: 'sonnet', inputTokens: 7 }]);
    // Reset (a /clear, a new process): the lower total counts whole.
    const reset = reader.read(
      result(resultLine({ modelUsage: { sonnet: { inputTokens: 40, costUSD: 0.04 } } })),
    );
    expect(reset).toMatchObject([{ model: 'sonnet', inputTokens: 40, reportedCostUsd: 0.04 }]);
    // Nothing new for a model: nothing to add.
    expect(
      reader.read(result(resultLine({ modelUsage: { sonnet: { inputTokens: 40, costUSD: 0.04 } } }))),
    ).toEqual([]);
  });

  it('falls back to the turn usage and the running total cost, for the model it is told', () => {
    const reader = new ResultUsageReader();
    const line = (totalCostUsd: number) =>
      resultLine({
        totalCostUsd,
        usage: {
          input_tokens: 10,
          output_tokens: 2,
          cache_read_input_tokens: 3,
          cache_creation_input_tokens: 4,
          cache_creation: { ephemeral_1h_input_tokens: 9, ephemeral_5m_input_tokens: 0 },
          server_tool_use: { web_search_requests: 1 },
        },
      });
    expect(reader.read(result(line(0.5)), 'claude-opus-5-5')).toEqual([
      {
        model: 'claude-opus-5-5',
        canonicalModel: undefined,
        provider: undefined,
        inputTokens: 10,
        outputTokens: 2,
        cacheReadTokens: 3,
        cacheWriteTokens: 4,
        cacheWrite1hTokens: 4,
        webSearchRequests: 1,
        reportedCostUsd: 0.5,
      },
    ]);
    expect(reader.read(result(line(0.75)))).toMatchObject([{ model: 'unknown', reportedCostUsd: 0.25 }]);
  });

  it('gives nothing for a result ccflow wrote for a run that never finished', () => {
    const reader = new ResultUsageReader();
    const r = result(resultLine({ synthetic: true, modelUsage: { sonnet: { inputTokens: 1, costUSD: 1 } } }));
    expect(reader.read(r)).toEqual([]);
  });
});
