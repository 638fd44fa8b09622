import { CliTimeoutError, ConfigurationError, EXECUTOR, runtime } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Gated, settle } from '../test/gated.ts';
import { PoolClosedError, PoolQueueFullError, PoolTaskCancelledError } from './errors.ts';
import { ProcessPool } from './process-pool.ts';

const ok = (text: string) => [mockLines.init(), mockLines.text(text), mockLines.result({ result: text })];

afterEach(() => runtime.reset(EXECUTOR));

describe('ProcessPool limits', () => {
  it('runs at most maxWorkers at once, starting tasks in submission order', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 2, executor: gated.executor });
    const tasks = ['a', 'b', 'c', 'd', 'e'].map((p) => pool.submit(p));
    await settle();
    expect(gated.running).toEqual(['a', 'b']);
    expect(tasks.map((t) => t.status)).toEqual(['running', 'running', 'queued', 'queued', 'queued']);
    expect(pool.getStats()).toMatchObject({ queued: 3, running: 2 });
    gated.release('b');
    await tasks[1]!.done;
    await settle();
    expect(gated.running).toEqual(['a', 'c']);
    for (const p of ['a', 'c', 'd', 'e']) gated.release(p);
    await Promise.all(tasks.map((t) => t.done));
    expect(gated.started).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(tasks.map((t) => t.result?.text)).toEqual(['a', 'b', 'c', 'd', 'e'].map((p) => `answer to ${p}`));
    expect(tasks.every((t) => t.status === 'done')).toBe(true);
  });

  it('refuses a task at once when the queue is full, queuing nothing', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, queueSize: 1, executor: gated.executor });
    const running = pool.submit('a');
    const queued = pool.submit('b');
    const error = (() => {
      try {
        pool.submit('c');
      } catch (e) {
        return e;
      }
    })();
    expect(PoolQueueFullError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'POOL_QUEUE_FULL', queueSize: 1, isRetryable: true });
    expect(pool.getStats()).toMatchObject({ queued: 1, running: 1, rejected: 1 });
    gated.release('a');
    gated.release('b');
    await Promise.all([running.done, queued.done]);
    expect(gated.started).toEqual(['a', 'b']);
    // Room again once they ended.
    gated.release('c');
    expect((await pool.submit('c').done).status).toBe('done');
  });

  it('queueSize 0: a task runs at once or is refused', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, queueSize: 0, executor: gated.executor });
    pool.submit('a');
    expect(() => pool.submit('b')).toThrow(PoolQueueFullError);
    await pool.shutdown({ wait: false });
  });

  it('fails a task that runs past taskTimeoutMs with CliTimeoutError, its signal aborted', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ taskTimeoutMs: 50, executor: gated.executor });
    const task = await pool.submit('slow').done;
    expect(task.status).toBe('failed');
    expect(CliTimeoutError.isInstance(task.error)).toBe(true);
    expect(task.error).toMatchObject({ kind: 'total', timeoutMs: 50 });
    expect(gated.signals.get('slow')?.aborted).toBe(true);
    expect(task.runMs).toBeGreaterThanOrEqual(45);
    expect(task.runMs).toBeLessThan(2000);
    expect(pool.getStats()).toMatchObject({ failed: 1, running: 0 });
  });

  it('a failed result is a failed task with the typed error; stats count each outcome', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const good = pool.submit('good');
    const bad = pool.submit('bad');
    const cancelled = pool.submit('never');
    gated.release('good');
    gated.release('bad', 'error-result');
    cancelled.cancel();
    await Promise.all([good.done, bad.done, cancelled.done]);
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatchObject({ code: 'CLI_EXECUTION', message: 'failed: bad' });
    expect(bad.result?.isError).toBe(true);
    const stats = pool.getStats();
    expect(stats).toMatchObject({ queued: 0, running: 0, done: 1, failed: 1, cancelled: 1, rejected: 0 });
    expect(stats.runMs.count).toBe(2);
    expect(stats.waitMs.count).toBe(2);
    expect(stats.runMs.p50).toBeLessThanOrEqual(stats.runMs.p99);
  });

  it('an executor that throws when asked to execute fails the task, not the pool', async () => {
    const executor = {
      specificationVersion: 'v1' as const,
      capabilities: { resume: false, tools: false, host: false },
      execute(): AsyncIterable<never> {
        throw new ConfigurationError({ field: 'prompt', problem: 'refused' });
      },
    };
    const pool = new ProcessPool({ executor });
    const task = await pool.submit('x').done;
    expect(task.status).toBe('failed');
    expect(ConfigurationError.isInstance(task.error)).toBe(true);
  });

  it('runs on the process-wide executor when given none, read when each task starts', async () => {
    const pool = new ProcessPool();
    const first = new MockExecutor([ok('first')]);
    runtime.set(EXECUTOR, first);
    expect((await pool.submit('p').done).result?.text).toBe('first');
    const second = new MockExecutor([ok('second')]);
    runtime.set(EXECUTOR, second);
    expect((await pool.submit('p').done).result?.text).toBe('second');
  });
});

describe('ProcessPool cancel', () => {
  it('a queued task never starts', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const running = pool.submit('a');
    const queued = pool.submit('b');
    expect(pool.cancel(queued.id)).toBe(true);
    expect(queued.status).toBe('cancelled');
    expect(PoolTaskCancelledError.isInstance(queued.error)).toBe(true);
    expect(queued.error).toMatchObject({ taskId: queued.id });
    expect(queued.result).toBeUndefined();
    expect(pool.cancel(queued.id)).toBe(false);
    gated.release('a');
    await running.done;
    await settle();
    expect(gated.started).toEqual(['a']);
    expect(queued.startedAt).toBeUndefined();
  });

  it('a running task is stopped through its signal, and the next one starts', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const running = pool.submit('a');
    const next = pool.submit('b');
    await settle();
    expect(running.cancel()).toBe(true);
    expect(running.cancel()).toBe(false);
    await running.done;
    expect(gated.signals.get('a')?.aborted).toBe(true);
    expect(running.status).toBe('cancelled');
    expect(PoolTaskCancelledError.isInstance(running.error)).toBe(true);
    expect(running.result?.error).toBe(running.error);
    await settle();
    expect(next.status).toBe('running');
    gated.release('b');
    expect((await next.done).status).toBe('done');
  });

  it('the submit signal cancels a queued task (it never starts) and a running one', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const forRunning = new AbortController();
    const forQueued = new AbortController();
    const running = pool.submit('a', {}, { signal: forRunning.signal });
    const queued = pool.submit('b', {}, { signal: forQueued.signal });
    const reason = new Error('caller gave up');
    forQueued.abort(reason);
    expect(queued.status).toBe('cancelled');
    expect(queued.error?.cause).toBe(reason);
    await settle();
    forRunning.abort();
    await running.done;
    expect(running.status).toBe('cancelled');
    expect(gated.started).toEqual(['a']);
  });

  it('a task submitted with an aborted signal is cancelled at once and never starts', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ executor: gated.executor });
    const task = pool.submit('a', {}, { signal: AbortSignal.abort() });
    expect(task.status).toBe('cancelled');
    await settle();
    expect(gated.started).toEqual([]);
  });
});

describe('ProcessPool shutdown', () => {
  it('with wait (the default): finishes queued and running tasks; then refuses new ones', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const tasks = [pool.submit('a'), pool.submit('b')];
    let finished = false;
    const shutdown = pool.shutdown().then(() => {
      finished = true;
    });
    expect(() => pool.submit('c')).toThrow(PoolClosedError);
    gated.release('a');
    await tasks[0]!.done;
    await settle();
    expect(finished).toBe(false);
    gated.release('b');
    await shutdown;
    expect(tasks.map((t) => t.status)).toEqual(['done', 'done']);
    const error = (() => {
      try {
        pool.submit('d');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'POOL_CLOSED' });
  });

  it('without wait: cancels queued and running tasks, resolving once the running ones have stopped', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const tasks = [pool.submit('a'), pool.submit('b')];
    await settle();
    await pool.shutdown({ wait: false });
    expect(tasks.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(gated.signals.get('a')?.aborted).toBe(true);
    expect(gated.started).toEqual(['a']);
    expect(pool.getStats()).toMatchObject({ running: 0, queued: 0, cancelled: 2 });
  });

  it('leaving an await using block cancels what is left', async () => {
    const gated = new Gated();
    let task: ReturnType<ProcessPool['submit']>;
    {
      await using pool = new ProcessPool({ executor: gated.executor });
      task = pool.submit('a');
      await settle();
    }
    expect(task.status).toBe('cancelled');
  });
});

describe('ProcessPool map, gather, getTask', () => {
  it('map: results in input order, whatever order they end in', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 3, executor: gated.executor });
    const mapped = pool.map(['x', 'y', 'z']);
    await settle();
    for (const p of ['z', 'x', 'y']) {
      gated.release(p);
      await settle();
    }
    const tasks = await mapped;
    expect(tasks.map((t) => t.result?.text)).toEqual(['answer to x', 'answer to y', 'answer to z']);
    expect(tasks[2]!.endedAt! <= tasks[0]!.endedAt!).toBe(true);
  });

  it('map is all or nothing: more prompts than the pool has room for queue none', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, queueSize: 2, executor: gated.executor });
    await expect(pool.map(['a', 'b', 'c', 'd'])).rejects.toThrow(PoolQueueFullError);
    expect(pool.getStats()).toMatchObject({ queued: 0, running: 0, rejected: 4 });
    expect(gated.started).toEqual([]);
  });

  it('gather: the tasks in the order asked, once all ended; an unknown id is a ConfigurationError', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ executor: gated.executor });
    const a = pool.submit('a');
    const b = pool.submit('b');
    const gathered = pool.gather(b.id, a.id);
    gated.release('a');
    gated.release('b');
    expect(await gathered).toEqual([b, a]);
    await expect(pool.gather(a.id, 'nope')).rejects.toThrow(ConfigurationError);
  });

  it('getTask: finds running tasks and the latest retainTasks ended ones', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ retainTasks: 2, executor: gated.executor });
    const tasks = ['a', 'b', 'c'].map((p) => {
      gated.release(p);
      return pool.submit(p);
    });
    const open = pool.submit('d');
    await Promise.all(tasks.map((t) => t.done));
    expect(pool.getTask(tasks[0]!.id)).toBeUndefined();
    expect(pool.getTask(tasks[1]!.id)).toBe(tasks[1]);
    expect(pool.getTask(tasks[2]!.id)).toBe(tasks[2]);
    expect(pool.getTask(open.id)).toBe(open);
    expect(pool.getStats().done).toBe(3);
    await pool.shutdown({ wait: false });
  });

  it('timings: queued, started and ended in order; the wait is the time spent queued', async () => {
    const gated = new Gated();
    const pool = new ProcessPool({ maxWorkers: 1, executor: gated.executor });
    const first = pool.submit('a');
    const second = pool.submit('b');
    await new Promise((r) => setTimeout(r, 100));
    gated.release('a');
    gated.release('b');
    await Promise.all([first.done, second.done]);
    expect(second.queuedAt).toBeLessThanOrEqual(second.startedAt!);
    expect(second.startedAt!).toBeLessThanOrEqual(second.endedAt!);
    expect(second.waitMs!).toBeGreaterThanOrEqual(90);
    expect(second.waitMs!).toBeLessThan(5000);
    expect(first.waitMs!).toBeLessThan(50);
    expect(first.runMs!).toBeGreaterThanOrEqual(90);
  });
});

describe('ProcessPool options', () => {
  it.each([
    [{ maxWorkers: 0 }, 'maxWorkers'],
    [{ maxWorkers: 1.5 }, 'maxWorkers'],
    [{ queueSize: -1 }, 'queueSize'],
    [{ taskTimeoutMs: 0 }, 'taskTimeoutMs'],
    [{ maxWorker: 2 }, 'maxWorker'],
  ])('%o is a ConfigurationError naming %s', (options, field) => {
    const error = (() => {
      try {
        new ProcessPool(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field });
  });
});

describe('ProcessPool with one signal for many tasks', () => {
  it('listens once per signal: a batch sharing a request’s signal gets no listener-leak warning, and is cancelled by it', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const gated = new Gated();
      const pool = new ProcessPool({ maxWorkers: 2, queueSize: 50, executor: gated.executor });
      const controller = new AbortController();
      const mapped = pool.map(
        Array.from({ length: 20 }, (_, i) => `p${i}`),
        {},
        { signal: controller.signal },
      );
      await settle();
      controller.abort();
      const tasks = await mapped;
      await settle();
      expect(tasks.every((t) => t.status === 'cancelled')).toBe(true);
      expect(gated.started).toEqual(['p0', 'p1']);
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
