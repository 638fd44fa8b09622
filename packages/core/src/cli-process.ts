import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { CliExecutionError, CliNotFoundError } from './errors.ts';
import { superviseUntilHostExit } from './host-exit.ts';
import type { PrivateFiles } from './private-files.ts';
import { type ProcessMarker, readProcStat, signalGroups } from './process-tree.ts';
import { settlesWithin } from './settles-within.ts';
import { StderrTail } from './stderr-tail.ts';
import { stopTree } from './stop-ladder.ts';

export interface CliProcessOptions {
  env: Record<string, string>;
  cwd?: string;
  /** Each chunk of stderr as it arrives; exceptions it throws are ignored. */
  onStderr?: (chunk: string) => void;
  /** The environment variable (also set in `env`) that marks every process of this CLI's tree. */
  marker?: ProcessMarker;
  /** Files made for this process (see `PrivateFiles`): removed when it ends, however it ends. */
  files?: PrivateFiles;
}

export interface CliExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** How long to wait for the pipes to close after the tree has ended, before closing them ourselves. */
const CLOSE_WAIT_MS = 1000;

/**
 * One running CLI: its stdin as a line writer, its stdout as chunks read on demand (so a slow reader makes the pipe
 * fill and the CLI wait: backpressure), its stderr always drained into a bounded tail, and the ways to end it.
 */
export class CliProcess {
  readonly stderr = new StderrTail();
  /** Settles when the CLI has exited and been reaped. */
  readonly exited: Promise<CliExit>;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #marker: ProcessMarker | undefined;
  readonly #start: string | undefined;
  readonly #stdout: AsyncIterator<Buffer>;
  #pending: Promise<IteratorResult<Buffer>> | undefined;
  #eof = false;
  #draining: Promise<void> | undefined;
  #ending: Promise<void> | undefined;
  /** Stops ending this CLI when the host process exits: called once its tree has ended. */
  readonly #unsupervise: () => void;
  readonly #files: PrivateFiles | undefined;

  private constructor(child: ChildProcessWithoutNullStreams, options: CliProcessOptions) {
    this.#child = child;
    this.#marker = options.marker;
    this.#start = readProcStat(child.pid!)?.start;
    this.#files = options.files;
    this.#unsupervise = superviseUntilHostExit({
      pid: child.pid!,
      marker: this.#marker,
      start: this.#start,
      cleanup: () => options.files?.remove(),
    });
    this.exited = new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        resolve({ exitCode: child.exitCode, signal: child.signalCode });
      } else child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    });
    child.on('error', () => {
      // a signal that could not be delivered: the stop ladder goes on to the next step regardless
    });
    child.stdin.on('error', () => {
      // EPIPE and friends: the CLI stopped reading; how it ends tells the story
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      this.stderr.push(chunk);
      try {
        options.onStderr?.(chunk);
      } catch {
        // a listener's failure must not stop the draining
      }
    });
    child.stderr.on('error', () => {});
    this.#stdout = child.stdout[Symbol.asyncIterator]();
  }

  /** Starts the CLI in its own process group; resolves once it runs, throws when it cannot be started. */
  static async start(path: string, args: readonly string[], options: CliProcessOptions): Promise<CliProcess> {
    const child = spawn(path, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
      shell: false,
      windowsHide: true,
    });
    try {
      await once(child, 'spawn');
    } catch (error) {
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
      options.files?.remove();
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        throw new CliNotFoundError({
          message: `claude CLI could not be started: ${path} (or the interpreter its #! line names) does not exist`,
          searched: [path],
        });
      }
      throw new CliExecutionError({
        message: `claude CLI could not be started: ${(error as Error).message}`,
        cause: error,
      });
    }
    return new CliProcess(child, options);
  }

  get pid(): number {
    return this.#child.pid!;
  }

  /** Writes one JSON line to stdin, unless stdin is closed. */
  writeLine(value: unknown): void {
    if (this.#child.stdin.writable) this.#child.stdin.write(`${JSON.stringify(value)}\n`);
  }

  /** Closes stdin: in `--input-format stream-json` mode the CLI exits once its turn is over. */
  endInput(): void {
    if (this.#child.stdin.writable) this.#child.stdin.end();
  }

  /** The next chunk of stdout, or `undefined` at its end. Only asks the pipe for more when called. */
  async read(): Promise<Buffer | undefined> {
    if (this.#eof) return undefined;
    this.#pending ??= this.#stdout.next();
    let step: IteratorResult<Buffer>;
    try {
      step = await this.#pending;
    } catch {
      step = { done: true, value: undefined };
    }
    this.#pending = undefined;
    if (step.done) this.#eof = true;
    return step.done ? undefined : step.value;
  }

  /** Reads and discards the rest of stdout, so the CLI is never blocked on a full pipe while it ends. */
  drain(): void {
    this.#draining ??= (async () => {
      while ((await this.read()) !== undefined) {}
    })();
  }

  /**
   * After the result: closes stdin and lets the CLI exit by itself within `graceMs`, else stops it; either way the
   * processes its tools left behind (a sleeper put in the background) are swept. Idempotent, and stopping wins over
   * finishing when both are asked for.
   */
  finish(graceMs: number): Promise<void> {
    this.#ending ??= (async () => {
      this.endInput();
      this.drain();
      await settlesWithin(this.exited, graceMs);
      await this.#stopTree(graceMs);
      await this.#close();
    })();
    return this.#ending;
  }

  /** Ends the CLI and its whole process tree (see `stopTree`), or sweeps the orphans of one that exited. */
  stop(graceMs: number): Promise<void> {
    this.#ending ??= (async () => {
      this.drain();
      await this.#stopTree(graceMs);
      await this.#close();
    })();
    return this.#ending;
  }

  async #stopTree(graceMs: number): Promise<void> {
    try {
      await stopTree({
        child: this.#child,
        exited: this.exited,
        start: this.#start,
        marker: this.#marker,
        graceMs,
        interrupt: () => this.endInput(),
      });
    } catch {
      // The process table could not be read (no /proc, no ps): kill what we can reach without it.
      signalGroups([this.pid], 'SIGKILL', undefined);
      this.#child.kill('SIGKILL');
      await settlesWithin(this.exited, graceMs);
    }
  }

  /** Waits for the pipes to close once the tree has ended; a pipe some stray process still holds is closed here. */
  async #close(): Promise<void> {
    const child = this.#child;
    if (!(child.stdout.closed && child.stderr.closed))
      await settlesWithin(once(child, 'close'), CLOSE_WAIT_MS);
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.destroy();
    this.#files?.remove();
    this.#unsupervise();
  }
}
