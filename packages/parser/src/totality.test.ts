import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageParser } from './message-parser.ts';
import { type Message, MessageSchema } from './messages.ts';
import { NdjsonDecoder } from './ndjson-decoder.ts';
import { parseMessages, parseTranscript } from './parse-messages.ts';

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const objects = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const nested = (shape: 'arrays' | 'objects', depth: number) =>
  shape === 'arrays' ? arrays(depth) : objects(depth);

/** A user line whose tool result content is `json`, and the assistant line with its tool use. */
function toolLines(json: string): string {
  const use = {
    type: 'assistant',
    message: { id: 'm1', model: 'x', content: [{ type: 'tool_use', id: 't1', name: 'Deep', input: {} }] },
  };
  const result = JSON.stringify({
    type: 'user',
    message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: '@' }] },
  }).replace('"@"', json);
  return `${JSON.stringify(use)}\n${result}\n`;
}

function summary(messages: Message[]): unknown[] {
  return messages.map((m) =>
    m.type === 'error'
      ? [m.type, m.code, m.line, m.bytes, m.text.length]
      : m.type === 'tool_result'
        ? [m.type, m.toolUseId, m.result.length]
        : [m.type],
  );
}

async function collect(source: unknown): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of parseMessages(source as Iterable<string>)) out.push(m);
  return out;
}

describe('deep nesting', () => {
  it('a bare line of arrays nested 5,000 deep is an invalid_message error, whose text is the line', () => {
    const line = arrays(5000);
    const [m, ...rest] = parseTranscript(`${line}\n{"type":"x"}\n`);
    expect(m).toMatchObject({ type: 'error', code: 'invalid_message', line: 1, text: line, bytes: 10_000 });
    expect(rest).toMatchObject([{ type: 'unknown', rawType: 'x' }]);
  });

  it('a tool result nested 5,000 deep is a tool_result view with the content as JSON text', () => {
    const messages = parseTranscript(toolLines(arrays(5000)));
    expect(messages.map((m) => m.type)).toEqual(['assistant', 'tool_use', 'user', 'tool_result']);
    // An array content is a list of blocks: its one block is the array one level less deep.
    expect(messages[3]).toMatchObject({ type: 'tool_result', tool: 'Deep', result: arrays(4999) });
  });

  it('holds for arrays and objects nested 1e3 to 1e6 deep, bare, in a tool result, and streamed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('arrays' as const, 'objects' as const),
        fc.integer({ min: 3, max: 6 }).chain((e) => fc.integer({ min: 10 ** (e - 1), max: 10 ** e })),
        fc.boolean(),
        async (shape, depth, inToolResult) => {
          const json = nested(shape, depth);
          const transcript = inToolResult ? toolLines(json) : `${json}\n`;
          const messages = parseTranscript(transcript);
          // vitest's deep equality recurses, so the streamed messages are compared by what sets them apart.
          expect(summary(await collect([transcript]))).toEqual(summary(messages));
          for (const m of messages) expect(MessageSchema.safeParse(m).success).toBe(true);
          const last = messages.at(-1);
          const inner = shape === 'arrays' ? arrays(depth - 1) : json;
          if (inToolResult) expect(last).toMatchObject({ type: 'tool_result', result: inner });
          else if (shape === 'arrays') expect(last).toMatchObject({ type: 'error', text: json });
          else expect(last).toMatchObject({ type: 'unknown' });
        },
      ),
      {
        numRuns: 8,
        examples: [
          ['arrays', 1_000_000, false],
          ['objects', 1_000_000, true],
        ],
      },
    );
  }, 120_000);

  it('MessageParser.parse takes any value, including cycles, getters that throw and BigInt', () => {
    const cycle: unknown[] = [];
    cycle.push(cycle);
    const hostile = {
      get type(): never {
        throw new Error('boom');
      },
    };
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const value of [cycle, hostile, revoked.proxy, 10n, [1n], Symbol('s'), () => 1, undefined]) {
      const out = new MessageParser().parse(value, 7);
      expect(out).toMatchObject([{ type: 'error', code: 'invalid_message', line: 7 }]);
    }
  });
});

describe('chunks outside the contract', () => {
  it('become invalid_chunk errors and leave the line around them intact', () => {
    const d = new NdjsonDecoder();
    const out = [42, null, undefined, { a: 1 }, [1, 2], true]
      .flatMap((c) => [...d.push('{"type":"x"'), ...d.push(c as never), ...d.push(',"n":1}\n')])
      .concat(d.end());
    expect(
      out.filter((l) => l.kind === 'invalid_chunk').map((l) => l.kind === 'invalid_chunk' && l.chunk),
    ).toEqual(['number', 'null', 'undefined', 'object', 'array', 'boolean']);
    expect(out.filter((l) => l.kind === 'json')).toHaveLength(6);
  });

  it('take other byte views and ArrayBuffers as their bytes', () => {
    const bytes = new TextEncoder().encode('{"type":"x"}\n{"type":"y"}\n');
    const d = new NdjsonDecoder();
    const lines = [
      ...d.push(bytes.buffer.slice(0, 13) as never),
      ...d.push(new DataView(bytes.buffer, 13, 3) as never),
      ...d.push(new Uint16Array(bytes.buffer.slice(16)) as never),
      ...d.end(),
    ];
    expect(lines.map((l) => l.kind === 'json' && l.value)).toEqual([{ type: 'x' }, { type: 'y' }]);
  });

  it('through parseMessages, an object stream of non-bytes yields error messages, not a crash', async () => {
    const messages = await collect(['{"type":"a"}\n', 7, { not: 'bytes' }, '{"type":"b"}\n']);
    expect(messages.map((m) => (m.type === 'error' ? m.code : m.type))).toEqual([
      'unknown',
      'invalid_chunk',
      'invalid_chunk',
      'unknown',
    ]);
    for (const m of messages) expect(MessageSchema.safeParse(m).success).toBe(true);
  });

  it('a string or bytes given as the whole source is read as one chunk; a non-iterable one is an error', async () => {
    expect(await collect('{"type":"a"}\n{"type":"b"}')).toMatchObject([{ rawType: 'a' }, { rawType: 'b' }]);
    expect(await collect(new TextEncoder().encode('{"type":"a"}\n'))).toMatchObject([{ rawType: 'a' }]);
    for (const source of [null, 42, {}])
      expect(await collect(source)).toMatchObject([{ type: 'error', code: 'invalid_chunk' }]);
    expect(parseTranscript(42 as never)).toMatchObject([{ type: 'error', code: 'invalid_chunk' }]);
  });
});
