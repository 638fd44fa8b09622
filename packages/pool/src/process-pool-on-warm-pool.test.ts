import { afterEach, expect, it } from 'vitest';
import { fakeSpawner } from '../test/fake-cli.ts';
import { ProcessPool } from './process-pool.ts';
import { WarmPool, type WarmPoolOptions } from './warm-pool.ts';

// The pools compose: a ProcessPool whose executor is a WarmPool runs its tasks on warm processes (fake CLIs here).

const closing: WarmPool[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((p) => p.close()));
});

it('a ProcessPool on a WarmPool: every task done, on no more processes than workers, each process reused', async () => {
  const spawner = fakeSpawner();
  const warm = new WarmPool({
    minProcesses: 0,
    maxProcesses: 2,
    spawn: spawner.spawn as WarmPoolOptions['spawn'],
  });
  closing.push(warm);
  await using pool = new ProcessPool({ maxWorkers: 2, executor: warm });
  const tasks = await pool.map(['one', 'two', 'three', 'four', 'five', 'six']);
  expect(tasks.map((t) => t.status)).toEqual(Array(6).fill('done'));
  expect(tasks.map((t) => t.result?.isError)).toEqual(Array(6).fill(false));
  expect(spawner.started.length).toBeLessThanOrEqual(2);
  const prompts = spawner.started.flatMap((s) => s.cli.sent.filter((p) => p !== '/clear'));
  expect(prompts.sort()).toEqual(['five', 'four', 'one', 'six', 'three', 'two']);
  expect(pool.getStats()).toMatchObject({ done: 6, failed: 0 });
});
