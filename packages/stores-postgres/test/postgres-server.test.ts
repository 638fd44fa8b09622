import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isGone, startPostgres, until } from '@ccflow/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { spawnWorker } from './spawn-worker.ts';

/** The real user id a process runs as (`Uid:` of /proc/<pid>/status). */
function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Uid:\s+(\d+)/m);
  return Number(line?.[1]);
}

describe("startPostgres: a real server of the test's own", () => {
  it('serves SQL on 127.0.0.1 as an unprivileged user with trust auth, fsync off; stop() ends it and removes its dir', async () => {
    const server = await startPostgres();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`postgresql://postgres@127.0.0.1:${server.port}/postgres`);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT current_setting('fsync') AS fsync, current_setting('listen_addresses') AS listen, version() AS version",
    );
    expect(rows[0]).toMatchObject({ fsync: 'off', listen: '127.0.0.1' });
    expect(rows[0].version).toMatch(/^PostgreSQL \d+/);
    const hba = await client.query('SELECT type, address, auth_method FROM pg_hba_file_rules');
    expect(hba.rows).toEqual([{ type: 'host', address: '127.0.0.1', auth_method: 'trust' }]);
    await client.end();
    if (process.getuid?.() === 0) {
      expect(uidOf(server.pid)).not.toBe(0);
      expect(statSync(server.dir).uid).toBe(uidOf(server.pid));
    }
    await server.stop();
    expect(isGone(server.pid)).toBe(true);
    expect(existsSync(server.dir)).toBe(false);
    await server.stop();
  }, 60_000);

  it('a test process killed with SIGKILL leaves no server and no dir behind (the watchdog stops it)', async () => {
    const child = spawnWorker('server-worker.ts', []);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    const { pid, dir } = JSON.parse(line.toString()) as { pid: number; dir: string };
    expect(isGone(pid)).toBe(false);
    child.kill('SIGKILL');
    await until(() => isGone(pid) && !existsSync(dir), 15_000, 'the server gone and its dir removed');
  }, 60_000);
});
