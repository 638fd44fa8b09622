import { spawn } from 'node:child_process';
import { join } from 'node:path';

/** `ccflow ui` started from the sources in its own process (see ui-server-worker.ts), once it printed its URL. */
export interface UiProcess {
  url: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Sends SIGINT (Ctrl-C) and resolves with the exit code. */
  stop(): Promise<number | null>;
  /** Ends it at once, if it still runs. */
  kill(): void;
}

/** Runs `ccflow ui <args>` with `env` until it prints its URL and `ready` passes on what it printed. */
export async function startUi(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: (output: string) => boolean = () => true,
): Promise<UiProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@ccflow/source',
      join(import.meta.dirname, 'ui-server-worker.ts'),
      'ui',
      ...args,
    ],
    { cwd: import.meta.dirname, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8').on('data', (s: string) => {
      output += s;
    });
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const started = performance.now();
  while (!(/http:\/\/\S+\//.test(output) && ready(output))) {
    if (performance.now() - started > 30_000 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`ccflow ui did not start: ${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: /http:\/\/\S+\//.exec(output)![0],
    output: () => output,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
