import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** Starts a worker script of this folder in its own Node process, with tsx and the workspace's source condition. */
export function spawnWorker(script: string, args: string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=@ccflow/source', join(import.meta.dirname, script), ...args],
    { cwd: import.meta.dirname, stdio: ['pipe', 'pipe', 'pipe'] },
  );
}

/** Everything the process printed, and how it ended. */
export function finished(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}
