import type { QueryResult } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import type { BatchItem } from './batch-input.ts';
import { OrderedWriter } from './batch-results.ts';
import { runAll } from './batch-run.ts';
import { Progress } from './progress.ts';

const answer = (text: string): QueryResult => ({
  text,
  structuredOutput: undefined,
  sessionId: undefined,
  usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, thinkingTokens: 0 },
  totalTokens: 0,
  costUsd: 0,
  sessionCostUsd: 0,
  durationMs: 1,
  numTurns: 1,
  isError: false,
  error: undefined,
  result: undefined,
  unavailableMcpServers: [],
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runAll', () => {
  it('a runner that throws: nothing starts after it, the prompts under way end and are written, then it throws', async () => {
    const items: BatchItem[] = ['a', 'b', 'c', 'd', 'e'].map((prompt, i) => ({
      id: i + 1,
      line: i + 1,
      prompt,
      options: {},
    }));
    const lines: string[] = [];
    const writer = new OrderedWriter((line) => lines.push(line));
    const progress = new Progress({ write: () => true }, {}, items.length, true);
    const started: string[] = [];
    let running = 0;
    const broken = new Error('the store failed');
    const delays: Record<string, number> = { a: 60, b: 10, c: 30 };
    const failure = runAll(
      items,
      3,
      async (prompt) => {
        started.push(prompt);
        running++;
        try {
          await sleep(delays[prompt] ?? 0);
          if (prompt === 'b') throw broken;
          return answer(prompt);
        } finally {
          running--;
        }
      },
      new AbortController().signal,
      writer,
      progress,
    ).then(
      () => undefined,
      (error: unknown) => ({ error, running, lines: [...lines] }),
    );
    const ended = await failure;
    expect(ended?.error).toBe(broken);
    expect(ended?.running).toBe(0); // thrown only once a and c had ended
    expect(started).toEqual(['a', 'b', 'c']); // d and e never started
    expect(ended?.lines.map((l) => JSON.parse(l).text)).toEqual(['a']); // c waits behind b's gap
    writer.flushAll();
    expect(lines.map((l) => JSON.parse(l).text)).toEqual(['a', 'c']);
    expect(progress.state).toMatchObject({ done: 2, failed: 0, running: 0 });
  });
});
