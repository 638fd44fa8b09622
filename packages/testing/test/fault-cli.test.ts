import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAULT_CLI_PATH, type FaultScript, faultEnv } from '../src/fault-cli.ts';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

interface StartOptions {
  args?: string[];
  env?: Record<string, string>;
  stdin?: string;
  /** Leave stdin open after writing `stdin`. */
  keepStdinOpen?: boolean;
  /** Collect stdout and stderr as text. Default true. */
  collect?: boolean;
}

interface Started {
  child: ChildProcessWithoutNullStreams;
  exited: Promise<Exit>;
  stdout: () => string;
}

let dir: string;
const children: ChildProcessWithoutNullStreams[] = [];
const sleeperPids: number[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-fault-'));
});

afterEach(() => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  for (const pid of sleeperPids.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(script: FaultScript | undefined, options: StartOptions = {}): Started {
  const child = spawn(FAULT_CLI_PATH, options.args ?? [], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...(script && faultEnv(script)), ...options.env },
    stdio: 'pipe',
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  if (options.collect !== false) {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
  }
  child.stdin.on('error', () => {});
  if (options.stdin !== undefined) child.stdin.write(options.stdin);
  if (!options.keepStdinOpen) child.stdin.end();
  const exited = new Promise<Exit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exited, stdout: () => stdout };
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await delay(10);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

function readPid(pidFile: string): number {
  const pid = Number(readFileSync(pidFile, 'utf8'));
  sleeperPids.push(pid);
  return pid;
}

function exited(child: ChildProcessWithoutNullStreams): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

const NDJSON = [
  '{"type":"system","subtype":"init","session_id":"s-1"}',
  '{"type":"assistant","message":{"content":[{"type":"text","text":"hi"}]},"session_id":"s-1"}',
  '{"type":"result","subtype":"success","is_error":false,"session_id":"s-1","result":"hi"}',
];

function writeNdjson(): string {
  const path = join(dir, 'stream.ndjson');
  writeFileSync(path, `${NDJSON.join('\n')}\n`);
  return path;
}

describe('output', () => {
  it('replays exactly the lines of a file, a result line included, then exits 0', async () => {
    const path = writeNdjson();
    const run = await start({ steps: [{ replay: path }] }).exited;
    expect(run).toMatchObject({ code: 0, signal: null, stdout: readFileSync(path, 'utf8') });
  });

  it('replays a [start, end) slice of the lines', async () => {
    const run = await start({ steps: [{ replay: writeNdjson(), lines: [1, 2] }] }).exited;
    expect(run.stdout).toBe(`${NDJSON[1]}\n`);
  });

  it('waits delayMs between replayed lines', async () => {
    const started = start({ steps: [{ replay: writeNdjson(), delayMs: 100 }] });
    const arrivals: number[] = [];
    started.child.stdout.on('data', () => {
      const lines = started.stdout().split('\n').length - 1;
      while (arrivals.length < lines) arrivals.push(performance.now());
    });
    const run = await started.exited;
    expect(run.stdout.split('\n')).toHaveLength(4);
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(90);
    expect(arrivals[2]! - arrivals[1]!).toBeGreaterThanOrEqual(90);
  });

  it('prints raw text verbatim', async () => {
    const run = await start({
      steps: [{ print: '{"type":"assist' }, { print: '' }, { print: 'not json at all' }],
    }).exited;
    expect(run.stdout).toBe('{"type":"assist\n\nnot json at all\n');
  });

  it('prints one valid JSON line of at least the bytes asked for', async () => {
    const bytes = 50e6;
    const started = start({ steps: [{ giantLine: { bytes } }] }, { collect: false });
    const chunks: Buffer[] = [];
    let size = 0;
    let newlines = 0;
    started.child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    });
    const run = await started.exited;
    expect(run.code).toBe(0);
    expect(newlines).toBe(1);
    expect(size).toBeGreaterThanOrEqual(bytes);
    expect(chunks.at(-1)!.at(-1)).toBe(10);
    const line = JSON.parse(Buffer.concat(chunks, size).toString('utf8'));
    chunks.length = 0;
    expect(line.type).toBe('assistant');
    expect(line.message.content[0].type).toBe('text');
  });

  it('writes stderr noise as often as asked', async () => {
    const run = await start({ steps: [{ stderr: 'noise', repeat: 100_000 }, { print: 'done' }] }).exited;
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((l) => l === 'noise')).toHaveLength(100_000);
    expect(run.stdout).toBe('done\n');
  });
});

describe('ending', () => {
  it('exits with the code of an exit step, after flushing stdout and skipping later steps', async () => {
    const run = await start({ steps: [{ print: 'before' }, { exit: 3 }, { print: 'after' }] }).exited;
    expect(run).toMatchObject({ code: 3, signal: null, stdout: 'before\n' });
  });

  it('crashes by signal', async () => {
    expect(await start({ steps: [{ print: 'x' }, { kill: 'SIGKILL' }] }).exited).toMatchObject({
      code: null,
      signal: 'SIGKILL',
      stdout: 'x\n',
    });
    expect((await start({ steps: [{ kill: 'SIGSEGV' }] }).exited).signal).toBe('SIGSEGV');
  });

  it('hangs until killed', async () => {
    const { child, exited: done } = start({ steps: [{ print: 'hanging' }, { hang: true }] });
    await delay(300);
    expect(exited(child)).toBe(false);
    child.kill('SIGKILL');
    expect(await done).toMatchObject({ signal: 'SIGKILL', stdout: 'hanging\n' });
  });

  it('without a script, or with a bad one, says so and exits 2', async () => {
    const missing = await start(undefined).exited;
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/CCFLOW_FAULT_SCRIPT is not set/);

    const invalid = await start(undefined, { env: { CCFLOW_FAULT_SCRIPT: '{"steps": [' } }).exited;
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/not valid JSON/);

    const unknown = await start({ steps: [{ dance: true } as never] }).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/step 0 is not a known step/);
  });

  it('reads the script from a file', async () => {
    const scriptFile = join(dir, 'script.json');
    writeFileSync(scriptFile, JSON.stringify({ steps: [{ print: 'from file' }, { exit: 4 }] }));
    const run = await start(undefined, { env: { CCFLOW_FAULT_SCRIPT: scriptFile } }).exited;
    expect(run).toMatchObject({ code: 4, stdout: 'from file\n' });
  });
});

describe('signals', () => {
  it('ignoreSigterm: SIGTERM does not stop it, SIGKILL does', async () => {
    const started = start({ ignoreSigterm: true, steps: [{ print: 'ready' }, { hang: true }] });
    await until(() => started.stdout() === 'ready\n');
    started.child.kill('SIGTERM');
    await delay(200);
    expect(exited(started.child)).toBe(false);
    started.child.kill('SIGKILL');
    expect((await started.exited).signal).toBe('SIGKILL');
  });

  it('SIGTERM otherwise kills it, after writing the record', async () => {
    const record = join(dir, 'record.json');
    const started = start({ record, steps: [{ print: 'ready' }, { hang: true }] }, { keepStdinOpen: true });
    await until(() => started.stdout() === 'ready\n');
    started.child.kill('SIGTERM');
    expect((await started.exited).signal).toBe('SIGTERM');
    expect(JSON.parse(readFileSync(record, 'utf8')).pid).toBe(started.child.pid);
  });

  it('SIGINT by default kills its sleepers, prints an interrupted result and exits 0', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const started = start({
      steps: [
        { replay: writeNdjson(), lines: [0, 1] },
        { spawnSleeper: { seconds: 30, pidFile } },
        { print: 'ready' },
        { hang: true },
      ],
    });
    await until(() => started.stdout().endsWith('ready\n'));
    const sleeper = readPid(pidFile);
    expect(isAlive(sleeper)).toBe(true);
    started.child.kill('SIGINT');
    const run = await started.exited;
    expect(run).toMatchObject({ code: 0, signal: null });
    const result = JSON.parse(run.stdout.trimEnd().split('\n').at(-1)!);
    expect(result).toMatchObject({
      type: 'result',
      subtype: 'error_during_execution',
      is_error: true,
      session_id: 's-1',
      num_turns: 0,
      total_cost_usd: 0,
      result: null,
      errors: ['interrupted'],
    });
    expect(result.duration_ms).toBeGreaterThan(0);
    await until(() => !isAlive(sleeper));
  });

  it('onSigint "exit" exits 130; "ignore" keeps running', async () => {
    const exiting = start({ onSigint: 'exit', steps: [{ print: 'ready' }, { hang: true }] });
    await until(() => exiting.stdout() === 'ready\n');
    exiting.child.kill('SIGINT');
    expect((await exiting.exited).code).toBe(130);

    const ignoring = start({ onSigint: 'ignore', steps: [{ print: 'ready' }, { hang: true }] });
    await until(() => ignoring.stdout() === 'ready\n');
    ignoring.child.kill('SIGINT');
    await delay(200);
    expect(exited(ignoring.child)).toBe(false);
  });

  it('a sleeper survives SIGKILL of the CLI, as a Bash tool of the real CLI does', async () => {
    const pidFile = join(dir, 'sleeper.pid');
    const started = start({
      steps: [{ spawnSleeper: { seconds: 30, pidFile } }, { print: 'ready' }, { hang: true }],
    });
    await until(() => started.stdout() === 'ready\n');
    const sleeper = readPid(pidFile);
    started.child.kill('SIGKILL');
    expect((await started.exited).signal).toBe('SIGKILL');
    await delay(100);
    expect(isAlive(sleeper)).toBe(true);
  });
});

describe('stdin and record', () => {
  it('records argv verbatim, all of stdin and the selected environment', async () => {
    const record = join(dir, 'record.json');
    const args = [
      '-p',
      '--output-format',
      'stream-json',
      '--append-system-prompt',
      '-dash value',
      '$(rm -rf /)',
    ];
    const stdin = `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'héllo' } })}\n`;
    const run = await start(
      { record, steps: [{ waitStdin: 'end' }, { print: 'ok' }] },
      {
        args,
        stdin,
        env: {
          TRACEPARENT: '00-abc-def-01',
          ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
          CLAUDE_X: 'y',
          OTHER: 'no',
        },
      },
    ).exited;
    expect(run).toMatchObject({ code: 0, stdout: 'ok\n' });
    const recorded = JSON.parse(readFileSync(record, 'utf8'));
    expect(recorded.argv).toEqual(args);
    expect(recorded.stdin).toBe(stdin);
    expect(recorded.env).toMatchObject({
      TRACEPARENT: '00-abc-def-01',
      ANTHROPIC_BASE_URL: 'http://127.0.0.1:1',
      CLAUDE_X: 'y',
    });
    expect(recorded.env.CCFLOW_FAULT_SCRIPT).toBeDefined();
    expect(recorded.env).not.toHaveProperty('OTHER');
    expect(recorded.env).not.toHaveProperty('PATH');
  });

  it('waits for stdin lines while stdin stays open, and records once stdin ends', async () => {
    const record = join(dir, 'record.json');
    const started = start(
      {
        record,
        steps: [
          { waitStdin: 'line' },
          { print: 'one' },
          { waitStdin: 'line' },
          { print: 'two' },
          { hang: true },
        ],
      },
      { stdin: '{"n":1}\n', keepStdinOpen: true },
    );
    await until(() => started.stdout() === 'one\n');
    await delay(100);
    expect(started.stdout()).toBe('one\n');
    expect(existsSync(record)).toBe(false);
    started.child.stdin.write('{"n":2}');
    await delay(50);
    expect(started.stdout()).toBe('one\n');
    started.child.stdin.write('\n');
    await until(() => started.stdout() === 'one\ntwo\n');
    started.child.stdin.end();
    await until(() => existsSync(record));
    expect(JSON.parse(readFileSync(record, 'utf8')).stdin).toBe('{"n":1}\n{"n":2}\n');
    expect(exited(started.child)).toBe(false);
  });
});
