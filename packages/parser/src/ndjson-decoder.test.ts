import { spawnSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type DecodedLine, decodeNdjson, NdjsonDecoder } from './ndjson-decoder.ts';
import { fromReadableStream } from './web-stream.ts';

function decodeAll(chunks: (Uint8Array | string)[], maxLineBytes?: number): DecodedLine[] {
  const d = new NdjsonDecoder({ maxLineBytes, headBytes: 8 });
  return [...chunks.flatMap((c) => d.push(c)), ...d.end()];
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('NdjsonDecoder', () => {
  it('decodes lines split across chunks, including inside a multi-byte character', () => {
    const text = '{"t":"日本🚀"}\n{"t":"é"}\n';
    const all = bytes(text);
    for (let cut = 0; cut <= all.length; cut++) {
      const lines = decodeAll([all.subarray(0, cut), all.subarray(cut)]);
      expect(lines.map((l) => (l.kind === 'json' ? l.value : l))).toEqual([{ t: '日本🚀' }, { t: 'é' }]);
    }
  });

  it('handles CRLF, blank lines, whitespace-only lines and a last line without newline', () => {
    const lines = decodeAll(['{"a":1}\r\n\r\n', '   \n\t\n{"a":2}\n', '{"a":3}']);
    expect(lines).toEqual([
      { kind: 'json', line: 1, value: { a: 1 } },
      { kind: 'json', line: 5, value: { a: 2 } },
      { kind: 'json', line: 6, value: { a: 3 } },
    ]);
  });

  it('turns a line that is not JSON into a value with its text and line number, and carries on', () => {
    const lines = decodeAll(['{"a":1}\nnot json at all\n{"a":', '2}\n']);
    expect(lines[0]).toEqual({ kind: 'json', line: 1, value: { a: 1 } });
    expect(lines[1]).toMatchObject({ kind: 'invalid_json', line: 2, text: 'not json at all', bytes: 15 });
    expect((lines[1] as { error: string }).error).toMatch(/JSON/);
    expect(lines[2]).toEqual({ kind: 'json', line: 3, value: { a: 2 } });
  });

  it('reports a line over the cap with its start and length, and carries on', () => {
    const long = `{"x":"${'y'.repeat(100)}"}`;
    for (const chunks of [[`${long}\n{"ok":true}\n`], [...long, '\n{"ok":true}\n']]) {
      const lines = decodeAll(chunks, 32);
      expect(lines).toEqual([
        { kind: 'line_too_long', line: 1, head: '{"x":"yy', bytes: long.length },
        { kind: 'json', line: 2, value: { ok: true } },
      ]);
    }
  });

  it('accepts a line exactly at the cap and a too-long last line without newline', () => {
    expect(decodeAll(['{"a":"bc"}\n'], 10)).toEqual([{ kind: 'json', line: 1, value: { a: 'bc' } }]);
    expect(decodeAll(['{"a":"bcd"}'], 10)).toEqual([
      { kind: 'line_too_long', line: 1, head: '{"a":"bc', bytes: 11 },
    ]);
  });

  it('never throws on arbitrary bytes', () => {
    const junk = new Uint8Array([0xff, 0xfe, 0x0a, 0xc3, 0x0a, 0x7b, 0x0a, 0x00, 0x22]);
    const lines = decodeAll([junk]);
    expect(lines.map((l) => l.kind)).toEqual([
      'invalid_json',
      'invalid_json',
      'invalid_json',
      'invalid_json',
    ]);
    expect(lines[0]).toMatchObject({ text: '\uFFFD\uFFFD' });
  });
});

describe('decodeNdjson', () => {
  it('reads a Node Readable and a Web ReadableStream', async () => {
    const text = '{"n":1}\n{"n":2}\n';
    const fromNode: DecodedLine[] = [];
    for await (const l of decodeNdjson(
      Readable.from([Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]),
    )) {
      fromNode.push(l);
    }
    const web = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes(text.slice(0, 9)));
        controller.enqueue(bytes(text.slice(9)));
        controller.close();
      },
    });
    const fromWeb: DecodedLine[] = [];
    for await (const l of decodeNdjson(fromReadableStream(web))) fromWeb.push(l);
    expect(fromNode).toEqual(fromWeb);
    expect(fromWeb.map((l) => (l.kind === 'json' ? l.value : null))).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('cancels a Web stream when the consumer stops early', async () => {
    let cancelled = false;
    const web = new ReadableStream<string>({
      pull(controller) {
        controller.enqueue('{"n":1}\n');
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const _ of decodeNdjson(fromReadableStream(web))) break;
    expect(cancelled).toBe(true);
  });

  it('decodes a 300 MB stream in bounded memory', () => {
    // If memory followed the stream instead of the longest line, the child's heap cap or RSS check would fail.
    const script = `
      import { decodeNdjson } from ${JSON.stringify(new URL('./ndjson-decoder.ts', import.meta.url).pathname)};
      const line = Buffer.from(JSON.stringify({ type: 'assistant', text: 'z'.repeat(3000) }) + '\\n');
      const chunk = Buffer.concat(Array.from({ length: 20 }, () => line));
      async function* source() { for (let sent = 0; sent < 300e6; sent += chunk.length) yield chunk.subarray(0); }
      let n = 0;
      for await (const l of decodeNdjson(source())) if (l.kind === 'json') n++;
      console.log(JSON.stringify({ n, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
    `;
    const child = spawnSync(
      process.execPath,
      ['--max-old-space-size=64', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.stderr).toBe('');
    const { n, maxRssMb } = JSON.parse(child.stdout);
    expect(n).toBe(Math.ceil(300e6 / (20 * 3031)) * 20);
    expect(maxRssMb).toBeLessThan(150);
  }, 60_000);
});
