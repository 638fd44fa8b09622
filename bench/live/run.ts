/**
 * Follow-up turns on a live CLI (`ClaudeConnection` + `runTurn`) against the same turn resumed in a new CLI (what a
 * `Session` without a provider does: `query({resume})` over a `CliExecutor`) and against a cold `claude -p`, all on
 * the real `claude` in a `ClaudeSandbox` answering from a `MessagesApiStandIn` on 127.0.0.1, interleaved in one run.
 * Also ccflow's own CPU per live turn (the calling process's CPU over the turn; the stand-in serves from this
 * process, so its work is not counted).
 *
 * Env: `BENCH_LIVE_ROUNDS` (default 10).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ClaudeSandbox, MessagesApiStandIn, PINNED_CLAUDE_VERSION, reply } from '@ccflow/testing';
import type { LiveReport, TurnSample } from './measure.ts';

const ROUNDS = Number(process.env.BENCH_LIVE_ROUNDS ?? 10);
const TARGET_LIVE_RATIO = 0.08;
const TARGET_CPU_MS = 5;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

await using api = await MessagesApiStandIn.start({ fallback: reply.text('A short answer.') });
const box = new ClaudeSandbox({ baseUrl: api.url });
try {
  const config = { cliPath: box.cliPath, env: box.env, cwd: box.cwd, rounds: ROUNDS, warmups: 1 };
  // Not `execFileSync`: the stand-in answers from this process's event loop.
  const measure = new URL('./measure.ts', import.meta.url).pathname;
  const child = spawn('tsx', ['--conditions=@ccflow/source', measure, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`the measuring process exited with ${code}`);
  const report = JSON.parse(out) as LiveReport;
  const wall = (s: TurnSample[]) => median(s.map((x) => x.wallMs));
  const cpu = (s: TurnSample[]) => median(s.map((x) => x.cpuMs));
  const [cold, resume, live] = [wall(report.cold), wall(report.resume), wall(report.live)];
  const liveCpu = cpu(report.live);
  console.log(
    `live follow-up turns: ${ROUNDS} rounds, medians (claude ${PINNED_CLAUDE_VERSION}, stand-in API)`,
  );
  console.log(`  cold claude -p           ${cold.toFixed(0).padStart(6)} ms`);
  console.log(`  resume per turn (ccflow) ${resume.toFixed(0).padStart(6)} ms`);
  console.log(`  live turn (ccflow)       ${live.toFixed(0).padStart(6)} ms`);
  console.log(`  live / cold    ${(live / cold).toFixed(3)}×  (target ≤ ${TARGET_LIVE_RATIO}×)`);
  console.log(`  live / resume  ${(live / resume).toFixed(3)}×`);
  console.log(`  ccflow CPU per live turn ${liveCpu.toFixed(2)} ms  (target ≤ ${TARGET_CPU_MS} ms)`);
  if (live / cold > TARGET_LIVE_RATIO || liveCpu > TARGET_CPU_MS) process.exitCode = 1;
} finally {
  box.close();
}
