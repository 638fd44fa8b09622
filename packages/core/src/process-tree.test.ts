import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  listFromPs,
  listProcesses,
  type ProcessInfo,
  readProcStat,
  stillRunning,
  treeOf,
} from './process-tree.ts';

const p = (pid: number, ppid: number, extra: Partial<ProcessInfo> = {}): ProcessInfo => ({
  pid,
  ppid,
  pgid: pid,
  state: 'S',
  start: '100',
  ...extra,
});

describe('process tree', () => {
  it('reads this process from the table', async () => {
    const self = readProcStat(process.pid);
    expect(self).toMatchObject({ pid: process.pid, ppid: process.ppid, state: expect.any(String) });
    expect((await listProcesses()).find((x) => x.pid === process.pid)).toEqual(self);
  });

  it('reads the same table through ps, the fallback without /proc', async () => {
    const fromPs = await listFromPs();
    const self = fromPs.find((x) => x.pid === process.pid);
    expect(self).toMatchObject({ ppid: process.ppid, pgid: readProcStat(process.pid)!.pgid });
    expect(self?.start).toMatch(/\d{4}/);
  });

  it('finds descendants by parent pid, not the root or unrelated processes', () => {
    const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1), p(21, 20)];
    expect(
      treeOf(all, { root: 10 })
        .map((x) => x.pid)
        .sort(),
    ).toEqual([11, 12, 13]);
    expect(treeOf(all, {})).toEqual([]);
  });

  it('finds orphans by the marker in their environment, with their descendants', async () => {
    const marker = { name: 'CCFLOW_TEST_MARKER', value: `m-${process.pid}-${Date.now()}` };
    // `sh` starts a `sleep` in its own session and exits: the sleep is orphaned, reparented away from us.
    const sh = spawn('sh', ['-c', 'setsid sleep 30 >/dev/null 2>&1 & echo $!'], {
      env: { PATH: process.env.PATH, [marker.name]: marker.value },
    });
    let out = '';
    sh.stdout.on('data', (d) => {
      out += d;
    });
    await once(sh, 'close');
    const orphan = Number(out.trim());
    try {
      const all = await listProcesses();
      expect(all.find((x) => x.pid === orphan)?.ppid).not.toBe(sh.pid);
      expect(treeOf(all, {}).map((x) => x.pid)).not.toContain(orphan);
      expect(treeOf(all, { marker }).map((x) => x.pid)).toContain(orphan);
      const since = String(Number(readProcStat(orphan)!.start) + 1);
      expect(treeOf(all, { marker, since }).map((x) => x.pid)).not.toContain(orphan);
    } finally {
      process.kill(orphan, 'SIGKILL');
    }
  });

  it('tells a running process from a zombie, a vanished one and a reused pid', () => {
    const now = new Map([
      [1, p(1, 0)],
      [2, p(2, 1, { state: 'Z' })],
      [3, p(3, 1, { start: '999' })],
    ]);
    expect(stillRunning(p(1, 0), now)).toBe(true);
    expect(stillRunning(p(2, 1), now)).toBe(false);
    expect(stillRunning(p(3, 1), now)).toBe(false);
    expect(stillRunning(p(4, 1), now)).toBe(false);
  });
});
