/**
 * What ccflow costs on top of the CLI it runs. Compares, interleaved in one run:
 * 1. the real `claude` (isolated in a `ClaudeSandbox`, answering from a `MessagesApiStandIn` on 127.0.0.1):
 *    ccflow `query()` over a `CliExecutor`, a bare `child_process.spawn` of the same binary with the same args,
 *    environment and stdin line (and the same spawned detached, as ccflow does, as a control), and the official
 *    Agent SDK's `query()` pointed at the same binary;
 * 2. the fault CLI replaying a large realistic transcript: ccflow `query()` (which parses every line) against a bare
 *    spawn reading stdout to its end.
 * Wall time and CPU time of the calling process per query, medians; the CLI's own CPU (the children's) is shown to
 * be the same in every mode.
 *
 * The measuring runs in a child process bundled to plain JS (see `measure.ts`); the stand-in API serves from this
 * one, so its work is not counted as the caller's.
 *
 * Env: `BENCH_OVERHEAD_ROUNDS` (real CLI rounds, default 12), `BENCH_OVERHEAD_MB` (transcript size, MiB, default 50).
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClaudeSandbox,
  FAULT_CLI_PATH,
  faultEnv,
  MessagesApiStandIn,
  PINNED_CLAUDE_VERSION,
  reply,
} from '@ccflow/testing';
import { build } from 'esbuild';
import type { MeasureConfig, MeasureReport, Sample, Samples } from './measure.ts';
import { processesMarked } from './proc.ts';
import { RESULT_MARK, writeResultTerminatedTranscript } from './transcript.ts';

const MiB = 1024 * 1024;
const REAL_ROUNDS = Number(process.env.BENCH_OVERHEAD_ROUNDS ?? 12);
const REAL_WARMUPS = 2;
const FAULT_ROUNDS = 5;
const FAULT_WARMUPS = 1;
const FAULT_BYTES = Number(process.env.BENCH_OVERHEAD_MB ?? 50) * MiB;
const TARGET_WALL_RATIO = 1.03;
const TARGET_CPU_MS = 10;
const TARGET_SDK_RATIO = 1.0;
/** Carried in the environment of every CLI the bench starts, to find any left behind. */
const MARKER = 'CCFLOW_BENCH_OVERHEAD_RUN';

/** The stand-in's answer to every request: a short paragraph, streamed in 16-character deltas. */
const ANSWER =
  'A pipe has a fixed kernel buffer, 64 KiB on Linux. When the reader falls behind and the buffer fills, the ' +
  "writer's next write blocks (or returns EAGAIN) until the reader drains some of it, so the writer runs no faster " +
  'than its reader and memory does not grow: that is backpressure, and it costs nothing to set up.';

/** Bundles `measure.ts` to plain JS; the Agent SDK stays external, imported from where it is installed. */
async function bundleMeasure(dir: string): Promise<string> {
  const outfile = join(dir, 'measure.mjs');
  const sdk = import.meta.resolve('@anthropic-ai/claude-agent-sdk');
  await build({
    entryPoints: [join(import.meta.dirname, 'measure.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    conditions: ['@ccflow/source'],
    plugins: [
      {
        name: 'agent-sdk-external',
        setup(b) {
          b.onResolve({ filter: /^@anthropic-ai\/claude-agent-sdk$/ }, () => ({ path: sdk, external: true }));
        },
      },
    ],
    logLevel: 'warning',
  });
  return outfile;
}

/** Runs the measuring child; this process keeps serving the stand-in meanwhile. */
async function measure(entry: string, config: MeasureConfig, configPath: string): Promise<MeasureReport> {
  writeFileSync(configPath, JSON.stringify(config));
  const child = spawn(process.execPath, ['--expose-gc', entry, configPath], {
    env: { ...process.env, [MARKER]: config.runId },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code !== 0) throw new Error(`the measuring process ended with ${code ?? signal}`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  return JSON.parse(readFileSync(config.out, 'utf8'));
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
/** Lower and upper quartile (nearest rank). */
const quartiles = (xs: readonly number[]): [number, number] => {
  const s = [...xs].sort((a, b) => a - b);
  return [s[Math.floor((s.length - 1) / 4)]!, s[Math.ceil(((s.length - 1) * 3) / 4)]!];
};
const med = (samples: readonly Sample[], key: keyof Sample) => median(samples.map((s) => s[key]));
/** Per-round ratios of one mode's wall time to another's (same round, so the same background load). */
const pairedRatios = (a: readonly Sample[], b: readonly Sample[]) => a.map((s, i) => s.wallMs / b[i]!.wallMs);

const LABELS: Record<string, string> = {
  bare: 'bare spawn',
  'bare-detached': 'bare, detached',
  ccflow: 'ccflow query()',
  'agent-sdk': 'agent-sdk query()',
};
const f1 = (x: number) => x.toFixed(1);
const row = (cells: readonly string[], widths: readonly number[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : c.padStart(widths[i]!))).join('');
const signed = (x: number) => `${x >= 0 ? '+' : ''}${f1(x)}`;

/**
 * `a / b` wall time: the ratio of the medians, then the per-round ratios (same round, same background load) as
 * median and interquartile range. With a target: OK under it, "within noise" when the lower quartile of the
 * per-round ratios is under it, else `over`.
 */
function wallRatioLine(
  label: string,
  a: readonly Sample[],
  b: readonly Sample[],
  target?: number,
  over = 'OVER',
) {
  const ratio = med(a, 'wallMs') / med(b, 'wallMs');
  const perRound = pairedRatios(a, b);
  const [q1, q3] = quartiles(perRound);
  const verdict =
    target === undefined
      ? ''
      : `   target <= ${target.toFixed(2)}  ${ratio <= target ? 'OK' : q1 <= target ? 'within noise' : over}`;
  console.log(
    `${label.padEnd(28)}${ratio.toFixed(3)}   per round ${median(perRound).toFixed(3)} ` +
      `(IQR ${q1.toFixed(3)}-${q3.toFixed(3)})${verdict}`,
  );
}

/** `a - b` CPU time: the difference of the medians, then the median per-round difference. */
function cpuOverLine(
  label: string,
  a: readonly Sample[],
  b: readonly Sample[],
  key: 'cpuMs' | 'childCpuMs',
  target?: number,
) {
  const over = med(a, key) - med(b, key);
  const perRound = median(a.map((s, i) => s[key] - b[i]![key]));
  const verdict = target === undefined ? '' : `   target <= ${target} ms  ${over <= target ? 'OK' : 'OVER'}`;
  console.log(`${label.padEnd(28)}${signed(over)} ms   per round ${signed(perRound)} ms${verdict}`);
}

function printReal(samples: Samples): void {
  const widths = [20, 9, 8, 14, 6];
  console.log(
    `overhead bench: real claude ${PINNED_CLAUDE_VERSION} + stand-in (${REAL_ROUNDS} rounds after ` +
      `${REAL_WARMUPS} warm-ups, interleaved; medians per query)`,
  );
  console.log(row(['mode', 'wall ms', 'CPU ms', 'child CPU ms', 'msgs'], widths));
  for (const [name, s] of Object.entries(samples)) {
    const msgs = name.startsWith('bare') ? '-' : String(med(s, 'messages'));
    console.log(
      row([LABELS[name]!, f1(med(s, 'wallMs')), f1(med(s, 'cpuMs')), f1(med(s, 'childCpuMs')), msgs], widths),
    );
  }
  const {
    bare,
    'bare-detached': detached,
    ccflow,
    'agent-sdk': sdk,
  } = samples as Record<'bare' | 'bare-detached' | 'ccflow' | 'agent-sdk', Sample[]>;
  wallRatioLine('ccflow / bare wall', ccflow, bare, TARGET_WALL_RATIO);
  cpuOverLine('ccflow - bare CPU', ccflow, bare, 'cpuMs', TARGET_CPU_MS);
  wallRatioLine('ccflow / agent-sdk wall', ccflow, sdk, TARGET_SDK_RATIO, 'SLOWER');
  cpuOverLine('ccflow - agent-sdk CPU', ccflow, sdk, 'cpuMs');
  wallRatioLine('bare detached / bare wall', detached, bare);
  wallRatioLine('ccflow / bare detached', ccflow, detached);
  cpuOverLine('CLI CPU ccflow - bare', ccflow, bare, 'childCpuMs');
  cpuOverLine('CLI CPU agent-sdk - bare', sdk, bare, 'childCpuMs');
  for (const [name, s] of Object.entries(samples)) {
    const late = s.filter((x) => x.lingerMs > 0);
    if (late.length > 0) {
      console.log(
        `note: ${LABELS[name]} ended its stream before the CLI exited in ${late.length}/${s.length} runs ` +
          `(exit came a median ${f1(median(late.map((x) => x.lingerMs)))} ms later, not counted in wall)`,
      );
    }
  }
}

function printFault(samples: Samples, transcript: { bytes: number; lines: number }): void {
  const widths = [20, 9, 8, 8, 14];
  const mb = transcript.bytes / 1e6;
  console.log(
    `fault CLI replaying ${f1(mb)} MB / ${transcript.lines} lines (${FAULT_ROUNDS} rounds after ${FAULT_WARMUPS} ` +
      'warm-up, interleaved; medians per query)',
  );
  console.log(row(['mode', 'wall ms', 'MB/s', 'CPU ms', 'child CPU ms'], widths));
  for (const [name, s] of Object.entries(samples)) {
    const wall = med(s, 'wallMs');
    console.log(
      row(
        [LABELS[name]!, f1(wall), f1(mb / (wall / 1000)), f1(med(s, 'cpuMs')), f1(med(s, 'childCpuMs'))],
        widths,
      ),
    );
  }
  const { bare, ccflow } = samples as Record<'bare' | 'ccflow', Sample[]>;
  wallRatioLine('ccflow / bare wall', ccflow, bare);
  const cpuOver = med(ccflow, 'cpuMs') - med(bare, 'cpuMs');
  console.log(
    `${'ccflow - bare CPU'.padEnd(28)}${signed(cpuOver)} ms: parsing at ${f1(mb / (cpuOver / 1000))} MB/s ` +
      `of CPU, ${((cpuOver * 1000) / transcript.lines).toFixed(2)} us per line`,
  );
}

const dir = mkdtempSync(join(tmpdir(), 'ccflow-overhead-bench-'));
const runId = randomUUID();
const api = await MessagesApiStandIn.start({ fallback: reply.text(ANSWER) });
const box = new ClaudeSandbox({ baseUrl: api.url, env: { [MARKER]: runId } });

/** Kills whatever the bench started that is still running (anywhere it was reparented) and removes its files. */
function cleanUp(): number[] {
  const left = processesMarked(MARKER, runId);
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  box.close();
  rmSync(dir, { recursive: true, force: true });
  return left;
}
// Ctrl-C: the CLIs ccflow starts are in sessions of their own and would not see it.
process.once('SIGINT', () => {
  cleanUp();
  process.exit(130);
});

let leftBehind: number[] = [];
try {
  const transcriptPath = join(dir, 'transcript.ndjson');
  const transcript = await writeResultTerminatedTranscript(transcriptPath, FAULT_BYTES);
  const entry = await bundleMeasure(dir);
  const report = await measure(
    entry,
    {
      real: { cliPath: box.cliPath, env: box.env, cwd: box.cwd, rounds: REAL_ROUNDS, warmups: REAL_WARMUPS },
      fault: {
        cliPath: FAULT_CLI_PATH,
        env: { ...box.env, ...faultEnv({ steps: [{ replay: transcriptPath }] }) },
        cwd: box.cwd,
        rounds: FAULT_ROUNDS,
        warmups: FAULT_WARMUPS,
      },
      resultMark: RESULT_MARK,
      clockTicks: Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })),
      out: join(dir, 'report.json'),
      runId,
    },
    join(dir, 'config.json'),
  );
  // Every run read the whole transcript: bare got every byte, ccflow a message for every line.
  for (const s of report.fault.bare!) {
    if (s.bytes !== transcript.bytes) throw new Error(`bare read ${s.bytes} of ${transcript.bytes} bytes`);
  }
  for (const s of report.fault.ccflow!) {
    if (s.messages < transcript.lines) {
      throw new Error(`ccflow saw ${s.messages} messages for ${transcript.lines} lines`);
    }
  }
  printReal(report.real);
  console.log();
  printFault(report.fault, transcript);
} finally {
  leftBehind = cleanUp();
  await api.close();
}
console.log(`processes left behind: ${leftBehind.length}${leftBehind.length > 0 ? ' (killed)' : ''}`);
if (leftBehind.length > 0) process.exitCode = 1;
