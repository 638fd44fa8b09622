import { spawn } from 'node:child_process';

export interface CommandRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
  /** Set when it could not be started at all (e.g. ENOENT, EACCES). */
  spawnError?: Error;
}

export interface RunCommandOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs: number;
}

/** Output beyond this is dropped: a health check reads a line or a small JSON object. */
const MAX_OUTPUT = 64 * 1024;

/**
 * Runs a short command (`claude --version`, `claude auth status`) with stdin closed and a hard deadline: on timeout
 * its whole process group is SIGKILLed, so a hung CLI and anything it started cannot outlive the check.
 */
export function runCommand(
  file: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<CommandRun> {
  const started = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: Error | undefined;
    const child = spawn(file, args, {
      env: options.env as NodeJS.ProcessEnv | undefined,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, options.timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    let done = false;
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({
        exitCode,
        signal,
        stdout,
        stderr,
        timedOut,
        durationMs: performance.now() - started,
        spawnError,
      });
    };
    child.on('error', (error) => {
      spawnError = error;
      // A process that never started may emit no 'close'.
      if (child.pid === undefined) finish(null, null);
    });
    child.on('close', finish);
  });
}
