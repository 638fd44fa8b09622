import { CliExecutor, collectQueryResult, query } from '@ccflow/core';
import { reply, startRedis } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { QueueExecutor, type QueueWorker, startWorker } from '../src/index.ts';

// `query` through the queue to workers running the real CLI against the stand-in: a session's first turn, then its
// resumed second turn, which must run on the worker holding the session. Two CLI runs.

const sandbox = useClaudeSandbox();
let redis: Awaited<ReturnType<typeof startRedis>>;
let workers: QueueWorker[];
let producer: QueueExecutor;

beforeAll(async () => {
  redis = await startRedis();
  workers = await Promise.all(
    ['one', 'two'].map((id) =>
      startWorker({ connection: redis.url, id, executor: new CliExecutor(sandbox.executorOptions) }),
    ),
  );
  producer = new QueueExecutor({ connection: redis.url });
});
afterAll(async () => {
  await producer?.close();
  await Promise.all((workers ?? []).map((w) => w.close()));
  await redis?.stop();
});

it('query runs on a worker’s real CLI and streams its messages; the resumed turn runs on the same worker', async () => {
  sandbox.api.enqueue(reply.text('The first answer.'));
  sandbox.api.enqueue(reply.text('The second answer.'));

  const first = await collectQueryResult(query('Say something.', {}, { executor: producer }));
  expect(first.text).toBe('The first answer.');
  const sessionId = first.sessionId!;
  const owner = workers.find((w) => w.health().completed === 1)!;
  expect(owner).toBeDefined();

  const second = await collectQueryResult(query('And again.', { resume: sessionId }, { executor: producer }));
  expect(second.text).toBe('The second answer.');
  expect(second.sessionId).toBe(sessionId);
  expect(owner.health().completed).toBe(2);
  expect(workers.reduce((n, w) => n + w.health().completed, 0)).toBe(2);
  // The CLI resumed the session: the second request carried the first turn.
  const texts = JSON.stringify(sandbox.api.messageRequests.at(-1)!.body.messages);
  expect(texts).toContain('The first answer.');
  expect(texts).toContain('And again.');
});
