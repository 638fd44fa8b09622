import { spawn } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isGone, until } from './processes.ts';
import { startRedis } from './redis-server.ts';

/** One RESP command over a raw socket (no client library), the first reply line back. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', reject);
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

describe('startRedis', () => {
  it('runs a redis-server without persistence on a loopback port, and stop() ends it and removes its directory', async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'PING')).toBe('+PONG\r\n');
    expect(await command(redis.port, 'CONFIG', 'GET', 'save')).toBe('*2\r\n$4\r\nsave\r\n$0\r\n\r\n');
    expect(await command(redis.port, 'CONFIG', 'GET', 'appendonly')).toContain('no');
    const dir = (await command(redis.port, 'CONFIG', 'GET', 'dir')).split('\r\n')[4]!;
    expect(existsSync(dir)).toBe(true);
    await redis.stop();
    expect(isGone(redis.pid)).toBe(true);
    expect(existsSync(dir)).toBe(false);
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('two servers get two ports', async () => {
    const [a, b] = await Promise.all([startRedis(), startRedis()]);
    expect(a.port).not.toBe(b.port);
    await Promise.all([a.stop(), b.stop()]);
  });

  it('a process killed without stop() takes its server with it', async () => {
    const script = `import { startRedis } from ${JSON.stringify(join(import.meta.dirname, 'redis-server.ts'))};
      const r = await startRedis(); console.log(r.pid);`;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `${script} setInterval(() => {}, 1000);`],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const pid = await new Promise<number>((resolve) =>
      child.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
    );
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/redis-(server|check)/);
    child.kill('SIGKILL');
    await until(() => isGone(pid), 5_000);
    expect(isGone(pid)).toBe(true);
  });
});
