import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// The built `ccflow` binary as a child process, for the tests that run it as users do.

const root = join(import.meta.dirname, '../../..');
export const CCFLOW_BIN = join(import.meta.dirname, '../bin/ccflow.mjs');

/** Builds `ccflow` and the packages it depends on (turbo's cache makes a second build of the same sources cheap). */
export async function buildCcflow(): Promise<void> {
  await promisify(execFile)(
    'pnpm',
    ['turbo', 'run', 'build', '--filter=ccflow...', '--output-logs=errors-only'],
    {
      cwd: root,
    },
  );
}

/** How a run of the command ended, and what it printed. */
export interface Ran {
  code: number | null;
  out: string;
  err: string;
}

interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Runs `ccflow <args>` to its end; rejects only when it could not run or ended without an exit code. */
export function runCcflow(args: string[], { cwd, env }: RunOptions): Promise<Ran> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CCFLOW_BIN, ...args], { cwd, env }, (error, out, err) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      if (code === null) reject(error);
      else resolve({ code, out, err });
    });
  });
}

/** Starts `ccflow <args>`: `ran` settles when it exits, `output()` is what it printed on stdout so far. */
export function startCcflow(args: string[], { cwd, env }: RunOptions) {
  const child = spawn(process.execPath, [CCFLOW_BIN, ...args], { cwd, env });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    err += c;
  });
  const ran = new Promise<Ran & { signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, out, err })),
  );
  return { child, ran, output: () => out };
}
