import { MessageParser } from '@ccflow/parser';
import { describe, expect, it } from 'vitest';
import { readFixture } from './fixtures.ts';
import { mockLines } from './mock-lines.ts';

/** Every field the builder sets (nested objects included) is one the real CLI printed there. */
function inventedFields(built: unknown, real: unknown, at = ''): string[] {
  if (!isRecord(built) || !isRecord(real)) return [];
  return Object.entries(built).flatMap(([key, value]) => {
    if (!(key in real)) return [`${at}${key}`];
    if (key === 'modelUsage' || key === 'model_usage_since_last_result') return [];
    return inventedFields(value, real[key], `${at}${key}.`);
  });
}
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

describe('mockLines against what the real CLI printed', () => {
  const text = readFixture('text');
  const tool = readFixture('tool-bash');
  const thinking = readFixture('thinking');
  const find = (lines: Record<string, unknown>[], match: (line: any) => boolean) => lines.find(match);

  it.each([
    ['init', mockLines.init(), find(text, (l) => l.subtype === 'init')],
    ['text', mockLines.text('hi'), find(text, (l) => l.type === 'assistant')],
    [
      'thinking',
      mockLines.thinking('hm'),
      find(thinking, (l) => l.message?.content?.[0]?.type === 'thinking'),
    ],
    [
      'toolUse',
      mockLines.toolUse('Bash', { command: 'ls' }),
      find(tool, (l) => l.message?.content?.[0]?.type === 'tool_use'),
    ],
    ['toolResult', mockLines.toolResult('toolu_1', 'ok'), find(tool, (l) => l.type === 'user')],
    ['result', mockLines.result(), find(text, (l) => l.type === 'result')],
  ])('%s: only fields the CLI prints, parsed as the same kind of message', (_, built, real) => {
    expect(real).toBeDefined();
    expect(inventedFields(built, real)).toEqual([]);
    const kinds = (line: unknown) => new MessageParser().parse(structuredClone(line)).map((m) => m.type);
    expect(kinds(built)).toEqual(kinds(real));
  });
});
