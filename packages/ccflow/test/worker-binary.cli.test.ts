import { collectQueryResult, query } from '@ccflow/core';
import { QueueExecutor } from '@ccflow/queue';
import { descendantsOf, isGone, reply, startRedis, until } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCcflow, startCcflow } from './binary.ts';

// `ccflow worker` as the built binary on a real Redis, running the real CLI against the stand-in: a query through
// a QueueExecutor in this process is answered by it; SIGTERM finishes and leaves no process. One CLI turn.

const sandbox = useClaudeSandbox();
let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  redis = await startRedis();
  await buildCcflow();
}, 180_000);
afterAll(async () => {
  await redis?.stop();
});

function worker(args: string[], extra: Record<string, string>) {
  const { box } = sandbox;
  return startCcflow(['worker', ...args], {
    cwd: box.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      ...box.env,
      CCFLOW_CLAUDE_CLI_PATH: box.cliPath,
      NO_COLOR: '1',
      ...extra,
    },
  });
}

describe('ccflow worker', () => {
  it('answers a QueueExecutor query with the real CLI; SIGTERM finishes and leaves no process', async () => {
    sandbox.api.enqueue(reply.text('Answered by the worker.'));
    const w = worker(['--queue', 'binary', '-c', '1'], { CCFLOW_QUEUE_URL: redis.url });
    await until(() => w.output().includes('queue binary'), 30_000);
    await using producer = new QueueExecutor({ connection: redis.url, queueName: 'binary' });
    const result = await collectQueryResult(query('Say something.', {}, { executor: producer }));
    expect([result.isError, result.text]).toEqual([false, 'Answered by the worker.']);
    expect(result.costUsd).toBeGreaterThan(0);

    const tree = descendantsOf(w.child.pid as number);
    expect(tree.length).toBeGreaterThan(0); // the warm CLI
    w.child.kill('SIGTERM');
    const ran = await w.ran;
    expect(ran.code, ran.err).toBe(0);
    expect(ran.out).toMatch(/stopped, 1 jobs done, 0 failed/);
    await until(() => tree.every(isGone), 10_000);
  });

  it('a password on the command line, or no Redis at all, is bad usage (exit 2)', async () => {
    const withPassword = await worker(['--redis', 'redis://:hunter2@127.0.0.1:1'], {}).ran;
    expect([withPassword.code, withPassword.err]).toEqual([
      2,
      expect.stringContaining('set CCFLOW_QUEUE_URL'),
    ]);
    const none = await worker([], {}).ran;
    expect([none.code, none.err]).toEqual([2, expect.stringContaining('CCFLOW_QUEUE_URL: not set')]);
  });
});
