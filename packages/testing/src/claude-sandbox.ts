import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveClaudeBinary } from './claude-binary.ts';

/** A fake key: the stand-in accepts anything, and the CLI needs one to start. */
export const STAND_IN_API_KEY = 'sk-ant-api03-standin-not-a-secret';

export interface ClaudeSandboxOptions {
  /** The stand-in's URL, given to the CLI as `ANTHROPIC_BASE_URL`. */
  baseUrl: string;
  /** Defaults to {@link resolveClaudeBinary}. */
  cliPath?: string;
  /** Extra variables over the isolated environment. */
  env?: Record<string, string>;
}

export interface RunOptions {
  /** Written to the child's stdin, which is then closed. Without it stdin is closed at once. */
  stdin?: string;
  /** Hard kill (SIGKILL to the whole process group) after this long. Default 60 s. */
  timeoutMs?: number;
  cwd?: string;
  env?: Record<string, string>;
}

/**
 * What `@ccflow/core`'s `CliExecutor` takes to run the sandboxed CLI: plain data, so this kit needs no core
 * (core's tests check that it stays a `CliExecutorOptions`). `new CliExecutor(box.executorOptions)`.
 */
export interface SandboxExecutorOptions {
  cliPath: string;
  /** The sandbox's whole environment: the CLI gets nothing of the test process's. */
  env: Record<string, string>;
  defaultOptions: { cwd: string };
}

/** A started CLI: the child, and what it printed once it has exited. */
export interface ClaudeProcess {
  child: ChildProcessWithoutNullStreams;
  result: Promise<ClaudeRun>;
}

export interface ClaudeRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout lines parsed as JSON; lines that are not JSON are kept as strings. */
  lines: unknown[];
  timedOut: boolean;
  durationMs: number;
}

/**
 * An isolated place to run the real `claude`: temp `HOME`, `CLAUDE_CONFIG_DIR`, `TMPDIR` and working directory,
 * and an environment pointing at a stand-in, with nothing inherited that could reach a real account.
 */
export class ClaudeSandbox implements AsyncDisposable {
  readonly root: string;
  readonly home: string;
  readonly configDir: string;
  readonly tmpDir: string;
  /** A project directory to run in (the CLI keys its session files by working directory). */
  readonly cwd: string;
  readonly cliPath: string;
  /** The complete environment for a child CLI. */
  readonly env: Record<string, string>;

  constructor(options: ClaudeSandboxOptions) {
    this.cliPath = options.cliPath ?? resolveClaudeBinary();
    this.root = mkdtempSync(join(tmpdir(), 'ccflow-claude-'));
    this.home = join(this.root, 'home');
    this.configDir = join(this.home, '.claude');
    this.tmpDir = join(this.root, 'tmp');
    this.cwd = join(this.root, 'project');
    for (const dir of [this.home, this.configDir, this.tmpDir, this.cwd]) mkdirSync(dir, { recursive: true });
    this.env = {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      LANG: 'C.UTF-8',
      HOME: this.home,
      CLAUDE_CONFIG_DIR: this.configDir,
      TMPDIR: this.tmpDir,
      ANTHROPIC_BASE_URL: options.baseUrl,
      ANTHROPIC_API_KEY: STAND_IN_API_KEY,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
      IS_SANDBOX: '1',
      ...options.env,
    };
  }

  /** Options for a `CliExecutor` that runs this sandbox's CLI, in its project directory. */
  get executorOptions(): SandboxExecutorOptions {
    return { cliPath: this.cliPath, env: { ...this.env }, defaultOptions: { cwd: this.cwd } };
  }

  /** Where the CLI keeps a session's transcript for a given working directory. */
  sessionFile(sessionId: string, cwd = this.cwd): string {
    return join(this.configDir, 'projects', cwd.replace(/[^a-zA-Z0-9]/g, '-'), `${sessionId}.jsonl`);
  }

  /** Runs the CLI with an argument array (never a shell) and collects everything it printed. */
  run(args: readonly string[], options: RunOptions = {}): Promise<ClaudeRun> {
    return this.start(args, options).result;
  }

  /** Starts the CLI in its own process group; a hard timer kills the whole group. */
  start(args: readonly string[], options: RunOptions = {}): ClaudeProcess {
    const started = performance.now();
    const child = spawn(this.cliPath, args, {
      cwd: options.cwd ?? this.cwd,
      env: { ...this.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => stdout.push(b));
    child.stderr.on('data', (b: Buffer) => stderr.push(b));
    child.stdin.on('error', () => {});
    child.stdin.end(options.stdin ?? '');

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs ?? 60_000);

    const result = new Promise<ClaudeRun>((resolve, reject) => {
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (exitCode, signal) => {
        clearTimeout(timer);
        killGroup(child.pid);
        const out = Buffer.concat(stdout).toString('utf8');
        resolve({
          exitCode,
          signal,
          stdout: out,
          stderr: Buffer.concat(stderr).toString('utf8'),
          lines: out
            .split('\n')
            .filter((l) => l.trim() !== '')
            .map(parseLine),
          timedOut,
          durationMs: performance.now() - started,
        });
      });
    });
    return { child, result };
  }

  close(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
