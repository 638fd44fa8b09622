import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCliSessionMessages } from '../src/cli-session-reader.ts';
import { answer, CliTranscripts, prompt } from './cli-transcripts.ts';

// A 200 MB transcript read message by message: memory stays bounded by a chunk and a line, not the file.

const MB = 1024 * 1024;
const FILE_BYTES = 200 * MB;
const id = randomUUID();
let files: CliTranscripts;
let path: string;

beforeAll(async () => {
  files = new CliTranscripts();
  path = files.write(id, [prompt(id, 'Write a long story')]);
  const out = createWriteStream(path, { flags: 'a' });
  const text = 'All work and no play. '.repeat(700);
  let written = statSync(path).size;
  for (let i = 0; written < FILE_BYTES; i++) {
    const line = `${JSON.stringify(answer(id, { type: 'text', text: `${i} ${text}` }, `msg_${i}`))}\n`;
    written += Buffer.byteLength(line);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}, 120_000);

afterAll(() => files.close());

describe('readCliSessionMessages on a 200 MB file', () => {
  it('streams every message in order while memory grows by far less than the file', async () => {
    const base = process.memoryUsage().rss;
    let peak = base;
    let texts = 0;
    let lastIndex = -1;
    let ordered = true;
    for await (const m of readCliSessionMessages(id, { configDir: files.configDir })) {
      if (m.type !== 'text') continue;
      const index = Number.parseInt(m.content, 10);
      ordered &&= index === lastIndex + 1;
      lastIndex = index;
      texts += 1;
      if (texts % 200 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(statSync(path).size).toBeGreaterThanOrEqual(FILE_BYTES);
    expect(ordered).toBe(true);
    expect(texts).toBeGreaterThan(12_000);
    const grewMb = (peak - base) / MB;
    console.info(`200 MB transcript: ${texts} text messages, RSS grew ${grewMb.toFixed(1)} MB`);
    expect(grewMb).toBeLessThan(64);
  }, 120_000);
});
