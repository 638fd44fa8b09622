/**
 * The warm pool against cold processes and the Agent SDK, on the real `claude` in a `ClaudeSandbox` answering from a
 * `MessagesApiStandIn` on 127.0.0.1, in one run: the latency of an independent query (the pool's process reset with
 * `/clear` off the clock; a cold `CliExecutor` query; a query on the SDK's `startup()`, made before the clock starts
 * and single-use), interleaved; then the sustained throughput of independent queries through `batchQuery` at
 * concurrency 2 and 4 on cold processes and on the pool, with CPU-seconds per query counting the CLIs' own. The
 * pool is started before its run (once per application: its start is printed apart) and closed within it, so every
 * CLI has ended when the CPU is read. The stand-in serves from this process, so its work is not counted.
 *
 * Env: `BENCH_WARM_ROUNDS` (default 10), `BENCH_WARM_QUERIES` (default 100).
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { ClaudeSandbox, MessagesApiStandIn, PINNED_CLAUDE_VERSION, reply } from '@ccflow/testing';
import type { Throughput, WarmConfig, WarmReport } from './warm-measure.ts';

const ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? 10);
const QUERIES = Number(process.env.BENCH_WARM_QUERIES ?? 100);
const TARGET_LATENCY = 0.2;
const TARGET_THROUGHPUT = 3;
const TARGET_CPU = 0.35;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

await using api = await MessagesApiStandIn.start({ fallback: reply.text('A short answer.') });
const box = new ClaudeSandbox({ baseUrl: api.url });
try {
  const config: WarmConfig = {
    cliPath: box.cliPath,
    env: box.env,
    cwd: box.cwd,
    rounds: ROUNDS,
    warmups: 1,
    queries: QUERIES,
    concurrencies: [2, 4],
    clockTicks: Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })),
  };
  // Not `execFileSync`: the stand-in answers from this process's event loop.
  const measure = new URL('./warm-measure.ts', import.meta.url).pathname;
  const child = spawn('tsx', ['--conditions=@ccflow/source', measure, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`the measuring process exited with ${code}`);
  const report = JSON.parse(out) as WarmReport;
  const [warm, cold, sdk] = [
    median(report.latency.warm),
    median(report.latency.cold),
    median(report.latency.sdk),
  ];
  const ok: boolean[] = [];
  console.log(`warm pool: ${ROUNDS} rounds, medians (claude ${PINNED_CLAUDE_VERSION}, stand-in API)`);
  console.log(`  cold CliExecutor query        ${cold.toFixed(0).padStart(6)} ms`);
  console.log(
    `  Agent SDK startup() + query   ${sdk.toFixed(0).padStart(6)} ms  (${(sdk / cold).toFixed(3)}×)`,
  );
  console.log(
    `  warm pool query               ${warm.toFixed(0).padStart(6)} ms  (${(warm / cold).toFixed(3)}×)`,
  );
  console.log(
    `  warm / cold ${(warm / cold).toFixed(3)}×  (target ≤ ${TARGET_LATENCY}×), warm / SDK ${(warm / sdk).toFixed(3)}×`,
  );
  ok.push(warm / cold <= TARGET_LATENCY, warm < sdk);
  const rate = (t: Throughput) => t.queries / (t.wallMs / 1000);
  const cpuPer = (t: Throughput) => t.cpuMs / 1000 / t.queries;
  console.log(
    `throughput: ${QUERIES} independent queries through batchQuery, sustained: the pool started before (CPU: this process and every CLI)`,
  );
  report.throughput.cold.forEach((c, i) => {
    const w = report.throughput.warm[i]!;
    console.log(
      `  concurrency ${c.concurrency}: cold ${rate(c).toFixed(2)}/s ${cpuPer(c).toFixed(3)} CPU-s/query, warm ${rate(w).toFixed(2)}/s ${cpuPer(w).toFixed(3)} CPU-s/query`,
    );
    console.log(
      `    warm/cold throughput ${(rate(w) / rate(c)).toFixed(2)}×  (target ≥ ${TARGET_THROUGHPUT}×), CPU per query ${(cpuPer(w) / cpuPer(c)).toFixed(3)}×  (target ≤ ${TARGET_CPU}×)`,
    );
    ok.push(rate(w) / rate(c) >= TARGET_THROUGHPUT, cpuPer(w) / cpuPer(c) <= TARGET_CPU);
  });
  for (const s of report.poolStart) {
    console.log(
      `  pool start (once per application), ${s.concurrency} processes: ${s.wallMs.toFixed(0)} ms, ${(s.cpuMs / 1000).toFixed(2)} CPU-s`,
    );
  }
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  console.log(
    `  CLI RSS: idle ${mb(report.rss.idle)} MB, largest after the run ${mb(report.rss.afterRun)} MB`,
  );
  if (ok.includes(false)) process.exitCode = 1;
} finally {
  box.close();
}
