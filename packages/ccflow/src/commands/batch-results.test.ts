import { CliExecutionError, type QueryResult } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import { type BatchRecord, batchRecord, OrderedWriter } from './batch-results.ts';

const record = (id: number): BatchRecord => ({
  id,
  ok: true,
  text: `answer ${id}`,
  structuredOutput: null,
  error: null,
  costUsd: 0,
  durationMs: 1,
  numTurns: 1,
  sessionId: null,
  usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
});

describe('OrderedWriter', () => {
  it('writes in input order: a record that completes early waits for every earlier one', () => {
    const lines: string[] = [];
    const writer = new OrderedWriter((line) => lines.push(line));
    writer.put(2, record(3));
    writer.put(1, record(2));
    expect(lines).toEqual([]);
    writer.put(0, record(1));
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([1, 2, 3]);
    writer.put(4, record(5));
    expect(writer.written).toBe(3);
    writer.put(3, record(4));
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([1, 2, 3, 4, 5]);
    expect(lines.every((l) => l.endsWith('}\n') && !l.slice(0, -1).includes('\n'))).toBe(true);
  });

  it('flushAll writes the waiting ones in order, past the gaps of prompts that never finished', () => {
    const lines: string[] = [];
    const writer = new OrderedWriter((line) => lines.push(line));
    writer.put(5, record(6));
    writer.put(0, record(1));
    writer.put(3, record(4));
    writer.flushAll();
    expect(lines.map((l) => JSON.parse(l).id)).toEqual([1, 4, 6]);
    expect(writer.written).toBe(3);
    writer.flushAll();
    expect(lines).toHaveLength(3);
  });
});

describe('batchRecord', () => {
  const result = (over: Partial<QueryResult>): QueryResult => ({
    text: 'hi',
    structuredOutput: undefined,
    sessionId: 's-1',
    usage: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 5, cacheWriteTokens: 6, thinkingTokens: 0 },
    totalTokens: 7,
    costUsd: 0.25,
    sessionCostUsd: 0.5,
    durationMs: 12,
    numTurns: 1,
    isError: false,
    error: undefined,
    result: undefined,
    unavailableMcpServers: [],
    ...over,
  });

  it('a success: the stable shape', () => {
    expect(batchRecord({ id: 'a', line: 1, prompt: 'p', options: {} }, result({}))).toEqual({
      id: 'a',
      ok: true,
      text: 'hi',
      structuredOutput: null,
      error: null,
      costUsd: 0.25,
      durationMs: 12,
      numTurns: 1,
      sessionId: 's-1',
      usage: { inputTokens: 3, outputTokens: 4, cacheReadTokens: 5, cacheWriteTokens: 6 },
    });
  });

  it("a failure: its code and message, with the options' secrets redacted", () => {
    const error = new CliExecutionError({ message: 'bad key sk-ant-secret-value-1234 refused' });
    const r = batchRecord(
      { id: 1, line: 1, prompt: 'p', options: { env: { ANTHROPIC_API_KEY: 'sk-ant-secret-value-1234' } } },
      result({ isError: true, error, sessionId: undefined, text: '' }),
    );
    expect(r).toMatchObject({ ok: false, sessionId: null, error: { code: 'CLI_EXECUTION' } });
    expect(r.error?.message).toMatch(/^bad key .+ refused$/);
    expect(r.error?.message).not.toContain('sk-ant-secret-value-1234');
  });
});
