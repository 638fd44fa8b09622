/**
 * Streams `argv[2]` bytes of generated transcript (no disk) through `parseMessages` and prints, as JSON on stdout,
 * the peak RSS, lines, messages and throughput. Run by `run.ts` in its own process so the peak RSS is its own.
 */
import { parseMessages } from '@ccflow/parser';
import { transcriptChunks } from './transcript.ts';

const totalBytes = Number(process.argv[2]);
let bytes = 0;
async function* counted(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    bytes += chunk.length;
    yield chunk;
  }
}

const start = performance.now();
let lines = 0;
let messages = 0;
for await (const message of parseMessages(counted(transcriptChunks(totalBytes)))) {
  messages += 1;
  // Line-level messages (one per line) keep the line as `raw`; block-level views do not.
  if ('raw' in message) lines += 1;
}
const seconds = (performance.now() - start) / 1000;
console.log(
  JSON.stringify({
    bytes,
    lines,
    messages,
    mbPerSecond: bytes / 1e6 / seconds,
    maxRssKb: process.resourceUsage().maxRSS,
  }),
);
