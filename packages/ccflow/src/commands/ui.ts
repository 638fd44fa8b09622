import { spawn } from 'node:child_process';
import { ConfigurationError } from '@ccflow/core';
import { defaultDatabasePath } from '@ccflow/stores-sqlite';
import { type Command, InvalidArgumentError } from 'commander';
import { isLoopback, startUiServer } from '../ui/server.ts';
import { type CliIO, colours } from './output.ts';
import { dbOption, storePath } from './store-path.ts';

export interface UiIO extends CliIO {
  /**
   * Stops the server when aborted (a test passes one through `main`). Default: the process's SIGINT (Ctrl-C) or
   * SIGTERM.
   */
  stop?: AbortSignal;
}

/**
 * `ccflow ui`: a local web viewer of the store (projects, sessions, traces, cost), read-only, on 127.0.0.1 unless
 * `--host` names another interface. Runs until Ctrl-C.
 */
export function uiCommand(program: Command, io: UiIO, done: (code: number) => void): void {
  program
    .command('ui')
    .description('serve a local, read-only web viewer of the store: projects, sessions, traces, cost')
    .addOption(dbOption())
    .option('--port <n>', 'the port (default 4680; 0: any free port)', port)
    .option('--host <address>', 'the interface to listen on (default 127.0.0.1)')
    .option('--open', 'open the viewer in the default browser')
    .action(async (o: { db?: string; port?: number; host?: string; open?: boolean }) => {
      const env = io.env ?? process.env;
      const host = o.host ?? '127.0.0.1';
      if (host === '') throw new ConfigurationError({ field: '--host', problem: 'must not be empty' });
      if (!isLoopback(host)) {
        io.stderr.write(
          `${colours(io.stderr, env).red('warning:')} serving on ${host}, not only this machine: anyone who ` +
            'can reach it reads every prompt, answer and tool output in the store\n',
        );
      }
      const dbPath = storePath(o.db, io).dbPath ?? defaultDatabasePath(env);
      const server = await startUiServer({ dbPath, host, port: o.port ?? 4680 });
      io.stdout.write(`ccflow ui: ${server.url} (store ${dbPath}, read-only; Ctrl-C stops)\n`);
      if (o.open) openBrowser(server.url, io);
      await stopped(io.stop);
      await server.close();
      io.stdout.write('ccflow ui: stopped\n');
      done(0);
    });
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65_535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

function stopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal !== undefined) {
    return signal.aborted
      ? Promise.resolve()
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** The platform's opener, with the URL as its one argument (no shell). */
function openBrowser(url: string, io: CliIO): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer.exe' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => io.stderr.write(`ccflow ui: could not run ${opener}; open ${url} yourself\n`));
  child.unref();
}
