import { ConfigurationError, EXECUTOR, runtime } from '@ccflow/core';
import { afterEach, describe, expect, it } from 'vitest';
import { Gated, settle } from '../test/gated.ts';
import { getPool, getStreamingPool, PROCESS_POOL, resetPools, STREAMING_POOL } from './defaults.ts';
import { ProcessPool } from './process-pool.ts';
import { StreamingPool } from './streaming-pool.ts';

afterEach(async () => {
  await resetPools();
  runtime.reset(EXECUTOR);
});

describe('the process-wide pools', () => {
  it('getPool and getStreamingPool give one pool each, kept in core’s runtime', () => {
    const pool = getPool();
    expect(pool).toBeInstanceOf(ProcessPool);
    expect(getPool()).toBe(pool);
    expect(runtime.get(PROCESS_POOL)).toBe(pool);
    const streaming = getStreamingPool();
    expect(streaming).toBeInstanceOf(StreamingPool);
    expect(getStreamingPool()).toBe(streaming);
    expect(runtime.get(STREAMING_POOL)).toBe(streaming);
  });

  it('are made with the options of the first call; the same options again are fine, others refused', () => {
    const pool = getPool({ maxWorkers: 2, queueSize: 5 });
    expect(pool.options).toMatchObject({ maxWorkers: 2, queueSize: 5 });
    expect(getPool({ maxWorkers: 2, queueSize: 5 })).toBe(pool);
    expect(getPool()).toBe(pool);
    expect(() => getPool({ maxWorkers: 3 })).toThrow(ConfigurationError);
  });

  it('run on the process-wide executor', async () => {
    const gated = new Gated();
    runtime.set(EXECUTOR, gated.executor);
    gated.release('a');
    expect((await getPool().submit('a').done).result?.text).toBe('answer to a');
  });

  it('resetPools cancels their tasks and forgets them; the next get makes new ones', async () => {
    const gated = new Gated();
    const pool = getPool({ executor: gated.executor });
    const streaming = getStreamingPool({ executor: gated.executor });
    const task = pool.submit('a');
    const streamed = streaming.submit('b');
    await settle();
    await resetPools();
    expect([task.status, streamed.status]).toEqual(['cancelled', 'cancelled']);
    expect(pool.closed && streaming.closed).toBe(true);
    expect(getPool()).not.toBe(pool);
    expect(getStreamingPool()).not.toBe(streaming);
  });

  it('a pool shut down directly is replaced on the next get', async () => {
    const pool = getPool();
    await pool.shutdown();
    const next = getPool();
    expect(next).not.toBe(pool);
    expect(next.closed).toBe(false);
  });

  it('runtime.dispose() shuts them down, cancelling what runs', async () => {
    const gated = new Gated();
    const task = getPool({ executor: gated.executor }).submit('a');
    await settle();
    await runtime.dispose();
    expect(task.status).toBe('cancelled');
  });
});
