/**
 * The measuring process of the live bench (see `run.ts`): follow-up turns three ways, interleaved, rotating their
 * order every round, with this process's CPU time per turn. Prints one JSON `LiveReport` on stdout.
 *
 * Usage: `tsx --conditions=@ccflow/source live/measure.ts CONFIG_JSON`
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { ClaudeConnection, CliExecutor, query, runTurn } from '@ccflow/core';

export interface LiveConfig {
  cliPath: string;
  env: Record<string, string>;
  cwd: string;
  rounds: number;
  warmups: number;
}

export interface TurnSample {
  wallMs: number;
  /** This process's CPU (user + system) over the turn. */
  cpuMs: number;
}

export type LiveReport = Record<'cold' | 'resume' | 'live', TurnSample[]>;

const config = JSON.parse(process.argv[2] ?? '{}') as LiveConfig;

async function timed(run: () => Promise<void>): Promise<TurnSample> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await run();
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** The floor for a one-off question: `claude -p "<prompt>"`, started cold, until it exits. */
async function cold(prompt: string): Promise<void> {
  const child = spawn(config.cliPath, ['-p', prompt, '--output-format=json', '--setting-sources='], {
    cwd: config.cwd,
    env: config.env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  child.stdout.resume();
  const [code] = await once(child, 'close');
  if (code !== 0) throw new Error(`claude -p exited with ${code}`);
}

async function consume(stream: AsyncIterable<{ type: string; isError?: boolean }>, what: string) {
  let ok = false;
  for await (const m of stream) if (m.type === 'result') ok = !m.isError;
  if (!ok) throw new Error(`${what}: no success result`);
}

const executor = new CliExecutor({ cliPath: config.cliPath, env: config.env });
const options = { cwd: config.cwd };
let sessionId = '';
for await (const m of query('start', options, { executor })) if (m.type === 'result') sessionId = m.sessionId;

/** Today's `Session` without a provider: a new CLI per turn, resuming the CLI session by id. */
const resume = (prompt: string) =>
  consume(query(prompt, { ...options, resume: sessionId }, { executor }), 'resume');

const connection = await ClaudeConnection.open({ cliPath: config.cliPath, env: config.env, options });
await consume(runTurn(connection, { prompt: 'start' }), 'live');
/** A follow-up turn on the live process. */
const live = (prompt: string) => consume(runTurn(connection, { prompt }), 'live');

const modes = { cold, resume, live };
const names = Object.keys(modes) as (keyof typeof modes)[];
const report: LiveReport = { cold: [], resume: [], live: [] };
for (let round = 0; round < config.warmups + config.rounds; round++) {
  const order = names.map((_, i) => names[(i + round) % names.length]!);
  for (const name of order) {
    const sample = await timed(() => modes[name](`question ${round}`));
    if (round >= config.warmups) report[name].push(sample);
  }
}
await connection.close();
process.stdout.write(JSON.stringify(report));
