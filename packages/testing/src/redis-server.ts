import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exited } from './child-exit.ts';
import { freePort } from './free-port.ts';

/** A `redis-server` of a test's own, on loopback. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The server's process id. */
  readonly pid: number;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void>;
}

export interface StartRedisOptions {
  /** The `redis-server` binary (default: the one on PATH, as Debian's `redis-server` package installs it). */
  binary?: string;
  /** More `redis-server` arguments, e.g. `['--maxmemory', '64mb']`. */
  args?: readonly string[];
}

/** Where `setpriv` lives on Debian (util-linux): it gives the server a parent-death signal. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * Starts Debian's `redis-server` on a free 127.0.0.1 port in a temporary directory, with no persistence (no RDB
 * snapshots, no AOF). `stop()` stops it and removes the directory.
 *
 * A test process that dies without calling `stop()` (SIGKILL, a crashed worker) does not leave the server running:
 * the server starts through `setpriv --pdeathsig KILL`, so the kernel kills it when the process that started it
 * dies. Without `setpriv` it is stopped when this process exits normally.
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  let lastError: unknown;
  // A port found free can be taken before the server binds it: try again with another.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    try {
      return await startOn(port, options);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startOn(port: number, options: StartRedisOptions): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ccflow-redis-'));
  const host = '127.0.0.1';
  const serverArgs = [
    '--port',
    String(port),
    '--bind',
    host,
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    'no',
    '--daemonize',
    'no',
    '--logfile',
    '',
    ...(options.args ?? []),
  ];
  const binary = options.binary ?? 'redis-server';
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ['--pdeathsig', 'KILL', binary, ...serverArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(binary, serverArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const onExit = () => child.kill('SIGKILL');
  process.once('exit', onExit);
  const cleanup = () => {
    process.off('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ready(child);
  } catch (error) {
    child.kill('SIGKILL');
    await exited(child);
    cleanup();
    throw error;
  }
  child.stdout?.resume();
  child.stderr?.resume();
  let stopping: Promise<void> | undefined;
  return {
    url: `redis://${host}:${port}`,
    host,
    port,
    pid: child.pid!,
    stop: () => {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited(child);
          clearTimeout(timer);
        }
        cleanup();
      })();
      return stopping;
    },
  };
}

/** Resolves when the server says it accepts connections; rejects with its output when it exits first. */
function ready(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start in 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) done();
    };
    const onExit = () =>
      fail(new Error(`redis-server exited (${child.exitCode ?? child.signalCode}):\n${output}`));
    const onError = (error: Error) => fail(error);
    function off() {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    }
    function done() {
      off();
      resolve();
    }
    function fail(error: Error) {
      off();
      reject(error);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });
}
