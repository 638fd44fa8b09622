/**
 * The transcript the fault CLI replays: the parser bench's realistic lines (recorded fixtures, mostly small
 * `stream_event` deltas, a few large tool results) without their `result` lines, so that ccflow reads all of it,
 * then the `result` line of the recorded `text.ndjson` turn as the only and last one.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fixturePath } from '@ccflow/testing';
import { transcriptLines } from '../parser/transcript.ts';

/** What marks the result line; the bare reader looks for it to close stdin, as ccflow does after the result. */
export const RESULT_MARK = '"type":"result"';

const RESULT_LINE = (() => {
  const fixture = fixturePath('text');
  const line = readFileSync(fixture, 'utf8')
    .split('\n')
    .find((l) => l.includes(RESULT_MARK));
  if (line === undefined) throw new Error(`no result line in ${fixture}`);
  return Buffer.from(`${line}\n`);
})();

/** The lines, in chunks of about 64 KiB. */
function* chunks(totalBytes: number, count: { bytes: number; lines: number }): Generator<Buffer> {
  let batch: Buffer[] = [];
  let batchBytes = 0;
  for (const line of transcriptLines()) {
    if (count.bytes >= totalBytes - RESULT_LINE.length) break;
    if (line.includes(RESULT_MARK)) continue;
    count.bytes += line.length;
    count.lines += 1;
    batch.push(line);
    batchBytes += line.length;
    if (batchBytes >= 64 * 1024) {
      yield Buffer.concat(batch);
      batch = [];
      batchBytes = 0;
    }
  }
  count.bytes += RESULT_LINE.length;
  count.lines += 1;
  yield Buffer.concat([...batch, RESULT_LINE]);
}

/** Writes about `totalBytes` of transcript ending with one result line to `path`. */
export async function writeResultTerminatedTranscript(
  path: string,
  totalBytes: number,
): Promise<{ bytes: number; lines: number }> {
  const count = { bytes: 0, lines: 0 };
  await pipeline(Readable.from(chunks(totalBytes, count)), createWriteStream(path));
  return count;
}
