/**
 * What the queue costs and how it scales, on one Redis of its own (`startRedis`):
 * 1. Overhead per job: the same fixed-delay executor (no delay: pure overhead) run here directly, and through a
 *    `QueueExecutor` to a worker in another process; medians of sequential jobs.
 * 2. Redis load per job: commands (INFO commandstats) and network bytes (INFO stats) over those jobs, producer and
 *    worker together.
 * 3. Throughput with 1, 2 and 4 worker processes (concurrency 10 each) on an I/O-bound executor (500 ms per job).
 *
 * Env: `BENCH_QUEUE_JOBS` (sequential jobs, default 300), `BENCH_QUEUE_DELAY_MS` (default 500: a short turn).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { QueueExecutor } from '@ccflow/queue';
import { startRedis } from '@ccflow/testing';
import { Redis } from 'ioredis';
import { FixedDelayExecutor } from './fixed-delay.ts';

const JOBS = Number(process.env.BENCH_QUEUE_JOBS ?? 300);
const DELAY_MS = Number(process.env.BENCH_QUEUE_DELAY_MS ?? 500);
const CONCURRENCY = 10;
const TARGET_OVERHEAD_MS = 5;
const TARGET_SCALING = 0.9;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}

/** Every worker started, killed at the end whatever happened. */
const started: ChildProcess[] = [];

function startWorkers(url: string, queue: string, count: number, delayMs: number): Promise<ChildProcess[]> {
  return Promise.all(
    Array.from({ length: count }, () => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          '--conditions=@ccflow/source',
          join(import.meta.dirname, 'worker-child.ts'),
          url,
          queue,
          String(delayMs),
          String(CONCURRENCY),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      started.push(child);
      return new Promise<ChildProcess>((resolve) => child.stdout!.once('data', () => resolve(child)));
    }),
  );
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((c) => {
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      return exited;
    }),
  );
}

async function commandStats(
  redis: Redis,
): Promise<{ calls: Map<string, number>; bytesIn: number; bytesOut: number; cpuMs: number }> {
  const calls = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\r\n')) {
    const m = /^cmdstat_([^:]+):calls=(\d+)/.exec(line);
    if (m) calls.set(m[1]!, Number(m[2]));
  }
  const stats = await redis.info('stats');
  const cpu = await redis.info('cpu');
  const num = (text: string, name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(text)?.[1] ?? 0);
  return {
    calls,
    bytesIn: num(stats, 'total_net_input_bytes'),
    bytesOut: num(stats, 'total_net_output_bytes'),
    cpuMs: (num(cpu, 'used_cpu_user_main_thread') + num(cpu, 'used_cpu_sys_main_thread')) * 1000,
  };
}

const server = await startRedis();
const admin = new Redis(server.url);
try {
  // 1. Overhead per job.
  const local = new FixedDelayExecutor(0);
  const localMs: number[] = [];
  for (let i = 0; i < JOBS + 20; i++) {
    const t = performance.now();
    await drain(local.execute({ prompt: `job ${i}` }));
    if (i >= 20) localMs.push(performance.now() - t);
  }
  const workers = await startWorkers(server.url, 'overhead', 1, 0);
  const producer = new QueueExecutor({ connection: server.url, queueName: 'overhead' });
  for (let i = 0; i < 20; i++) await drain(producer.execute({ prompt: `warm ${i}` }));
  await admin.config('RESETSTAT');
  const before = await commandStats(admin);
  const queuedMs: number[] = [];
  for (let i = 0; i < JOBS; i++) {
    const t = performance.now();
    await drain(producer.execute({ prompt: `job ${i}` }));
    queuedMs.push(performance.now() - t);
  }
  const stats = await commandStats(admin);
  await producer.close();
  await stopWorkers(workers);
  // The INFO calls of this bench are not the queue's.
  stats.calls.delete('info');
  stats.calls.delete('config');
  const perJob = [...stats.calls].map(([c, n]) => [c, n / JOBS] as const).sort((a, b) => b[1] - a[1]);
  const commandsPerJob = perJob.reduce((s, [, n]) => s + n, 0);
  const overhead = median(queuedMs) - median(localMs);

  console.log(`## Overhead per job (${JOBS} sequential jobs, 7 messages each, worker in another process)\n`);
  console.log('| | median ms | p95 ms |\n|---|---|---|');
  console.log(`| local executor | ${median(localMs).toFixed(3)} | ${p95(localMs).toFixed(3)} |`);
  console.log(`| through the queue | ${median(queuedMs).toFixed(2)} | ${p95(queuedMs).toFixed(2)} |`);
  console.log(
    `\nqueue overhead: ${overhead.toFixed(2)} ms median (target ≤ ${TARGET_OVERHEAD_MS} ms): ${overhead <= TARGET_OVERHEAD_MS ? 'met' : 'MISSED'}\n`,
  );
  console.log(`## Redis per job\n`);
  console.log(`Redis main-thread CPU: ${((stats.cpuMs - before.cpuMs) / JOBS).toFixed(3)} ms per job`);
  console.log(
    `commands: ${commandsPerJob.toFixed(1)}; bytes in: ${Math.round(stats.bytesIn / JOBS)}; bytes out: ${Math.round(stats.bytesOut / JOBS)}\n`,
  );
  console.log('| command | calls per job |\n|---|---|');
  for (const [c, n] of perJob) console.log(`| ${c} | ${n.toFixed(2)} |`);

  // 3. Throughput.
  console.log(`\n## Throughput (executor: ${DELAY_MS} ms per job, ${CONCURRENCY} jobs at once per worker)\n`);
  console.log(
    '| workers | jobs | seconds | jobs/s | vs linear | producer CPU ms/job |\n|---|---|---|---|---|---|',
  );
  let base = 0;
  for (const count of [1, 2, 4]) {
    const queue = `throughput-${count}`;
    const children = await startWorkers(server.url, queue, count, DELAY_MS);
    const p = new QueueExecutor({ connection: server.url, queueName: queue });
    const jobs = 200 * count;
    await Promise.all(Array.from({ length: 20 }, (_, i) => drain(p.execute({ prompt: `warm ${i}` }))));
    const t = performance.now();
    const cpu = process.cpuUsage();
    await Promise.all(Array.from({ length: jobs }, (_, i) => drain(p.execute({ prompt: `job ${i}` }))));
    const seconds = (performance.now() - t) / 1000;
    const used = process.cpuUsage(cpu);
    const producerCpuMs = (used.user + used.system) / 1000 / jobs;
    await p.close();
    await stopWorkers(children);
    const rate = jobs / seconds;
    if (count === 1) base = rate;
    const ratio = rate / (base * count);
    console.log(
      `| ${count} | ${jobs} | ${seconds.toFixed(2)} | ${rate.toFixed(1)} | ${ratio.toFixed(2)}${ratio >= TARGET_SCALING ? '' : ' (below 0.9)'} | ${producerCpuMs.toFixed(2)} |`,
    );
  }
  console.log(`\nideal per worker: ${((CONCURRENCY * 1000) / DELAY_MS).toFixed(0)} jobs/s`);
} finally {
  for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  admin.disconnect();
  await server.stop();
}
