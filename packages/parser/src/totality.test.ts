import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Message } from './messages.ts';
import { NdjsonDecoder } from './ndjson-decoder.ts';
import { parseMessages, parseTranscript } from './parse-messages.ts';

// The parser is total: whatever it is given, it returns messages (an `error` message for what is not one) and never
// throws. These are the inputs that once made it throw.

const nested = (kind: 'array' | 'object', depth: number) =>
  kind === 'array'
    ? `${'['.repeat(depth)}${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const inToolResult = (value: string) =>
  `{"type":"user","session_id":"s","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":${value}}]}}`;

async function collect(source: AsyncIterable<Message>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of source) out.push(m);
  return out;
}

describe('deep nesting', () => {
  const cases = fc.record({
    kind: fc.constantFrom('array' as const, 'object' as const),
    depth: fc.integer({ min: 1_000, max: 1_000_000 }),
    wrapped: fc.boolean(),
    chunk: fc.integer({ min: 1, max: 65_536 }),
  });

  it('a line nested 1e3 to 1e6 deep, bare or as a tool result, parses without throwing, whole or in chunks', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async ({ kind, depth, wrapped, chunk }) => {
        const value = nested(kind, depth);
        const line = wrapped ? inToolResult(value) : value;
        const transcript = `${line}\n{"type":"result","subtype":"success","session_id":"s","total_cost_usd":0}\n`;
        const whole = parseTranscript(transcript);
        const chunks = Array.from({ length: Math.ceil(transcript.length / chunk) }, (_, i) =>
          transcript.slice(i * chunk, (i + 1) * chunk),
        );
        const streamed = await collect(parseMessages(chunks));
        for (const messages of [whole, streamed]) {
          // Nothing after the deep line is lost.
          expect(messages.at(-1)?.type).toBe('result');
          if (wrapped) {
            const result = messages.find((m) => m.type === 'tool_result');
            // An array's elements are the result's blocks, joined; an object is one block.
            const text = kind === 'array' ? value.length - 2 : value.length;
            expect(result?.type === 'tool_result' && result.result.length).toBe(text);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('chunks outside the contract', () => {
  const odd: unknown[] = [42, null, undefined, { a: 1 }, true, Symbol('s'), () => 1];

  it('each becomes an invalid_chunk error message; good chunks around it still parse', async () => {
    for (const chunk of odd) {
      const source = [
        '{"type":"result","subtype":"success","session_id":"s"}\n',
        chunk,
        '{"type":"unknown_kind"}\n',
      ];
      const messages = await collect(parseMessages(source as string[]));
      expect(messages.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual([
        'result',
        'invalid_chunk',
        'unknown',
      ]);
      const decoder = new NdjsonDecoder();
      expect(decoder.push(chunk as string)).toEqual([
        { kind: 'invalid_chunk', line: 1, error: expect.stringMatching(/neither bytes nor text/) },
      ]);
    }
  });

  it('bytes in any typed-array view or ArrayBuffer are bytes', () => {
    const bytes = new TextEncoder().encode('{"type":"result","subtype":"success","session_id":"s"}\n');
    for (const chunk of [bytes.buffer, new DataView(bytes.buffer), new Int8Array(bytes.buffer)]) {
      const lines = new NdjsonDecoder().push(chunk as ArrayBuffer);
      expect(lines.map((l) => l.kind)).toEqual(['json']);
    }
  });

  it('a source that is not iterable is one invalid chunk', async () => {
    for (const source of [42, null, { not: 'iterable' }]) {
      const messages = await collect(parseMessages(source as unknown as string[]));
      expect(messages).toMatchObject([{ type: 'error', code: 'invalid_chunk' }]);
    }
    expect(parseTranscript(7 as unknown as string)).toMatchObject([{ type: 'error', code: 'invalid_chunk' }]);
  });
});
