/**
 * The measuring process of the overhead bench, bundled to plain JS and run by `run.ts` (so that neither tsx's
 * loader nor the stand-in API runs in it: its CPU time is the caller's side of each query and nothing else).
 * Runs the modes interleaved, rotating their order every round, and writes every sample to `config.out`.
 *
 * Usage: `node --expose-gc measure.mjs CONFIG.json`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { agentSdkMode, bareMode, type CliTarget, ccflowMode, type RunCount } from './modes.ts';
import { childrenCpuMs, childrenOf } from './proc.ts';

interface PhaseConfig extends CliTarget {
  rounds: number;
  warmups: number;
}

export interface MeasureConfig {
  /** The real CLI in its sandbox, against the stand-in. */
  real: PhaseConfig;
  /** The fault CLI replaying the large transcript. */
  fault: PhaseConfig;
  /** What marks a result line, for the bare reader. */
  resultMark: string;
  /** `getconf CLK_TCK`. */
  clockTicks: number;
  /** Where to write the `MeasureReport`. */
  out: string;
  /** The value of the marker variable carried by this process and every CLI it starts. */
  runId: string;
}

export interface Sample extends RunCount {
  /** From the call to the end of the stream (ccflow, SDK) or to the CLI's `close` (bare). */
  wallMs: number;
  /** This process's CPU (user + system, all threads) over the same window. */
  cpuMs: number;
  /** CPU of the children reaped during the run and its settling: the CLI (and what it waited for). */
  childCpuMs: number;
  /** How long a child was still running after the window; 0 when none was. */
  lingerMs: number;
}

/** Samples by mode name, in round order (sample `i` of every mode is from the same round). */
export type Samples = Record<string, Sample[]>;

export interface MeasureReport {
  real: Samples;
  fault: Samples;
}

type Mode = readonly [name: string, run: (prompt: string) => Promise<RunCount>];

const gc = (globalThis as { gc?: () => void }).gc;
const SETTLE_LIMIT_MS = 10_000;

/** Waits until this process has no child left (outside any timed window: a `/proc` scan costs a few ms). */
async function settle(): Promise<number> {
  const start = performance.now();
  for (let first = true; ; first = false) {
    const children = childrenOf(process.pid);
    if (children.length === 0) return first ? 0 : performance.now() - start;
    if (performance.now() - start > SETTLE_LIMIT_MS) {
      throw new Error(`children ${children.join(', ')} still running ${SETTLE_LIMIT_MS} ms after a run`);
    }
    await sleep(5);
  }
}

async function sample(run: () => Promise<RunCount>, clockTicks: number): Promise<Sample> {
  gc?.();
  const children = childrenCpuMs(clockTicks);
  const cpu = process.cpuUsage();
  const start = performance.now();
  const count = await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const lingerMs = await settle();
  return {
    ...count,
    wallMs,
    cpuMs: (used.user + used.system) / 1000,
    childCpuMs: childrenCpuMs(clockTicks) - children,
    lingerMs,
  };
}

/** `warmups` unrecorded rounds, then `rounds`; every round runs each mode once, the order rotating. */
async function interleave(
  modes: readonly Mode[],
  phase: PhaseConfig,
  clockTicks: number,
  prompt: (round: number) => string,
): Promise<Samples> {
  const samples: Samples = Object.fromEntries(modes.map(([name]) => [name, []]));
  for (let round = 0; round < phase.warmups + phase.rounds; round++) {
    const shift = round % modes.length;
    for (const [name, run] of [...modes.slice(shift), ...modes.slice(0, shift)]) {
      const s = await sample(() => run(prompt(round)), clockTicks);
      if (round >= phase.warmups) samples[name]!.push(s);
    }
  }
  return samples;
}

const config: MeasureConfig = JSON.parse(readFileSync(process.argv[2]!, 'utf8'));
const { real, fault, resultMark, clockTicks } = config;

const report: MeasureReport = {
  real: await interleave(
    [
      ['bare', bareMode(real, resultMark)],
      ['bare-detached', bareMode(real, resultMark, true)],
      ['ccflow', ccflowMode(real)],
      ['agent-sdk', agentSdkMode(real)],
    ],
    real,
    clockTicks,
    (round) => `Question ${round}: in two sentences, why does a full pipe pause the process writing to it?`,
  ),
  fault: await interleave(
    [
      ['bare', bareMode(fault, resultMark)],
      ['ccflow', ccflowMode(fault)],
    ],
    fault,
    clockTicks,
    () => 'Replay the transcript',
  ),
};
writeFileSync(config.out, JSON.stringify(report));
