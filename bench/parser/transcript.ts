/**
 * Realistic `stream-json` transcript bytes for the parser bench, built from the CLI transcripts recorded in
 * `@ccflow/testing`'s fixtures. Deterministic (seeded PRNG) and generated on the fly in constant memory.
 */
import { createWriteStream, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fixturePath, seededRandom } from '@ccflow/testing';

const FIXTURES = dirname(fixturePath('text'));
const SEED = 0x5eed;
const KiB = 1024;

/**
 * How often each kind of line is picked. A long session with partial messages is mostly small `stream_event`
 * deltas; a few tool results of 4–64 KB carry about half of the bytes.
 */
const WEIGHTS = {
  delta: 55,
  event: 20,
  assistant: 10,
  user: 5,
  system: 6,
  init: 0.5,
  result: 0.5,
  large: 1.2,
} as const;
type Kind = keyof typeof WEIGHTS;

function kindOf(value: { type?: unknown; subtype?: unknown; event?: { type?: unknown } }): Kind {
  switch (value.type) {
    case 'stream_event':
      return value.event?.type === 'content_block_delta' ? 'delta' : 'event';
    case 'assistant':
      return 'assistant';
    case 'user':
      return 'user';
    case 'result':
      return 'result';
    default:
      return value.subtype === 'init' ? 'init' : 'system';
  }
}

/** Words of tool output: paths, code, log noise, some non-ASCII and characters JSON must escape. */
const WORDS = [
  'src/index.ts',
  'const',
  'return',
  'function',
  'await',
  'import',
  '{',
  '}',
  '=>',
  'error:',
  'warning',
  'drwxr-xr-x',
  '4096',
  'Nov',
  '24',
  'node_modules',
  '"quoted"',
  'C:\\path\\file',
  '\ttab',
  'café',
  'naïve',
  'Größe',
  'données',
  '日本語のテキスト',
  '→',
  '✓',
  '—',
  '…',
  'λ',
  '🚀',
  'Привет',
  'ok',
  'PASS',
  'FAIL',
  '42ms',
];

/** `bytes` of varied multi-line text. */
function toolOutput(random: () => number, bytes: number): string {
  let text = '';
  let size = 0;
  while (size < bytes) {
    const words = 3 + Math.floor(random() * 12);
    let line = '';
    for (let i = 0; i < words; i++) line += `${WORDS[Math.floor(random() * WORDS.length)]} `;
    text += `${line.trimEnd()}\n`;
    size += Buffer.byteLength(line);
  }
  return text;
}

/** A recorded tool result line whose output is enlarged to about `bytes` (content and stdout both carry it). */
function largeToolResult(template: string, random: () => number, bytes: number): Buffer {
  const line = JSON.parse(template);
  const output = toolOutput(random, (bytes - template.length) / 2.15);
  line.message.content[0].content = output;
  line.tool_use_result.stdout = output;
  return Buffer.from(`${JSON.stringify(line)}\n`);
}

/** Every line of every fixture, by kind, plus a pool of large tool results built from a recorded one. */
function linePools(random: () => number): Record<Kind, Buffer[]> {
  const pools = Object.fromEntries(Object.keys(WEIGHTS).map((k) => [k, []])) as unknown as Record<
    Kind,
    Buffer[]
  >;
  let template: string | undefined;
  for (const file of readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.ndjson'))
    .sort()) {
    for (const text of readFileSync(join(FIXTURES, file), 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      const value = JSON.parse(text);
      pools[kindOf(value)].push(Buffer.from(`${text}\n`));
      const block = value.message?.content?.[0];
      if (value.type === 'user' && typeof block?.content === 'string' && value.tool_use_result?.stdout) {
        template ??= text;
      }
    }
  }
  if (template === undefined) throw new Error('no recorded Bash tool result in the fixtures');
  // 4–64 KB, log-uniform: mostly modest outputs, a few big ones.
  for (let i = 0; i < 48; i++) pools.large.push(largeToolResult(template, random, 4 * KiB * 16 ** random()));
  return pools;
}

/** An endless, deterministic sequence of transcript lines, each ending with a newline. */
export function* transcriptLines(seed = SEED): Generator<Buffer> {
  const random = seededRandom(seed);
  const pools = linePools(random);
  const kinds = Object.keys(WEIGHTS) as Kind[];
  const upTo: number[] = [];
  for (const k of kinds) upTo.push((upTo.at(-1) ?? 0) + WEIGHTS[k]);
  const total = upTo.at(-1)!;
  for (;;) {
    const pick = random() * total;
    const pool = pools[kinds[upTo.findIndex((u) => pick < u)]!];
    yield pool[Math.floor(random() * pool.length)]!;
  }
}

/**
 * The transcript as `chunkSize` Buffers cut at arbitrary positions (mid-line, mid-character), ending at the first
 * line end at or past `totalBytes`. Holds one chunk and the line pools (about 1 MB) at a time.
 */
function* transcriptChunksSync(totalBytes: number, chunkSize = 64 * KiB): Generator<Buffer> {
  let chunk = Buffer.allocUnsafe(chunkSize);
  let fill = 0;
  let written = 0;
  for (const line of transcriptLines()) {
    for (let at = 0; at < line.length; ) {
      const n = line.copy(chunk, fill, at);
      fill += n;
      at += n;
      if (fill === chunkSize) {
        yield chunk;
        chunk = Buffer.allocUnsafe(chunkSize);
        fill = 0;
      }
    }
    written += line.length;
    if (written >= totalBytes) break;
  }
  if (fill > 0) yield chunk.subarray(0, fill);
}

/** {@link transcriptChunksSync} as an async stream, like a child process's stdout. */
export async function* transcriptChunks(totalBytes: number, chunkSize = 64 * KiB): AsyncGenerator<Buffer> {
  yield* transcriptChunksSync(totalBytes, chunkSize);
}

/** Writes about `totalBytes` of transcript (up to the next line end) to `path`; resolves to the bytes written. */
export async function writeTranscript(path: string, totalBytes: number): Promise<number> {
  await pipeline(Readable.from(transcriptChunksSync(totalBytes)), createWriteStream(path));
  return statSync(path).size;
}
