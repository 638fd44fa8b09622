/**
 * Parser throughput and memory bench. Compares `parseMessages` with the floor any NDJSON reader pays (split on
 * newlines, UTF-8 decode, `JSON.parse`) on a ≥ 100 MB realistic transcript file, then checks peak RSS while
 * streaming 1 GB in a child process.
 *
 * Env: `BENCH_PARSER_MB` (file size, MiB, default 100), `BENCH_PARSER_GB_MB` (streamed size, MiB, default 1024).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNdjson, parseMessages } from '@ccflow/parser';
import { build } from 'esbuild';
import { writeTranscript } from './transcript.ts';

const MiB = 1024 * 1024;
const FILE_BYTES = Number(process.env.BENCH_PARSER_MB ?? 100) * MiB;
const STREAM_BYTES = Number(process.env.BENCH_PARSER_GB_MB ?? 1024) * MiB;
const ROUNDS = 5;
const TARGET_RATIO = 0.8;
const TARGET_RSS_MB = 100;

const read = (path: string) => createReadStream(path, { highWaterMark: 64 * 1024 });

/** The floor: newline split with `Buffer.indexOf`, partial lines joined across chunks, `toString` + `JSON.parse`. */
async function floor(path: string): Promise<number> {
  let lines = 0;
  let partial: Buffer[] = [];
  const parse = (line: Buffer) => {
    JSON.parse(line.toString('utf8'));
    lines += 1;
  };
  for await (const chunk of read(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const line = chunk.subarray(start, nl);
      if (partial.length > 0) {
        parse(Buffer.concat([...partial, line]));
        partial = [];
      } else parse(line);
      start = nl + 1;
    }
    if (start < chunk.length) partial.push(chunk.subarray(start));
  }
  if (partial.length > 0) parse(Buffer.concat(partial));
  return lines;
}

/** `decodeNdjson` alone: lines split, decoded and parsed into `DecodedLine`s. */
async function decode(path: string): Promise<number> {
  let lines = 0;
  for await (const _ of decodeNdjson(read(path))) lines += 1;
  return lines;
}

/** The full parser: every message consumed; returns the line count (line-level messages keep `raw`). */
async function ccflow(path: string): Promise<number> {
  let lines = 0;
  for await (const message of parseMessages(read(path))) if ('raw' in message) lines += 1;
  return lines;
}

const PIPELINES = [
  { name: 'floor (split+JSON)', run: floor },
  { name: 'decodeNdjson', run: decode },
  { name: 'parseMessages', run: ccflow },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/** One warm-up round, then `ROUNDS` rounds, pipelines interleaved in alternating order; MB/s per pipeline. */
async function measure(path: string, bytes: number): Promise<number[][]> {
  const rates: number[][] = PIPELINES.map(() => []);
  let expectedLines: number | undefined;
  for (let round = 0; round <= ROUNDS; round++) {
    const order = PIPELINES.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) {
      const start = performance.now();
      const lines = await PIPELINES[i]!.run(path);
      const seconds = (performance.now() - start) / 1000;
      expectedLines ??= lines;
      if (lines !== expectedLines)
        throw new Error(`${PIPELINES[i]!.name} saw ${lines} lines, not ${expectedLines}`);
      if (round > 0) rates[i]!.push(bytes / 1e6 / seconds);
    }
  }
  return rates;
}

/**
 * Streams `bytes` through `parseMessages` in a fresh process and returns its report. The child is bundled to plain
 * JS first: under tsx, Node 20 runs the module loader in a worker thread that alone adds ~40 MB of RSS, which is not
 * the parser's and not what a consumer of the built package pays.
 */
async function streamInChild(
  bytes: number,
): Promise<{ bytes: number; lines: number; mbPerSecond: number; maxRssKb: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'ccflow-parser-bench-'));
  try {
    const outfile = join(dir, 'rss-child.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, 'rss-child.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      conditions: ['@ccflow/source'],
      // transcript.ts finds the fixtures from its own directory, not the bundle's.
      define: { 'import.meta.dirname': JSON.stringify(import.meta.dirname) },
      logLevel: 'warning',
    });
    return JSON.parse(execFileSync(process.execPath, [outfile, String(bytes)], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const path = join(tmpdir(), `ccflow-parser-bench-${process.pid}.ndjson`);
try {
  const bytes = await writeTranscript(path, FILE_BYTES);
  const rates = await measure(path, bytes);
  const [floorRate, ...rest] = rates.map(median) as [number, ...number[]];
  console.log(`parser bench (transcript ${(bytes / 1e6).toFixed(1)} MB, ${ROUNDS} rounds, median)`);
  console.log(`${'pipeline'.padEnd(20)}${'MB/s'.padStart(7)}   vs floor`);
  console.log(`${PIPELINES[0]!.name.padEnd(20)}${floorRate.toFixed(1).padStart(7)}   1.00`);
  rest.forEach((rate, i) => {
    const ratio = rate / floorRate;
    const verdict =
      i === rest.length - 1
        ? `   target >= ${TARGET_RATIO.toFixed(2)}  ${ratio >= TARGET_RATIO ? 'OK' : 'BELOW'}`
        : '';
    console.log(
      `${PIPELINES[i + 1]!.name.padEnd(20)}${rate.toFixed(1).padStart(7)}   ${ratio.toFixed(2)}${verdict}`,
    );
  });
} finally {
  rmSync(path, { force: true });
}

const streamed = await streamInChild(STREAM_BYTES);
const rssMb = (streamed.maxRssKb * 1024) / 1e6;
console.log(
  `${(streamed.bytes / 1e6).toFixed(1)} MB stream: peak RSS ${rssMb.toFixed(0)} MB ` +
    `(target < ${TARGET_RSS_MB} MB) ${rssMb < TARGET_RSS_MB ? 'OK' : 'OVER'}, ` +
    `${streamed.lines} lines, ${streamed.mbPerSecond.toFixed(0)} MB/s`,
);
