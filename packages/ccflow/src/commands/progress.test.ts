import { describe, expect, it, vi } from 'vitest';
import type { BatchRecord } from './batch-results.ts';
import { colours } from './output.ts';
import { duration, etaMs, Progress, type ProgressState, plainLine, ttyLine } from './progress.ts';

const ESC = String.fromCharCode(27);

const state = (over: Partial<ProgressState> = {}): ProgressState => ({
  total: 10,
  done: 3,
  failed: 1,
  running: 3,
  costUsd: 0.01234,
  elapsedMs: 8000,
  ...over,
});

const record = (over: Partial<BatchRecord> = {}): BatchRecord => ({
  id: 4,
  ok: true,
  text: '',
  structuredOutput: null,
  error: null,
  costUsd: 0.003,
  durationMs: 10,
  numTurns: 1,
  sessionId: null,
  usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
  ...over,
});

describe('ETA', () => {
  it('the pace so far times what is left; unknown before the first prompt finishes', () => {
    expect(etaMs(state())).toBe(12_000); // 4 finished in 8 s, 6 left
    expect(etaMs(state({ done: 0, failed: 0 }))).toBeUndefined();
    expect([duration(undefined), duration(42_400), duration(184_000), duration(3_720_000)]).toEqual([
      '?',
      '42s',
      '3m04s',
      '1h02m',
    ]);
  });
});

describe('ttyLine', () => {
  it('a bar, the counts, the cost so far and the ETA, narrower than the terminal', () => {
    const line = ttyLine(state(), 80);
    expect(line).toMatch(/^\[(#+)(-+)\] 4\/10 {2}done 3 {2}failed 1 {2}running 3 {2}\$0\.0123 {2}eta 12s$/);
    const [, full = '', empty = ''] = /^\[(#+)(-+)\]/.exec(line) ?? [];
    expect(full.length).toBe(Math.floor((4 / 10) * (full.length + empty.length)));
    expect(line.length).toBe(79); // the bar takes the room left, up to 30
    expect(ttyLine(state(), 200)).toMatch(/^\[#{12}-{18}\] /);
    const narrow = ttyLine(state(), 60);
    expect(narrow.length).toBe(59);
    expect(narrow).toMatch(/^\[#+-+\] 4\/10 /);
    expect(ttyLine(state(), 30).length).toBe(29); // no room for a bar: the words, cut
    expect(ttyLine(state({ done: 9, failed: 1, running: 0 }), 80)).toMatch(/^\[#+\] 10\/10 .* eta 0s$/);
  });

  it('colours: a bold bar and red failures; the visible width is the same', () => {
    const paint = colours({ isTTY: true }, {});
    const line = ttyLine(state(), 80, paint);
    expect(line.startsWith(`[${ESC}[1m#`)).toBe(true);
    expect(line).toContain(`-${ESC}[0m] `);
    expect(line).toContain(`${ESC}[31mfailed 1${ESC}[0m`);
    expect(line.replace(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(ttyLine(state(), 80));
    expect(ttyLine(state({ failed: 0 }), 80, paint)).not.toContain(`${ESC}[31m`);
  });
});

describe('plainLine', () => {
  it('one line of key=value words per finished prompt', () => {
    expect(plainLine(state(), record())).toBe(
      '[4/10] id=4 ok done=3 failed=1 running=3 cost=$0.0123 eta=12s',
    );
    const failed = record({ id: 'a b', ok: false, error: { code: 'CLI_EXECUTION_ERROR', message: 'x' } });
    expect(plainLine(state(), failed)).toMatch(/^\[4\/10\] id="a b" error=CLI_EXECUTION_ERROR done=3 /);
  });
});

describe('Progress', () => {
  const stream = (isTTY: boolean) => {
    const chunks: string[] = [];
    return { chunks, isTTY, columns: 70, write: (s: string) => chunks.push(s) };
  };

  it('not a terminal: one plain line per finished prompt, then the summary', () => {
    const s = stream(false);
    const p = new Progress(s, {}, 2, false);
    p.started();
    p.started();
    p.finished(record({ id: 2 }));
    p.finished(record({ id: 1, ok: false, costUsd: 0, error: { code: 'ABORTED', message: '' } }));
    p.end('summary');
    expect(s.chunks.join('')).toMatch(
      /^\[1\/2\] id=2 ok done=1 failed=0 running=1 cost=\$0\.0030 eta=\d+s\n\[2\/2\] id=1 error=ABORTED done=1 failed=1 running=0 cost=\$0\.0030 eta=0s\nsummary\n$/,
    );
  });

  it('a terminal: the line is redrawn in place, cleared to its end, and left standing at the end', () => {
    const s = stream(true);
    const p = new Progress(s, { NO_COLOR: '1' }, 2, false);
    expect(s.chunks).toEqual([]); // nothing before start
    p.start();
    p.started();
    p.finished(record());
    p.end(undefined);
    const text = s.chunks.join('');
    expect(text.startsWith('\r[')).toBe(true);
    expect(text).not.toContain(`${ESC}[1m`); // NO_COLOR
    const redraws = text.split('\r').slice(1);
    expect(redraws[0]).toBe(`[${'-'.repeat(18)}] 0/2  done 0  failed 0  running 0  $0.0000  eta ?${ESC}[K`);
    expect(redraws.at(-1)).toMatch(
      /^\[#+-+\] 1\/2 {2}done 1 {2}failed 0 {2}running 0 {2}\$0\.0030 {2}eta \d+s/,
    );
    expect(redraws.at(-1)?.endsWith(`${ESC}[K\n`)).toBe(true);
    expect(text.split('\n')).toHaveLength(2);
  });

  it('a change within 100 ms of the last redraw is drawn when that window ends, not at the next second', () => {
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'],
    });
    try {
      const s = stream(true);
      const p = new Progress(s, { NO_COLOR: '1' }, 3, false);
      p.start();
      p.started(); // within 100 ms of start's draw: waits
      p.finished(record()); // still waiting: one redraw covers both
      expect(s.chunks).toHaveLength(1);
      vi.advanceTimersByTime(100);
      expect(s.chunks).toHaveLength(2);
      expect(s.chunks[1]).toMatch(/ 1\/3 {2}done 1 {2}failed 0 {2}running 0 /);
      vi.advanceTimersByTime(850); // nothing changed: no redraw until the second's tick
      expect(s.chunks).toHaveLength(2);
      p.end(undefined);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a result printed on the same terminal goes above the bar: the bar is cleared, then redrawn below it', () => {
    const s = stream(true);
    const p = new Progress(s, { NO_COLOR: '1' }, 2, false);
    p.start();
    s.chunks.length = 0;
    p.above(() => s.chunks.push('{"id":1}\n'));
    expect(s.chunks[0]).toBe(`\r${ESC}[K`);
    expect(s.chunks[1]).toBe('{"id":1}\n');
    expect(s.chunks[2]).toMatch(/^\r\[-+\] 0\/2 /);
    p.end(undefined);
    const plain = stream(false);
    new Progress(plain, {}, 2, false).above(() => plain.chunks.push('x'));
    expect(plain.chunks).toEqual(['x']);
  });

  it('quiet: nothing but what end is given', () => {
    const s = stream(true);
    const p = new Progress(s, {}, 2, true);
    p.start();
    p.started();
    p.finished(record());
    p.end(undefined);
    expect(s.chunks).toEqual([]);
  });
});
