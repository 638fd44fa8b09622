import type { Message } from '@ccflow/parser';
import { describe, expect, it } from 'vitest';
import { Gated, settle } from '../test/gated.ts';
import { PoolQueueFullError, PoolTaskCancelledError } from './errors.ts';
import { StreamingPool } from './streaming-pool.ts';

const types = (messages: readonly Message[]) => messages.map((m) => m.type);

async function collect(stream: AsyncIterable<Message>): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of stream) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

describe('StreamingPool', () => {
  it('streams a task’s messages as they arrive, before the run has ended', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ executor: gated.executor });
    const task = pool.submit('a');
    const iterator = task[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toMatchObject({ type: 'system', subtype: 'init' });
    expect(task.status).toBe('running');
    gated.release('a');
    const rest: Message[] = [];
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) rest.push(step.value);
    expect(types(rest)).toEqual(['assistant', 'text', 'result']);
    expect(task.status).toBe('done');
    expect(task.result?.text).toBe('answer to a');
  });

  it('each iteration replays from the first message, also after the end', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ executor: gated.executor });
    const task = pool.submit('a');
    gated.release('a');
    const live = await collect(task);
    const replay = await collect(task);
    expect(types(live.messages)).toEqual(['system', 'assistant', 'text', 'result']);
    expect(replay.messages).toEqual(live.messages);
    expect(task.messages).toEqual(live.messages);
  });

  it('ends with the error the execution threw, after its messages, as an executor’s stream does', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ taskTimeoutMs: 30, executor: gated.executor });
    const { messages, error } = await collect(pool.submit('slow'));
    expect(types(messages)).toEqual(['system']);
    expect(error).toMatchObject({ code: 'CLI_TIMEOUT', kind: 'total' });
  });

  it('a failed result is streamed, not thrown (as the executor gives it)', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ executor: gated.executor });
    const task = pool.submit('bad');
    gated.release('bad', 'error-result');
    const { messages, error } = await collect(task);
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: true });
    expect(task.status).toBe('failed');
  });

  it('leaving the loop early cancels the task, as leaving an executor’s loop stops it', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ executor: gated.executor });
    const task = pool.submit('a');
    for await (const m of task) {
      if (m.type === 'system') break;
    }
    await task.done;
    expect(task.status).toBe('cancelled');
    expect(gated.signals.get('a')?.aborted).toBe(true);
  });

  it('the same limits: maxWorkers, a full queue refused at once, a queued task cancelled never starts', async () => {
    const gated = new Gated();
    const pool = new StreamingPool({ maxWorkers: 1, queueSize: 1, executor: gated.executor });
    const running = pool.submit('a');
    const queued = pool.submit('b');
    expect(() => pool.submit('c')).toThrow(PoolQueueFullError);
    await settle();
    expect(queued.status).toBe('queued');
    expect(pool.cancel(queued.id)).toBe(true);
    const { messages, error } = await collect(queued);
    expect(messages).toEqual([]);
    expect(PoolTaskCancelledError.isInstance(error)).toBe(true);
    gated.release('a');
    await running.done;
    expect(gated.started).toEqual(['a']);
    expect(pool.getStats()).toMatchObject({ done: 1, cancelled: 1, rejected: 1 });
  });
});
