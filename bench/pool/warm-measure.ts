/**
 * The measuring process of the warm-pool bench (see `warm.ts`): latency of one independent query three ways,
 * interleaved (the warm pool, a cold `CliExecutor`, the Agent SDK's single-use `startup()`), then sustained throughput
 * of independent queries through `batchQuery` on cold processes and on the pool, with the CPU of this process and of
 * every CLI it started. Prints one JSON `WarmReport` on stdout.
 *
 * Usage: `tsx --conditions=@ccflow/source pool/warm-measure.ts CONFIG_JSON`
 */
import { readFileSync } from 'node:fs';
import { startup } from '@anthropic-ai/claude-agent-sdk';
import { batchQuery, CliExecutor, type Executor, query } from '@ccflow/core';
import { WarmPool } from '@ccflow/pool';
import { childrenCpuMs } from '../overhead/proc.ts';

export interface WarmConfig {
  cliPath: string;
  env: Record<string, string>;
  cwd: string;
  rounds: number;
  warmups: number;
  queries: number;
  concurrencies: number[];
  clockTicks: number;
}

export interface Throughput {
  concurrency: number;
  queries: number;
  wallMs: number;
  /** This process's CPU plus every CLI's it started (they have all ended when it is read). */
  cpuMs: number;
}

export interface WarmReport {
  latency: Record<'warm' | 'cold' | 'sdk', number[]>;
  throughput: { cold: Throughput[]; warm: Throughput[] };
  /** Starting the pool for each concurrency (its processes spawned and initialized): once per application. */
  poolStart: Throughput[];
  /** VmRSS of an idle pooled CLI before its first query, and the largest after the warm throughput run (bytes). */
  rss: { idle: number; afterRun: number };
}

const config = JSON.parse(process.argv[2] ?? '{}') as WarmConfig;
const { cliPath, env, cwd } = config;
const cold = new CliExecutor({ cliPath, env });
const newPool = (size: number) =>
  new WarmPool({ cliPath, env, defaultOptions: { cwd }, minProcesses: size, maxProcesses: size });

async function consume(stream: AsyncIterable<{ type: string; isError?: boolean }>, what: string) {
  let ok = false;
  for await (const m of stream) if (m.type === 'result') ok = !m.isError;
  if (!ok) throw new Error(`${what}: no success result`);
}

const cpuNow = () => {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1000 + childrenCpuMs(config.clockTicks);
};

/** VmRSS of a process, in bytes. */
function residentBytes(pid: number): number | undefined {
  const match = /^VmRSS:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : undefined;
}

/** CPU (user + system, ms) a live process has used so far: `utime` and `stime` of `/proc/<pid>/stat`. */
function liveCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / config.clockTicks;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 2));
}

// Latency: each mode's preparation (a reset, a startup()) is done before its clock starts, as a caller would have it.
const pool = newPool(1);
await pool.ready();
const idleRss = residentBytes(pool.pids[0]!) ?? 0;
await consume(pool.execute({ prompt: 'warm up' }), 'warm');
const sdkOptions = { pathToClaudeCodeExecutable: cliPath, env, cwd, settingSources: [] };
const modes: Record<'warm' | 'cold' | 'sdk', (prompt: string) => Promise<number>> = {
  warm: async (prompt) => {
    await until(() => pool.stats.idle === 1);
    const start = performance.now();
    await consume(pool.execute({ prompt }), 'warm');
    return performance.now() - start;
  },
  cold: async (prompt) => {
    const start = performance.now();
    await consume(query(prompt, { cwd }, { executor: cold }), 'cold');
    return performance.now() - start;
  },
  sdk: async (prompt) => {
    const warm = await startup({ options: sdkOptions });
    const start = performance.now();
    let ok = false;
    for await (const m of warm.query(prompt)) if (m.type === 'result') ok = m.subtype === 'success';
    const ms = performance.now() - start;
    if (!ok) throw new Error('sdk: no success result');
    return ms;
  },
};
const names = Object.keys(modes) as (keyof typeof modes)[];
const latency: WarmReport['latency'] = { warm: [], cold: [], sdk: [] };
for (let round = 0; round < config.warmups + config.rounds; round++) {
  for (const [i] of names.entries()) {
    const name = names[(i + round) % names.length]!;
    const ms = await modes[name](`question ${round}`);
    if (round >= config.warmups) latency[name].push(ms);
  }
}
await pool.close();

// Throughput, sustained: a pool is started once per application, so its start (measured apart) is not in the run;
// its shutdown is, so every CLI has ended and been reaped when the CPU is read.
async function run(concurrency: number, executor: Executor & { close?(): Promise<void> }) {
  const prompts = Array.from({ length: config.queries }, (_, i) => `independent question ${i}`);
  const cpu = cpuNow();
  const start = performance.now();
  const results = await batchQuery(prompts, { cwd }, { executor, concurrency });
  const failed = results.filter((r) => r.isError).length;
  if (failed > 0) throw new Error(`${failed} queries failed: ${results.find((r) => r.isError)?.error}`);
  let rss = 0;
  if (executor instanceof WarmPool) {
    for (const pid of executor.pids) rss = Math.max(rss, residentBytes(pid) ?? 0);
    await executor.close();
  }
  return {
    sample: {
      concurrency,
      queries: prompts.length,
      wallMs: performance.now() - start,
      cpuMs: cpuNow() - cpu,
    },
    rss,
  };
}

const throughput: WarmReport['throughput'] = { cold: [], warm: [] };
const poolStart: Throughput[] = [];
let afterRun = 0;
for (const concurrency of config.concurrencies) {
  throughput.cold.push((await run(concurrency, cold)).sample);
  const cpu = cpuNow();
  const start = performance.now();
  const started = newPool(concurrency);
  await started.ready();
  const spawnedCpu = started.pids.reduce((sum, pid) => sum + liveCpuMs(pid), 0);
  poolStart.push({
    concurrency,
    queries: 0,
    wallMs: performance.now() - start,
    cpuMs: cpuNow() - cpu + spawnedCpu,
  });
  const warm = await run(concurrency, started);
  warm.sample.cpuMs -= spawnedCpu; // counted again when those CLIs ended: it belongs to the start
  throughput.warm.push(warm.sample);
  afterRun = Math.max(afterRun, warm.rss);
}

const report: WarmReport = { latency, throughput, poolStart, rss: { idle: idleRss, afterRun } };
process.stdout.write(JSON.stringify(report));
