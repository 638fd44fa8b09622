import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SQLiteProjectStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { isGone, processesWithEnv, type RecordedRequest, type Reply, reply, until } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCcflow, CCFLOW_BIN, startCcflow } from './binary.ts';

// `ccflow batch` as the built binary, a child process running the real CLI against the stand-in: the JSONL and the
// plain progress, a failing prompt, Ctrl-C mid-batch and --resume, the warm pool, and the progress bar in a real
// pseudo-terminal (tmux). 15 prompts in all.

const sandbox = useClaudeSandbox();
const run = promisify(execFile);
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'ccflow-batch-'));
  await buildCcflow();
}, 180_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment the command runs in: the sandbox's (HOME, CLAUDE_CONFIG_DIR, the stand-in's URL and key). */
function env(): Record<string, string> {
  const { box } = sandbox;
  return { PATH: process.env.PATH ?? '', ...box.env, CCFLOW_CLAUDE_CLI_PATH: box.cliPath, NO_COLOR: '1' };
}

/** Starts `ccflow batch ...args`; `ran` settles when it exits. */
function batch(args: string[], extra: Record<string, string> = {}) {
  return startCcflow(['batch', ...args], { cwd: sandbox.box.cwd, env: { ...env(), ...extra } });
}

/** What the user said in the request, as JSON text (the CLI sends a system message after the prompt). */
function asked(request: RecordedRequest): string {
  const messages: { role: string }[] = request.body.messages ?? [];
  return JSON.stringify(messages.filter((m) => m.role === 'user'));
}

/** The word of the prompt "Say <word>" the request carries. */
function said(request: RecordedRequest): string | undefined {
  return /Say (\w+)/.exec(asked(request))?.[1];
}

/** Answers each request by the word its prompt says ("Say <word>"): prompts run concurrently, in any order. */
function answers(table: Record<string, Reply>) {
  return (request: RecordedRequest): Reply =>
    table[said(request) ?? ''] ?? reply.error(400, { message: `no reply for ${asked(request)}` });
}

function input(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** Calls `read` until what it gives passes `test`. */
async function poll(
  read: () => Promise<string>,
  test: (s: string) => boolean,
  what: string,
): Promise<string> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const s = await read();
    if (test(s)) return s;
    if (performance.now() > deadline) throw new Error(`${what}: not within 30 s; last:\n${s}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const jsonl = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('ccflow batch with the real CLI', () => {
  it('JSONL in input order at concurrency 3, plain progress lines, a failing prompt: exit 1 and its error; --project traces each prompt', async () => {
    const { api } = sandbox;
    const table = {
      alpha: reply.text('Alpha answered', { eventDelayMs: 150 }), // the slowest: finishes last
      bravo: reply.text('Bravo answered'),
      // A tool call on the one turn allowed: the CLI ends the prompt with error_max_turns (after output, so the
      // default executor's retry leaves it alone).
      charlie: reply.toolUse('Bash', { command: 'echo charlie' }),
      delta: reply.text('Delta answered'),
      echo: reply.text('Echo answered'),
    };
    for (const _ of Object.keys(table)) api.enqueue(answers(table));
    const file = input(
      'five.jsonl',
      [
        '{"id": "a", "prompt": "Say alpha"}',
        '{"prompt": "Say bravo", "options": {"maxTurns": 2}}',
        '{"id": "c", "prompt": "Say charlie", "options": {"maxTurns": 1}}',
        '',
        '{"id": "d", "prompt": "Say delta"}',
        '{"id": "e", "prompt": "Say echo"}',
      ].join('\n'),
    );
    const db = join(work, 'five.db');
    const { ran } = batch([file, '--concurrency', '3', '--project', 'five', '--db', db]);
    const { code, out, err } = await ran;
    expect(code, err).toBe(1);

    const results = jsonl(out);
    expect(results.map((r) => r.id)).toEqual(['a', 2, 'c', 'd', 'e']);
    expect(results.map((r) => r.text)).toEqual([
      'Alpha answered',
      'Bravo answered',
      expect.any(String),
      'Delta answered',
      'Echo answered',
    ]);
    for (const r of results) {
      expect(Object.keys(r)).toEqual([
        'id',
        'ok',
        'text',
        'structuredOutput',
        'error',
        'costUsd',
        'durationMs',
        'numTurns',
        'sessionId',
        'usage',
      ]);
    }
    const ok = results.find((r) => r.id === 'a');
    expect(ok).toMatchObject({ ok: true, error: null, numTurns: 1, structuredOutput: null });
    expect(ok.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.costUsd).toBeGreaterThan(0);
    expect(ok.usage.inputTokens).toBeGreaterThan(0);
    const failed = results.find((r) => r.id === 'c');
    expect(failed.ok).toBe(false);
    expect(failed.error.code).toBe('CLI_EXECUTION');
    expect(failed.error.message).toBe('Reached maximum number of turns (1)');

    // Plain progress, one line per finished prompt: the slow "alpha" is among the last to finish.
    const lines = err.trim().split('\n');
    const progress = lines.slice(0, -1);
    expect(progress).toHaveLength(5);
    for (const [i, line] of progress.entries())
      expect(line).toMatch(
        new RegExp(
          `^\\[${i + 1}/5\\] id=("[a-e]"|2) (ok|error=CLI_EXECUTION) done=\\d failed=[01] running=[0-3] cost=\\$\\d+\\.\\d{4} eta=\\d+s$`,
        ),
      );
    expect(progress.find((l) => l.includes('id="c"'))).toContain(' error=CLI_EXECUTION ');
    expect(progress.at(-1)).toMatch(/ done=4 failed=1 running=0 /);
    const total = results.reduce((sum, r) => sum + r.costUsd, 0);
    expect(progress.at(-1)).toContain(`cost=$${total.toFixed(4)}`);
    expect(lines.at(-1)).toMatch(/^ccflow batch: 5 prompts: 4 ok, 1 failed, \$\d+\.\d{4}, \d+\.\ds$/);
    // At most three ran at once: no line ever says more.
    expect(progress.every((l) => !/running=[4-9]/.test(l))).toBe(true);

    // --project: each prompt is a traced session of the project "five", with the turn's cost as the CLI reported it.
    await using projects = new SQLiteProjectStore({ dbPath: db });
    await using traces = new SQLiteTraceStore({ dbPath: db });
    const [project, ...others] = await projects.list();
    expect([project?.name, others]).toEqual(['five', []]);
    const stored = new Map(
      (await traces.list({ projectId: project?.projectId })).map((t) => [t.sessionId, t]),
    );
    expect(stored.size).toBe(5);
    for (const r of results) {
      const trace = stored.get(r.sessionId);
      expect(trace, `the trace of ${r.id}`).toBeDefined();
      expect([trace?.status, trace?.costUsd]).toEqual([r.ok ? 'success' : 'error', r.costUsd]);
    }
  });

  it('SIGINT mid-batch: the finished results kept as valid JSONL, exit 130, no process left; --resume runs the rest', async () => {
    const { api, box } = sandbox;
    const stall = reply.text('never', { stallAfterEvents: 0 });
    const table = {
      one: reply.text('One'),
      two: stall,
      three: reply.text('Three'),
      four: stall,
    };
    for (const _ of Object.keys(table)) api.enqueue(answers(table));
    const file = input('four.txt', 'Say one\nSay two\nSay three\nSay four\n');
    const output = join(work, 'four.jsonl');
    const { child, ran } = batch([file, '-o', output, '-c', '2']);
    // One and three answered; two and four hang, their CLIs waiting on the stand-in.
    await until(() => api.messageRequests.length === 4, 30_000, 'four requests');
    await until(
      () => existsSync(output) && readFileSync(output, 'utf8').includes('"One"'),
      30_000,
      'one written',
    );
    const clis = processesWithEnv(box.root).filter((pid) => pid !== child.pid);
    expect(clis.length).toBeGreaterThanOrEqual(2);
    child.kill('SIGINT');
    const { code, signal, out, err } = await ran;
    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(out).toBe('');
    expect(err.trim().split('\n').at(-1)).toMatch(
      /^ccflow batch: interrupted by SIGINT: 2 ok, 0 failed, \$\d+\.\d{4}, \d+\.\ds, 2 not finished$/,
    );
    const partial = readFileSync(output, 'utf8');
    expect(partial.endsWith('\n')).toBe(true);
    expect(jsonl(partial).map((r) => [r.id, r.text])).toEqual([
      [1, 'One'],
      [3, 'Three'],
    ]);
    expect(clis.every(isGone)).toBe(true);
    expect(processesWithEnv(box.root)).toEqual([]);

    // A crash had torn the last line: --resume cuts it, runs only 2 and 4, and leaves 1..4 in order.
    writeFileSync(output, `${partial}{"id":4,"ok":tr`);
    api.reset();
    const rest = { two: reply.text('Two'), four: reply.text('Four') };
    api.enqueue(answers(rest), answers(rest));
    const resumed = await batch([file, '-o', output, '--resume', '-q']).ran;
    expect(resumed.code, resumed.err).toBe(0);
    expect(resumed.err).toBe('');
    expect(api.messageRequests.map(said).sort()).toEqual(['four', 'two']);
    expect(jsonl(readFileSync(output, 'utf8')).map((r) => [r.id, r.text])).toEqual([
      [1, 'One'],
      [2, 'Two'],
      [3, 'Three'],
      [4, 'Four'],
    ]);
  });

  it('--warm: the batch runs on a warm pool of two CLI processes, reused across prompts', async () => {
    const { api } = sandbox;
    const table = {
      red: reply.text('Red'),
      green: reply.text('Green'),
      blue: reply.text('Blue'),
      white: reply.text('White'),
    };
    for (const _ of Object.keys(table)) api.enqueue(answers(table));
    // The real CLI behind a script that notes each start (exec: the same process).
    const launches = join(work, 'launches.log');
    const logged = join(work, 'claude-logged.sh');
    writeFileSync(logged, `#!/bin/sh\necho "$*" >> '${launches}'\nexec '${sandbox.box.cliPath}' "$@"\n`);
    chmodSync(logged, 0o755);
    const { ran } = batch(
      [input('warm.txt', 'Say red\nSay green\nSay blue\nSay white\n'), '--warm', '-c', '2'],
      {
        CCFLOW_CLAUDE_CLI_PATH: logged,
      },
    );
    const { code, out, err } = await ran;
    expect(code, err).toBe(0);
    const results = jsonl(out);
    expect(results.map((r) => [r.id, r.ok, r.text])).toEqual([
      [1, true, 'Red'],
      [2, true, 'Green'],
      [3, true, 'Blue'],
      [4, true, 'White'],
    ]);
    // Three prompts on two CLI processes, each prompt its own CLI session (the pool clears a process between leases).
    const started = readFileSync(launches, 'utf8').trim().split('\n');
    expect(started, started.join('\n')).toHaveLength(2); // without --warm: one per prompt
    expect(new Set(results.map((r) => r.sessionId)).size).toBe(4);
    expect(processesWithEnv(sandbox.box.root)).toEqual([]);
  });
});

describe('the progress bar in a pseudo-terminal (tmux)', () => {
  let socket: string;
  const tmux = (...args: string[]) => run('tmux', ['-S', socket, ...args]);
  afterAll(async () => {
    await tmux('kill-server').catch(() => undefined);
  });

  it('one line redrawn in place: the bar, the counts and the cost; the final screen has no redraw leftovers', async () => {
    const { api } = sandbox;
    socket = join(work, 'tmux.sock');
    const table = {
      // The first answer is slow (over 5 s: about 6 events 1.5 s apart), so with two prompts left the ETA has two
      // digits, which the last redraw, "eta 0s", must clear to the end of the line. (At 0.7 s apart, an idle
      // machine finished it in under 5 s: a one-digit ETA, and the test waited in vain.) The second takes a few
      // seconds too, so that screen stands long enough to be captured on a loaded machine.
      first: reply.text('First', { eventDelayMs: 1500 }),
      second: reply.text('Second', { eventDelayMs: 500 }),
      third: reply.text('Third', { eventDelayMs: 200 }),
    };
    for (const _ of Object.keys(table)) api.enqueue(answers(table));
    const file = input('tty.txt', 'Say first\nSay second\nSay third\n');
    const output = join(work, 'tty.jsonl');
    // The command's stdout to a file, its stderr on the pane's terminal; colours on (no NO_COLOR).
    const script = join(work, 'tty.sh');
    const exports = Object.entries({ ...env(), NO_COLOR: undefined })
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `export ${k}='${String(v).replaceAll("'", "'\\''")}'`);
    writeFileSync(
      script,
      `${exports.join('\n')}\ncd '${sandbox.box.cwd}'\n'${process.execPath}' '${CCFLOW_BIN}' batch -c 1 -o '${output}' '${file}'\necho "exit=$?"\nexec sleep 600\n`,
    );
    chmodSync(script, 0o755);
    await tmux('new-session', '-d', '-x', '100', '-y', '10', '-s', 'batch', script);
    const screen = async (colour = false) =>
      (await tmux('capture-pane', '-p', ...(colour ? ['-e'] : []), '-t', 'batch')).stdout;

    // Once the first has finished: the bar stands on one line with the counts, the cost and the ETA.
    const during = await poll(screen, (s) => /eta \d\ds/.test(s), 'a screen with a two-digit ETA');
    expect(during.split('\n')[0]).toMatch(
      /^\[#{10}-{20}\] 1\/3 {2}done 1 {2}failed 0 {2}running [01] {2}\$\d+\.\d{4} {2}eta \d\ds$/,
    );
    expect(
      during
        .split('\n')
        .slice(1)
        .every((r) => r === ''),
    ).toBe(true);

    const final = await poll(screen, (s) => s.includes('exit='), 'the command to end');
    const rows = final.split('\n');
    expect(rows[0]).toMatch(/^\[#{30}\] 3\/3 {2}done 3 {2}failed 0 {2}running 0 {2}\$\d+\.\d{4} {2}eta 0s$/);
    expect(rows[1]).toMatch(/^ccflow batch: 3 prompts: 3 ok, 0 failed, \$\d+\.\d{4}, \d+\.\ds$/);
    expect(rows[2]).toBe('exit=0');
    expect(rows.slice(3).every((r) => r === '')).toBe(true); // nothing else on the screen: no wrapped or stale redraws
    const cost = jsonl(readFileSync(output, 'utf8')).reduce((sum, r) => sum + r.costUsd, 0);
    expect(cost).toBeGreaterThan(0);
    expect(rows[0]).toContain(`$${cost.toFixed(4)}`);
    // On a terminal, without NO_COLOR: the bar in bold.
    expect(await screen(true)).toContain('\u001b[1m#');
  }, 90_000);
});
