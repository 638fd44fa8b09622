import { AbortedError, CliExecutionError, CliTimeoutError, ConfigurationError } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines, type RedisServer, startRedis } from '@ccflow/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  QueueExecutor,
  type QueueWorker,
  SessionWorkerGoneError,
  startWorker,
  WorkerLostError,
} from '../src/index.ts';
import { collect, ScriptExecutor, sleep } from './script-executor.ts';

let redis: RedisServer;
let n = 0;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(async () => {
  await redis?.stop();
});

/** A fresh queue name, a producer on it, and a way to start workers on it; all closed after the test. */
function setup(options: { attempts?: number } = {}) {
  const queueName = `q${++n}`;
  const producer = new QueueExecutor({
    connection: redis.url,
    queueName,
    attempts: options.attempts ?? 1,
    backoffMs: 10,
    checkIntervalMs: 200,
  });
  cleanups.push(() => producer.close());
  const worker = async (
    executor: ScriptExecutor | MockExecutor,
    more: Partial<Parameters<typeof startWorker>[0]> = {},
  ) => {
    const w: QueueWorker = await startWorker({
      connection: redis.url,
      queueName,
      executor: executor as ScriptExecutor,
      heartbeatMs: 200,
      ...more,
    });
    cleanups.push(() => w.close());
    return w;
  };
  return { queueName, producer, worker };
}

/** Every key's value in the test server's Redis, as text. */
async function redisDump(): Promise<string> {
  const client = new Redis(redis.url);
  try {
    const dump: string[] = [];
    for (const k of await client.keys('*')) {
      const type = await client.type(k);
      if (type === 'string') dump.push((await client.get(k)) ?? '');
      if (type === 'hash') dump.push(JSON.stringify(await client.hgetall(k)));
      if (type === 'stream') dump.push(JSON.stringify(await client.xrange(k, '-', '+')));
      if (type === 'list') dump.push(JSON.stringify(await client.lrange(k, 0, -1)));
    }
    return dump.join('\n');
  } finally {
    client.disconnect();
  }
}

const TURN = [mockLines.init(), mockLines.text('hello'), mockLines.result({ result: 'hello' })];

describe('QueueExecutor with startWorker', () => {
  it('yields what the worker’s executor yields, message for message', async () => {
    const { producer, worker } = setup();
    await worker(new MockExecutor([TURN]));
    const expected = await collect(new MockExecutor([TURN]).execute({ prompt: 'hi' }));
    const got = await collect(producer.execute({ prompt: 'hi' }));
    expect(got).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(got.map((m) => m.type)).toEqual(['system', 'assistant', 'text', 'result']);
  });

  it('streams each message as the worker produces it, not at the end', async () => {
    const { producer, worker } = setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    await worker(
      new ScriptExecutor(async function* (_r, _run, emit) {
        yield emit(mockLines.init());
        yield emit(mockLines.text('first'));
        await gate;
        yield emit(mockLines.result({ result: 'first' }));
      }),
    );
    const stream = producer.execute({ prompt: 'hi' })[Symbol.asyncIterator]();
    expect((await stream.next()).value).toMatchObject({ type: 'system', subtype: 'init' });
    // The worker is still waiting at the gate: these came before the turn ended.
    expect((await stream.next()).value).toMatchObject({ type: 'assistant' });
    expect((await stream.next()).value).toMatchObject({ type: 'text', content: 'first' });
    release();
    expect((await stream.next()).value).toMatchObject({ type: 'result' });
    expect((await stream.next()).done).toBe(true);
  });

  it('refuses requests carrying secrets or callbacks, and enqueues nothing', async () => {
    const { producer, queueName } = setup();
    const bad = [
      { prompt: 'x', options: { env: { MY_VAR: 'value' } } },
      { prompt: 'x', host: { onStderr: () => {} } },
      { prompt: 'x', options: { mcpServers: { s: { command: 'x', env: { K: 'v' } } } } },
      {
        prompt: 'x',
        options: { mcpServers: { s: { transport: 'http' as const, url: 'http://h', headers: { A: 'b' } } } },
      },
      { prompt: 'x', options: { extraArgs: ['--api-key=abcdefghijkl'] } },
      {
        prompt: 'x',
        options: { settings: { env: { GITHUB_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } } },
      },
      { prompt: 'x', options: { continueSession: true } },
    ];
    for (const request of bad) {
      const error = await collect(producer.execute(request)).catch((e: unknown) => e);
      expect(ConfigurationError.isInstance(error), String(error)).toBe(true);
    }
    const queue = new Queue(queueName, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    expect(await queue.count()).toBe(0);
    await queue.close();
  });

  it('a secret in the prompt is redacted before it is stored in Redis (the backstop)', async () => {
    const { producer, worker } = setup();
    const executor = new MockExecutor([TURN]);
    await worker(executor);
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';
    await collect(producer.execute({ prompt: `use ${key} for this` }));
    expect(executor.requests[0]!.prompt).toBe('use [redacted] for this');
    expect(await redisDump()).not.toContain(key);
  });

  it('a secret in an error (its message, the CLI stderr it carries) is redacted before Redis holds it', async () => {
    const { producer, worker } = setup({ attempts: 2 });
    const key = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz';
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const executor = new ScriptExecutor(async function* (_r, run, emit) {
      yield emit(mockLines.init());
      // The first attempt fails retryably: BullMQ keeps its reason and stack in the job while the next one runs.
      if (run === 1) throw new CliTimeoutError({ message: `slow with ${key}`, timeoutMs: 1 });
      await gate;
      throw new CliExecutionError({
        message: `failed with ${key}`,
        stderr: `auth ${key} refused`,
        exitCode: 1,
      });
    });
    await worker(executor);
    const error = collect(producer.execute({ prompt: 'hi' })).catch((e: unknown) => e);
    await expect.poll(() => executor.runs).toBe(2);
    expect(await redisDump()).not.toContain(key); // during the second attempt
    release();
    const failed = await error;
    expect(CliExecutionError.isInstance(failed), String(failed)).toBe(true);
    expect((failed as CliExecutionError).stderr).toBe('auth [redacted] refused');
    expect(await redisDump()).not.toContain(key);
  });

  it('a bad job fails alone: the worker runs the next one', async () => {
    const { producer, worker, queueName } = setup();
    const w = await worker(new MockExecutor([TURN]));
    const queue = new Queue(queueName, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    cleanups.push(() => queue.close());
    for (const data of [
      { format: 1, prompt: 42 },
      'junk',
      { format: 1, prompt: 'x', options: { model: 7 }, trace: {} },
    ])
      await queue.add('turn', data);
    const got = await collect(producer.execute({ prompt: 'hi' }));
    expect(got.at(-1)).toMatchObject({ type: 'result', result: 'hello' });
    await sleep(100);
    expect(w.health()).toMatchObject({ failed: 0, completed: 1, accepting: true, redis: 'ready' });
    expect(await queue.getFailedCount()).toBe(3);
  });

  it('rebuilds the worker’s error as its CCFlowError class', async () => {
    const { producer, worker } = setup();
    await worker(
      new ScriptExecutor(async function* (_r, _run, emit) {
        yield emit(mockLines.init());
        throw new CliTimeoutError({ message: 'no output for 5 s', timeoutMs: 5000, kind: 'idle' });
      }),
    );
    const error = await collect(producer.execute({ prompt: 'hi' })).catch((e: unknown) => e);
    expect(CliTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ timeoutMs: 5000, kind: 'idle', message: 'no output for 5 s' });
  });

  it('runs a job again after a retryable failure before any output; the caller sees one clean run', async () => {
    const { producer, worker } = setup({ attempts: 3 });
    const executor = new ScriptExecutor(async function* (_r, run, emit) {
      yield emit(mockLines.init({ sessionId: `00000000-0000-4000-8000-00000000000${run}` }));
      if (run < 3) throw new CliTimeoutError({ message: 'slow', timeoutMs: 1 });
      yield emit(mockLines.text('third time'));
      yield emit(mockLines.result({ result: 'third time' }));
    });
    await worker(executor);
    const got = await collect(producer.execute({ prompt: 'hi' }));
    expect(executor.runs).toBe(3);
    expect(got.map((m) => m.type)).toEqual(['system', 'assistant', 'text', 'result']);
    expect(got[0]).toMatchObject({ sessionId: '00000000-0000-4000-8000-000000000003' });
  });

  it('never runs a job again once output reached the caller', async () => {
    const { producer, worker } = setup({ attempts: 3 });
    const executor = new ScriptExecutor(async function* (_r, _run, emit) {
      yield emit(mockLines.init());
      yield emit(mockLines.text('partial'));
      await sleep(100);
      throw new CliTimeoutError({ message: 'slow', timeoutMs: 1 });
    });
    await worker(executor);
    const seen: string[] = [];
    const error = await (async () => {
      for await (const m of producer.execute({ prompt: 'hi' })) seen.push(m.type);
    })().catch((e: unknown) => e);
    expect(CliTimeoutError.isInstance(error)).toBe(true);
    // The stream that started ends with ccflow's failed result, then the error.
    expect(seen).toEqual(['system', 'assistant', 'text', 'result']);
    expect(executor.runs).toBe(1);
  });

  it('aborting a waiting job removes it: it never runs', async () => {
    const { producer, worker, queueName } = setup();
    const controller = new AbortController();
    const stream = collect(producer.execute({ prompt: 'hi', signal: controller.signal }));
    await sleep(100);
    controller.abort(new AbortedError({ message: 'caller gave up' }));
    await expect(stream).rejects.toThrow('caller gave up');
    const queue = new Queue(queueName, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    cleanups.push(() => queue.close());
    expect(await queue.count()).toBe(0);
    const executor = new MockExecutor([TURN]);
    await worker(executor);
    await collect(producer.execute({ prompt: 'next' }));
    expect(executor.requests.map((r) => r.prompt)).toEqual(['next']);
  });

  it('aborting while the job is being added removes it too (no worker is running)', async () => {
    const { producer, queueName } = setup();
    const controller = new AbortController();
    const stream = collect(producer.execute({ prompt: 'hi', signal: controller.signal }));
    setImmediate(() => controller.abort(new AbortedError({ message: 'gave up at once' })));
    await expect(stream).rejects.toThrow('gave up at once');
    const queue = new Queue(queueName, { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    cleanups.push(() => queue.close());
    expect(await queue.count()).toBe(0);
  });

  it('aborting a running job stops it on its worker', async () => {
    const { producer, worker } = setup();
    const executor = new ScriptExecutor(async function* (request, _run, emit) {
      yield emit(mockLines.init());
      yield emit(mockLines.text('working'));
      await sleep(30_000, request.signal);
    });
    await worker(executor);
    const controller = new AbortController();
    const seen: string[] = [];
    let last: Message | undefined;
    const done = (async () => {
      for await (const m of producer.execute({ prompt: 'hi', signal: controller.signal })) {
        seen.push(m.type);
        last = m;
        if (m.type === 'assistant') controller.abort(new AbortedError({ message: 'stop' }));
      }
    })();
    const started = performance.now();
    await expect(done).rejects.toThrow('stop');
    await expect.poll(() => executor.signals[0]?.aborted, { timeout: 2000 }).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(seen).toEqual(['system', 'assistant', 'result']);
    expect(last).toMatchObject({
      type: 'result',
      isError: true,
      errors: ['stop'],
      raw: { ccflow_synthetic: true },
    });
  });

  it('graceful close finishes the running job', async () => {
    const { producer, worker } = setup();
    const w = await worker(
      new ScriptExecutor(async function* (_r, _run, emit) {
        yield emit(mockLines.init());
        await sleep(300);
        yield emit(mockLines.result({ result: 'finished' }));
      }),
    );
    const stream = collect(producer.execute({ prompt: 'hi' }));
    await expect.poll(() => w.health().running).toBe(1);
    await w.close({ graceful: true });
    expect((await stream).at(-1)).toMatchObject({ type: 'result', result: 'finished' });
  });

  it('close without grace hands a job with no output delivered back: another worker runs it', async () => {
    const { producer, worker } = setup();
    const first = new ScriptExecutor(async function* (request, _run, emit) {
      yield emit(mockLines.init());
      await sleep(30_000, request.signal);
    });
    const w1 = await worker(first);
    const stream = collect(producer.execute({ prompt: 'hi' }));
    await expect.poll(() => w1.health().running).toBe(1);
    await w1.close({ graceful: false });
    const second = new MockExecutor([
      [mockLines.init({ sessionId: '00000000-0000-4000-8000-0000000000b2' }), ...TURN.slice(1)],
    ]);
    await worker(second);
    const got = await stream;
    expect(got.map((m) => m.type)).toEqual(['system', 'assistant', 'text', 'result']);
    expect(got[0]).toMatchObject({ sessionId: '00000000-0000-4000-8000-0000000000b2' });
  });

  it('global concurrency holds across workers', async () => {
    const { producer, worker } = setup();
    let running = 0;
    let most = 0;
    const script = () =>
      new ScriptExecutor(async function* (_r, _run, emit) {
        running++;
        most = Math.max(most, running);
        await sleep(100);
        running--;
        yield emit(mockLines.result({ result: 'ok' }));
      });
    await worker(script(), { concurrency: 3, globalConcurrency: 2 });
    await worker(script(), { concurrency: 3 });
    await Promise.all(Array.from({ length: 8 }, () => collect(producer.execute({ prompt: 'x' }))));
    expect(most).toBe(2);
  });

  it('a global rate limit spaces job starts across workers', async () => {
    const { producer, worker } = setup();
    const starts: number[] = [];
    const script = () =>
      new ScriptExecutor(async function* (_r, _run, emit) {
        starts.push(performance.now());
        yield emit(mockLines.result({ result: 'ok' }));
      });
    const rateLimit = { max: 2, durationMs: 400 };
    await worker(script(), { concurrency: 4, rateLimit });
    await worker(script(), { concurrency: 4, rateLimit });
    await Promise.all(Array.from({ length: 6 }, () => collect(producer.execute({ prompt: 'x' }))));
    starts.sort((a, b) => a - b);
    // Six starts at two per 400 ms: the fifth comes at least two windows after the first.
    expect(starts[4]! - starts[0]!).toBeGreaterThanOrEqual(700);
  });

  it('routes a session’s later turns to the worker that ran its first; fails typed when that worker is gone', async () => {
    const { producer, worker } = setup();
    const ran: string[] = [];
    const sessionExecutor = (name: string) =>
      new ScriptExecutor(async function* (request, _run, emit) {
        ran.push(name);
        const sessionId =
          request.options?.resume ?? `00000000-0000-4000-8000-00000000000${name === 'a' ? 'a' : 'b'}`;
        yield emit(mockLines.init({ sessionId }));
        yield emit(mockLines.result({ result: name, sessionId }));
      });
    const workers = {
      a: await worker(sessionExecutor('a'), { id: 'worker-a' }),
      b: await worker(sessionExecutor('b'), { id: 'worker-b' }),
    };
    const first = await collect(producer.execute({ prompt: 'start' }));
    const sessionId = (first[0] as { sessionId: string }).sessionId;
    const owner = ran[0] as 'a' | 'b';
    for (let i = 0; i < 6; i++)
      await collect(producer.execute({ prompt: 'again', options: { resume: sessionId } }));
    expect(ran).toEqual(Array(7).fill(owner));
    await workers[owner].close();
    const error = await collect(producer.execute({ prompt: 'again', options: { resume: sessionId } })).catch(
      (e: unknown) => e,
    );
    expect(SessionWorkerGoneError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ sessionId, workerId: `worker-${owner}` });
  });

  it('a resumed turn waiting on its worker ends typed when that worker goes away mid-turn', async () => {
    const { producer, worker } = setup();
    const sessionId = '00000000-0000-4000-8000-00000000005e';
    const w = await worker(
      new ScriptExecutor(async function* (request, run, emit) {
        yield emit(mockLines.init({ sessionId }));
        if (run > 1) await sleep(30_000, request.signal);
        yield emit(mockLines.result({ result: 'ok', sessionId }));
      }),
    );
    await collect(producer.execute({ prompt: 'start' }));
    // Caught from the start: the turn may fail while close is still under way.
    const turn = collect(producer.execute({ prompt: 'again', options: { resume: sessionId } })).catch(
      (e: unknown) => e,
    );
    await expect.poll(() => w.health().running).toBe(1);
    await w.close({ graceful: false });
    const error = await turn;
    expect(WorkerLostError.isInstance(error), String(error)).toBe(true);
  });
});
