import { type ChildProcess, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  constants,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { exited } from './child-exit.ts';
import { freePort } from './free-port.ts';

/** A PostgreSQL server of a test's own; `stop()` (or `await using`) shuts it down and removes its files. */
export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/postgres`: the superuser, trusted, on the `postgres` database. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The postmaster's pid. */
  readonly pid: number;
  /** The temp dir that holds the data dir and the socket; removed by `stop()`. */
  readonly dir: string;
  /** Shuts the server down (clients still connected after 2 s are cut off), then removes the dir; idempotent. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartPostgresOptions {
  /** The directory of `initdb` and `postgres`. Default: from PATH, else the newest `/usr/lib/postgresql/<n>/bin`. */
  binDir?: string;
  /** Milliseconds to wait for the server to accept connections. Default 30000. */
  timeoutMs?: number;
}

/**
 * The watchdog: a process that outlives nothing. Its stdin is a pipe from the test process, whose write end closes
 * however that process ends (even SIGKILL); then it stops the postmaster (SIGQUIT: immediate) and removes the dir.
 * The postmaster has no parent-death signal of its own, hence a watchdog.
 */
const WATCHDOG = `
const [pid, dir] = process.argv.slice(1);
process.stdin.resume();
process.stdin.on('close', () => {
  try { process.kill(Number(pid), 'SIGQUIT'); } catch {}
  const gone = () => { try { process.kill(Number(pid), 0); return false; } catch { return true; } };
  const deadline = Date.now() + 10000;
  const timer = setInterval(() => {
    if (!gone() && Date.now() < deadline) return;
    clearInterval(timer);
    try { require('node:fs').rmSync(dir, { recursive: true, force: true }); } catch {}
  }, 20);
});
`;

/**
 * Starts a real PostgreSQL server: `initdb` into a fresh temp dir, then `postgres` on a free loopback port, with
 * trust authentication for 127.0.0.1 only (no other address listens), fsync off (a test server need not survive a
 * power loss) and its socket in the temp dir. PostgreSQL refuses to run as root: as root, the server runs as the
 * `postgres` user (else `nobody`), which is given the temp dir. A watchdog process stops the server and removes the
 * dir if the test process dies without calling `stop()`.
 */
export async function startPostgres(options: StartPostgresOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? findBinDir();
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'ccflow-pg-'));
  const data = join(dir, 'data');
  const owner = process.getuid?.() === 0 ? unprivilegedUser() : undefined;
  try {
    if (owner !== undefined) chownSync(dir, owner.uid, owner.gid);
    await run(
      join(binDir, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'],
      owner,
    );
    // Only TCP from 127.0.0.1, trusted: initdb's file also trusts the socket and IPv6.
    const hba = join(data, 'pg_hba.conf');
    writeFileSync(hba, 'host all all 127.0.0.1/32 trust\n');
    if (owner !== undefined) chownSync(hba, owner.uid, owner.gid);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    try {
      return await launch(binDir, dir, data, port, owner, timeoutMs);
    } catch (error) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3 || !/could not bind|already in use/i.test(String(error))) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

interface Owner {
  uid: number;
  gid: number;
}

async function launch(
  binDir: string,
  dir: string,
  data: string,
  port: number,
  owner: Owner | undefined,
  timeoutMs: number,
): Promise<PostgresServer> {
  const host = '127.0.0.1';
  const settings = {
    listen_addresses: host,
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '100',
    shared_buffers: '32MB',
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const server = spawn(join(binDir, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(owner ?? {}),
  });
  const pid = server.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => server.once('error', resolve));
    throw new Error(`cannot start postgres: ${error.message}`);
  }
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(pid), dir], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  server.unref();
  (server.stderr as unknown as { unref?: () => void } | null)?.unref?.();
  try {
    await ready(server, timeoutMs);
  } catch (error) {
    server.kill('SIGQUIT');
    await exited(server);
    watchdog.kill();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (server.exitCode === null && server.signalCode === null) {
        // Smart shutdown lets clients that are disconnecting finish (a fast one would send them a FATAL error
        // mid-goodbye); a client that stays is cut off after 2 s (fast), and a server that hangs after 7 s.
        server.kill('SIGTERM');
        const fast = setTimeout(() => server.kill('SIGINT'), 2000);
        const immediate = setTimeout(() => server.kill('SIGQUIT'), 7000);
        await exited(server);
        clearTimeout(fast);
        clearTimeout(immediate);
      }
      rmSync(dir, { recursive: true, force: true });
      watchdog.kill();
    })();
    return stopping;
  };
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    host,
    port,
    pid,
    dir,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** Resolves once the server logs that it accepts connections; rejects with its log if it exits first. */
function ready(server: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer): void => {
      log = (log + chunk.toString()).slice(-8000);
      if (log.includes('ready to accept connections')) finish();
    };
    const onExit = (): void => finish(new Error(`postgres exited before it was ready:\n${log}`));
    const timer = setTimeout(
      () => finish(new Error(`postgres was not ready within ${timeoutMs} ms:\n${log}`)),
      timeoutMs,
    );
    const finish = (error?: Error): void => {
      clearTimeout(timer);
      server.off('exit', onExit);
      if (error === undefined) {
        // Keep draining the log, so the server never blocks on a full pipe.
        server.stderr?.on('data', () => {});
        server.stderr?.off('data', onData);
        resolve();
      } else reject(error);
    };
    server.stderr?.on('data', onData);
    server.once('exit', onExit);
  });
}

/** Runs a program to its end; rejects with its output when it fails. */
function run(file: string, args: string[], owner: Owner | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], ...(owner ?? {}) });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', (error) => reject(new Error(`cannot run ${file}: ${error.message}`)));
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${file} failed (exit ${code}):\n${output}`)),
    );
  });
}

/** `initdb` and `postgres` on PATH, else in the newest `/usr/lib/postgresql/<version>/bin` (Debian's layout). */
function findBinDir(): string {
  const usable = (d: string): boolean => {
    try {
      accessSync(join(d, 'initdb'), constants.X_OK);
      accessSync(join(d, 'postgres'), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d !== '' && usable(d)) return d;
  let versions: string[] = [];
  try {
    versions = readdirSync('/usr/lib/postgresql').filter((v) => /^\d+(\.\d+)?$/.test(v));
  } catch {}
  versions.sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  for (const v of versions) {
    const d = join('/usr/lib/postgresql', v, 'bin');
    if (usable(d)) return d;
  }
  throw new Error(
    'PostgreSQL not found: put initdb and postgres on PATH, or install it (Debian: apt-get install postgresql)',
  );
}

/** The Debian `postgres` user, else `nobody`: PostgreSQL will not run as root. */
function unprivilegedUser(): Owner {
  const users = new Map<string, Owner>();
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name && uid && gid) users.set(name, { uid: Number(uid), gid: Number(gid) });
  }
  const owner = users.get('postgres') ?? users.get('nobody');
  if (owner === undefined)
    throw new Error('running as root, and there is no postgres or nobody user to run PostgreSQL as');
  return owner;
}
