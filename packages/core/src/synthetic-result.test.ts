import { ResultMessageSchema } from '@ccflow/parser/schemas';
import { describe, expect, it } from 'vitest';
import { syntheticResult } from './synthetic-result.ts';

describe('syntheticResult', () => {
  it('is a well-formed failed result, marked as written by ccflow', () => {
    const r = syntheticResult({ reason: 'claude was killed by SIGKILL', sessionId: 's-1', durationMs: 12 });
    expect(ResultMessageSchema.parse(r)).toEqual(r);
    expect(r).toMatchObject({
      type: 'result',
      subtype: 'error_during_execution',
      isError: true,
      errors: ['claude was killed by SIGKILL'],
      sessionId: 's-1',
      usage: { inputTokens: 0, outputTokens: 0 },
      totalCostUsd: 0,
      raw: { type: 'result', ccflow_synthetic: true, session_id: 's-1' },
    });
  });

  it('has an empty session id when the CLI never said one', () => {
    expect(syntheticResult({ reason: 'x', durationMs: 0 }).sessionId).toBe('');
  });
});
