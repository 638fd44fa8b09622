import { CliExecutor } from '@ccflow/core';
import {
  childrenWithEnv,
  commOf,
  descendantsOf,
  isGone,
  killAll,
  processesWithEnv,
  reply,
  until,
  zombieChildren,
} from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PoolQueueFullError, PoolTaskCancelledError } from '../src/errors.ts';
import { ProcessPool } from '../src/process-pool.ts';

// ProcessPool on the real CLI (CliExecutor): a running task cancelled ends the CLI's whole process tree, a queued one
// never reaches the CLI, a full queue is refused at once, and a shutdown leaves no process. Four CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;

beforeAll(() => {
  executor = new CliExecutor(sandbox.executorOptions);
});

afterEach(() => killAll(processesWithEnv(sandbox.box.root)));

// 2.1.331 refuses a standalone `sleep N` ("Blocked: standalone sleep"), so the command does something first.
const SLEEPING_TOOL = reply.toolUse('Bash', { command: 'echo started; sleep 30', description: 'wait' });
const options = { allowedTools: ['Bash'] };

/** The CLIs running now with a `sleep` under them, and every pid of their trees. */
async function treesSleeping(count: number): Promise<number[]> {
  const sleeping = () =>
    childrenWithEnv(sandbox.box.root).filter((cli) =>
      descendantsOf(cli).some((pid) => commOf(pid) === 'sleep'),
    );
  await until(() => sleeping().length === count, 20_000, `${count} CLI(s) running the sleeping tool`);
  return sleeping().flatMap((cli) => [cli, ...descendantsOf(cli)]);
}

function expectGone(pids: number[]): void {
  expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
  expect(processesWithEnv(sandbox.box.root)).toEqual([]);
  expect(zombieChildren()).toEqual([]);
}

const asked = (prompt: string) => JSON.stringify(sandbox.api.requests.map((r) => r.body)).includes(prompt);

describe('ProcessPool on the real CLI', () => {
  it('a full queue is refused at once; a queued task cancelled never reaches the CLI; a running one cancelled ends its process tree', async () => {
    sandbox.api.enqueue(SLEEPING_TOOL, reply.text('never reached'));
    const pool = new ProcessPool({ maxWorkers: 1, queueSize: 1, executor });
    const running = pool.submit('prompt-running', options);
    const queued = pool.submit('prompt-queued', options);
    const pids = await treesSleeping(1);
    expect(pids.length).toBeGreaterThanOrEqual(3); // claude, the tool's shell, sleep

    const started = performance.now();
    expect(() => pool.submit('prompt-refused', options)).toThrow(PoolQueueFullError);
    expect(performance.now() - started).toBeLessThan(200);

    expect(pool.cancel(queued.id)).toBe(true);
    expect(queued.status).toBe('cancelled');

    expect(pool.cancel(running.id)).toBe(true);
    await running.done;
    expect(running.status).toBe('cancelled');
    expect(PoolTaskCancelledError.isInstance(running.error)).toBe(true);
    // The CLI's stream ended with ccflow's synthetic failed result: the turn did not finish.
    expect(running.result?.result).toMatchObject({ isError: true, raw: { ccflow_synthetic: true } });
    expectGone(pids);
    expect(asked('prompt-running')).toBe(true);
    expect(asked('prompt-queued')).toBe(false);
    expect(asked('prompt-refused')).toBe(false);
    expect(pool.getStats()).toMatchObject({ queued: 0, running: 0, cancelled: 2, rejected: 1 });
  });

  it('shutdown without waiting stops every running CLI: no process is left when it resolves', async () => {
    sandbox.api.enqueue(SLEEPING_TOOL, SLEEPING_TOOL);
    const pool = new ProcessPool({ maxWorkers: 2, executor });
    const tasks = [
      pool.submit('first', options),
      pool.submit('second', options),
      pool.submit('third', options),
    ];
    const pids = await treesSleeping(2);
    await pool.shutdown({ wait: false });
    expect(tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expectGone(pids);
    expect(asked('third')).toBe(false);
  });

  it('shutdown with waiting finishes the queued task on the CLI, then leaves no process', async () => {
    sandbox.api.enqueue(reply.text('answered'));
    const pool = new ProcessPool({ maxWorkers: 1, executor });
    const task = pool.submit('finish me');
    await pool.shutdown();
    expect(task.status).toBe('done');
    expect(task.result?.text).toBe('answered');
    expect(processesWithEnv(sandbox.box.root)).toEqual([]);
  });
});
