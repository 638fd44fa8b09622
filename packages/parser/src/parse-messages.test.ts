import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureNames } from '../test/fixtures.ts';
import { type Message, MessageSchema } from './messages.ts';
import { parseMessages, parseTranscript } from './parse-messages.ts';

async function collect(chunks: Iterable<Uint8Array | string>): Promise<Message[]> {
  const out: Message[] = [];
  for await (const m of parseMessages(chunks)) out.push(m);
  return out;
}

/** Cuts `bytes` at the given offsets (sorted, deduplicated). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  return parts;
}

describe('parseMessages', () => {
  const transcripts = fixtureNames.map((name) => ({ name, bytes: new Uint8Array(fixture(name)) }));

  it('never depends on how the bytes of a real transcript were split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...transcripts),
        fc.array(fc.nat(), { maxLength: 64 }),
        async ({ bytes }, offsets) => {
          expect(await collect(cut(bytes, offsets))).toEqual(parseTranscript(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('splits at every byte give the same messages (worst case: one byte per chunk)', async () => {
    const bytes = new Uint8Array(fixture('thinking-partial'));
    const oneByOne = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await collect(oneByOne)).toEqual(parseTranscript(bytes));
  });

  it('is total: garbage, truncated and reordered lines never throw, and every line is accounted for', async () => {
    const realLines = transcripts.flatMap(({ bytes }) => Buffer.from(bytes).toString('utf8').split('\n'));
    const line = fc.oneof(
      fc.constantFrom(...realLines),
      fc.constantFrom(...realLines).chain((l) => fc.nat(l.length).map((n) => l.slice(0, n))),
      fc.string({ unit: 'binary' }).filter((s) => !s.includes('\n')),
      fc.jsonValue().map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 40 }),
        fc.array(fc.nat(), { maxLength: 16 }),
        async (lines, offsets) => {
          const bytes = new TextEncoder().encode(lines.join('\n'));
          const msgs = await collect(cut(bytes, offsets));
          for (const m of msgs) expect(MessageSchema.safeParse(m).success).toBe(true);
          const nonBlank = lines
            .join('\n')
            .split('\n')
            // Blank as JSON means it (spaces, tabs, CR): a line of other white space (\v, NBSP) is a line.
            .filter((l) => !/^[ \t\r]*$/.test(l)).length;
          expect(msgs.filter((m) => 'raw' in m).length).toBe(nonBlank);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a stream that stops mid-line reports the unfinished line instead of dropping it', async () => {
    const msgs = await collect(['{"type":"result","subtype":"success"}\n{"type":"assis']);
    expect(msgs.map((m) => m.type)).toEqual(['result', 'error']);
    expect(msgs[1]).toMatchObject({ code: 'invalid_json', line: 2, text: '{"type":"assis' });
  });

  it('answers calls made before the previous one settled in order, and return() stops the source', async () => {
    const bytes = new Uint8Array(fixture('tool-bash'));
    let pulled = 0;
    let closed = false;
    async function* chunks() {
      try {
        for (let i = 0; i < bytes.length; i += 97) {
          pulled++;
          await new Promise((r) => setTimeout(r, 1));
          yield bytes.subarray(i, i + 97);
        }
      } finally {
        closed = true;
      }
    }
    const expected = parseTranscript(bytes);
    const stream = parseMessages(chunks());
    const firstFive = await Promise.all([
      stream.next(),
      stream.next(),
      stream.next(),
      stream.next(),
      stream.next(),
    ]);
    expect(firstFive.map((r) => r.value)).toEqual(expected.slice(0, 5));
    await stream.return?.();
    expect(closed).toBe(true);
    expect(pulled).toBeLessThan(Math.ceil(bytes.length / 97));
    expect((await stream.next()).done).toBe(true);
  });
});
