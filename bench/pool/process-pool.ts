/**
 * The ProcessPool's own overhead: an executor that answers after a fixed delay (no CLI), run one query at a time for
 * the single-query latency L, then `TASKS` queries through a `ProcessPool` of N workers. With no overhead the pool
 * completes N / L queries a second; the printed ratio is the measured throughput over that (target ≥ 0.95).
 *
 * Env: `BENCH_POOL_DELAY_MS` (default 20), `BENCH_POOL_TASKS` (default 200).
 */
import { collectQueryResult, type ExecuteRequest, type Executor } from '@ccflow/core';
import { type Message, MessageParser } from '@ccflow/parser';
import { ProcessPool } from '@ccflow/pool';
import { mockLines } from '@ccflow/testing';

const DELAY_MS = Number(process.env.BENCH_POOL_DELAY_MS ?? 20);
const TASKS = Number(process.env.BENCH_POOL_TASKS ?? 200);
const TARGET = 0.95;

/** Answers every prompt after `DELAY_MS`, as the CLI prints an answer: init, the text, the result. */
const delayed: Executor = {
  specificationVersion: 'v1',
  capabilities: { resume: false, tools: false, host: false },
  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const parser = new MessageParser();
    yield* parser.parse(mockLines.init());
    await new Promise((r) => setTimeout(r, DELAY_MS));
    request.signal?.throwIfAborted();
    yield* parser.parse(mockLines.text('answer'));
    yield* parser.parse(mockLines.result({ result: 'answer' }));
  },
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function singleLatency(rounds: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await collectQueryResult(delayed.execute({ prompt: 'p' }));
    samples.push(performance.now() - started);
  }
  return median(samples);
}

async function poolThroughput(workers: number): Promise<number> {
  await using pool = new ProcessPool({ maxWorkers: workers, queueSize: TASKS, executor: delayed });
  const started = performance.now();
  const tasks = await pool.map(Array.from({ length: TASKS }, (_, i) => `prompt ${i}`));
  const seconds = (performance.now() - started) / 1000;
  if (tasks.some((t) => t.status !== 'done')) throw new Error('a task did not finish');
  return TASKS / seconds;
}

await singleLatency(5); // warm-up
const latency = await singleLatency(30);
console.log(`ProcessPool overhead: ${TASKS} tasks per run, executor delay ${DELAY_MS} ms`);
console.log(`  single-query latency L (median) ${latency.toFixed(2)} ms`);
let worst = Number.POSITIVE_INFINITY;
for (const workers of [1, 2, 4, 8]) {
  const throughput = await poolThroughput(workers);
  const ideal = workers / (latency / 1000);
  const ratio = throughput / ideal;
  worst = Math.min(worst, ratio);
  console.log(
    `  maxWorkers ${String(workers).padStart(2)}: ${throughput.toFixed(1).padStart(6)} tasks/s, N / L ${ideal.toFixed(1).padStart(6)} tasks/s, ratio ${ratio.toFixed(3)}×`,
  );
}
console.log(`  worst ratio ${worst.toFixed(3)}×  (target ≥ ${TARGET}×)`);
if (worst < TARGET) process.exitCode = 1;
