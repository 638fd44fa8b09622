import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { isGone } from '@ccflow/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { finished, spawnWorker } from './spawn-worker.ts';

// When the host process ends, however it ends, no CLI it started keeps running, nor what the CLI's tools left.

const dir = mkdtempSync(join(tmpdir(), 'ccflow-host-exit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function goneSoon(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && !isGone(pid); i++) await delay(20);
  return isGone(pid);
}

describe('a host that ends while a CLI runs', () => {
  const cases = [
    { name: 'exits normally (process.exit)', mode: 'exit', signal: undefined, code: 0 },
    { name: 'dies of an uncaught error', mode: 'throw', signal: undefined, code: 1 },
    { name: 'gets SIGINT', mode: 'signal', signal: 'SIGINT', code: null },
    { name: 'gets SIGTERM', mode: 'signal', signal: 'SIGTERM', code: null },
  ] as const;

  for (const { name, mode, signal, code } of cases) {
    it(`${name}: the CLI and its tools' sleeper end with it`, async () => {
      const pidFile = join(dir, `${mode}-${signal ?? 'none'}.pid`);
      const host = spawnWorker('host-worker.ts', [mode, pidFile, dir]);
      const done = finished(host);
      const pids = await new Promise<{ cli: number; sleeper: number }>((resolve, reject) => {
        let out = '';
        host.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
        });
        host.once('exit', () => reject(new Error(`host ended before it was ready: ${out}`)));
      });
      if (signal) host.kill(signal);
      const end = await done;
      expect(end.code).toBe(code);
      if (signal) expect(end.signal).toBe(signal);
      expect(await goneSoon(pids.cli), `cli ${pids.cli}`).toBe(true);
      expect(await goneSoon(pids.sleeper), `sleeper ${pids.sleeper}`).toBe(true);
    });
  }
});
