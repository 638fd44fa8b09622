import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLiteProjectStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { MockExecutor, type MockRun, mockLines } from '@ccflow/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../cli.ts';

// `ccflow batch` in process on a MockExecutor: ordering, exit codes, usage errors, resume and abort. The real CLI
// and the built binary are in test/batch-binary.cli.test.ts.

const dir = mkdtempSync(join(tmpdir(), 'ccflow-batch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function answer(text: string, delayMs: number, costUsd = 0.001): MockRun {
  return { lines: [mockLines.init(), mockLines.result({ result: text, costUsd })], delayMs };
}

async function batch(args: string[], executor: MockExecutor, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['batch', ...args], {
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
    env: {},
    executor,
    signal,
  });
  return { code, out: out.join(''), err: err.join('') };
}

function input(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

describe('ccflow batch (in process)', () => {
  it('results in input order though they finish out of order; concurrency bounds the running prompts', async () => {
    const executor = new MockExecutor([answer('A', 40), answer('B', 5), answer('C', 5), answer('D', 5)]);
    const file = input('four.txt', 'a\nb\n\nc\nd\n');
    const ran = await batch([file, '-c', '2', '-m', 'haiku'], executor);
    expect(ran.code, ran.err).toBe(0);
    const lines = ran.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.id, l.text])).toEqual([
      [1, 'A'],
      [2, 'B'],
      [4, 'C'],
      [5, 'D'],
    ]);
    expect(executor.requests.map((r) => [r.prompt, r.options?.model])).toEqual([
      ['a', 'haiku'],
      ['b', 'haiku'],
      ['c', 'haiku'],
      ['d', 'haiku'],
    ]);
    // Plain progress: b, c, d finish while a (40 ms) runs; never more than 2 running.
    const progress = ran.err.split('\n').filter((l) => l.startsWith('['));
    expect(progress.map((l) => /id=(\d+)/.exec(l)?.[1])).toEqual(['2', '4', '5', '1']);
    expect(progress.every((l) => /running=[012] /.test(l))).toBe(true);
    expect(ran.err).toMatch(/\nccflow batch: 4 prompts: 4 ok, 0 failed, \$0\.0040, \d+\.\ds\n$/);
  });

  it('reads the prompts from stdin with "-"', async () => {
    const executor = new MockExecutor([answer('one', 1), answer('two', 1)]);
    const out: string[] = [];
    const code = await main(['batch', '-', '-q'], {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: () => true },
      stdin: (async function* () {
        yield 'Say one\n';
        yield Buffer.from('Say two\n');
      })(),
      env: {},
      executor,
    });
    expect(code).toBe(0);
    expect(executor.requests.map((r) => r.prompt)).toEqual(['Say one', 'Say two']);
    expect(
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([1, 2]);
  });

  it('a failing prompt: its error object, exit 1', async () => {
    const executor = new MockExecutor([
      answer('fine', 1),
      {
        lines: [
          mockLines.init(),
          mockLines.result({ isError: true, subtype: 'error_during_execution', errors: ['it broke'] }),
        ],
      },
    ]);
    const ran = await batch(
      [input('two.jsonl', '{"id":"x","prompt":"a"}\n{"id":"y","prompt":"b"}\n'), '-q'],
      executor,
    );
    expect(ran.code).toBe(1);
    expect(ran.err).toBe('');
    const [, failed] = ran.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(failed).toMatchObject({
      id: 'y',
      ok: false,
      error: { code: 'CLI_EXECUTION', message: 'it broke' },
    });
  });

  it('bad usage is exit 2, naming the line, before anything runs or the output is touched', async () => {
    const executor = new MockExecutor();
    const output = input('kept.jsonl', '{"id":1}\n');
    const bad = input('bad.jsonl', '{"prompt":"a"}\n{"prompt":"b","options":{"modle":"x"}}\n');
    const ran = await batch([bad, '-o', output], executor);
    expect(ran.code).toBe(2);
    expect(ran.err).toMatch(
      /^ccflow: CONFIGURATION_ERROR: line 2: modle: unknown option; did you mean model\?\n/,
    );
    expect(ran.err).toContain('Usage: ccflow batch ');
    expect(readFileSync(output, 'utf8')).toBe('{"id":1}\n');
    expect((await batch([bad, '--resume'], executor)).err).toMatch(
      /^ccflow: CONFIGURATION_ERROR: --resume: needs --output/,
    );
    expect((await batch([join(dir, 'none.txt')], executor)).code).toBe(2);
    expect((await batch([bad, '-c', '0'], executor)).err).toMatch(
      /argument '0' is invalid. a positive integer/,
    );
    expect(executor.requests).toEqual([]);
  });

  it('--resume runs only the ids missing from the output, and leaves the file in input order', async () => {
    const output = input('resumed.jsonl', '{"id":1,"ok":true}\n{"id":3,"ok":true}\n{"id":4,"ok":tr');
    const executor = new MockExecutor([answer('two', 1), answer('four', 1), answer('five', 1)]);
    const ran = await batch(
      [input('five.txt', 'one\ntwo\nthree\nfour\nfive\n'), '-o', output, '--resume'],
      executor,
    );
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toBe('');
    expect(executor.requests.map((r) => r.prompt)).toEqual(['two', 'four', 'five']);
    const lines = readFileSync(output, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3, 4, 5]);
    expect(ran.err).toMatch(
      /ccflow batch: 3 prompts: 3 ok, 0 failed, .*, 2 skipped \(already in .*resumed\.jsonl\)\n$/,
    );
  });

  it('aborted: running prompts stop, finished ones are written in order past the gaps, exit 130', async () => {
    const controller = new AbortController();
    const slow = () => answer('slow', 150); // aborted between its lines
    const executor = new MockExecutor([slow(), answer('quick', 1), slow(), slow(), slow()]);
    const pending = batch([input('abort.txt', 'a\nb\nc\nd\ne\n'), '-c', '3'], executor, controller.signal);
    await new Promise((r) => setTimeout(r, 60));
    controller.abort();
    const ran = await pending;
    expect(ran.code).toBe(130);
    expect(
      ran.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id),
    ).toEqual([2]);
    expect(executor.requests.map((r) => r.prompt)).toEqual(['a', 'b', 'c', 'd']); // e never started
    expect(executor.requests.every((r) => r.signal?.aborted)).toBe(true);
    expect(ran.err).toMatch(/\nccflow batch: interrupted by SIGINT: 1 ok, 0 failed, .*, 4 not finished\n$/);
  });

  it('--project traces each prompt as a session of that project in the store, created once, found by name after', async () => {
    const db = join(dir, 'traced.db');
    const file = input('traced.txt', 'first\nsecond\n');
    const executor = new MockExecutor([answer('one', 1, 0.002), answer('two', 1, 0.003)]);
    const ran = await batch([file, '-q', '-c', '1', '--project', 'nightly', '--db', db], executor);
    expect(ran.code, ran.err).toBe(0);
    const again = await batch(
      [file, '-q', '-c', '1', '--project', 'nightly', '--db', db],
      new MockExecutor([answer('three', 1)]),
    );
    expect(again.code).toBe(1); // the second prompt finds no scripted run: the batch still traced the first

    await using projects = new SQLiteProjectStore({ dbPath: db });
    await using traces = new SQLiteTraceStore({ dbPath: db });
    const [project, ...others] = await projects.list();
    expect(others).toEqual([]);
    expect(project?.name).toBe('nightly');
    const stored = await traces.list({ projectId: project?.projectId });
    expect(stored.map((t) => [t.prompt, t.status, t.costUsd])).toEqual([
      ['first', 'success', 0.002],
      ['second', 'success', 0.003],
      ['first', 'success', 0.001],
      ['second', 'error', 0],
    ]);
    expect(new Set(stored.map((t) => t.sessionId)).size).toBe(4);
  });

  it('--db without --project is bad usage', async () => {
    const ran = await batch([input('db.txt', 'x\n'), '--db', join(dir, 'x.db')], new MockExecutor([]));
    expect([ran.code, ran.err]).toEqual([2, expect.stringContaining('--db: needs --project')]);
  });
});
