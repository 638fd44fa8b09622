import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type CliAgentOptions, ConfigurationError, resolveOptions } from '@ccflow/core';
import { WarmPool } from '@ccflow/pool';
import { type Command, Option } from 'commander';
import { BATCH_FORMATS, type BatchFormat, parseBatchInput } from './batch-input.ts';
import { OrderedWriter } from './batch-results.ts';
import { idKey, readFinished, sortByInput } from './batch-resume.ts';
import { runAll } from './batch-run.ts';
import { type BatchRunner, findOrCreateProject, projectRunner, queryRunner } from './batch-runner.ts';
import { Interrupts } from './interrupts.ts';
import { positiveOption } from './number-option.ts';
import { oneLine } from './output.ts';
import { Progress } from './progress.ts';
import { type AgentFlags, agentFlags, agentOptions, optionsFile, type QueryIO, readAll } from './query.ts';
import { withStores } from './store-set.ts';

interface BatchFlags extends AgentFlags {
  output?: string;
  resume?: boolean;
  concurrency: number;
  warm?: boolean;
  quiet?: boolean;
  project?: string;
  db?: string;
  format: BatchFormat;
  options?: string;
}

/**
 * `ccflow batch <file|->`: many prompts, results as JSONL in input order, progress on stderr. Ctrl-C or SIGTERM
 * stops it cleanly (exit 130 / 143) with every finished result written; `--resume` skips the ids already written.
 */
export function batchCommand(program: Command, io: QueryIO, done: (code: number) => void): void {
  const command = program
    .command('batch')
    .description('run many prompts (lines or JSONL), results as JSONL in input order')
    .argument('<file>', 'the prompts: one per line, or JSONL {"id"?, "prompt", "options"?}; "-" reads stdin')
    .option('-o, --output <file>', 'write the results to this file (default: stdout)')
    .option('--resume', 'skip the ids already in --output and append the rest')
    .option('-c, --concurrency <n>', 'prompts running at once', positiveOption, 4)
    .option('--warm', 'run on a warm pool of CLI processes (as many as --concurrency)')
    .option('-q, --quiet', 'no progress on stderr')
    .option(
      '--project <name|id>',
      'trace each prompt as a session of this project in the store (created if missing)',
    )
    .option('--db <file>', 'the SQLite store for --project (default: $CCFLOW_SESSION_STORAGE_PATH)')
    .addOption(
      new Option(
        '--format <format>',
        'how to read the input (auto: JSONL when the first line starts with "{")',
      )
        .choices(BATCH_FORMATS)
        .default('auto'),
    )
    .option(
      '--options <file.json>',
      'options for every prompt from a JSON file (the flags win, then each line)',
    );
  agentFlags(command, {
    maxTurns: 'stop each prompt after this many turns',
    maxBudgetUsd: 'stop each prompt past this cost',
  }).action(async (file: string, flags: BatchFlags) => done(await run(file, flags, io)));
}

async function run(file: string, flags: BatchFlags, io: QueryIO): Promise<number> {
  const base: CliAgentOptions = {
    ...(flags.options === undefined ? {} : await optionsFile(flags.options)),
    ...agentOptions(flags),
  };
  resolveOptions(base); // a bad --options file or flag is named as such, not as line 1
  if (flags.resume && flags.output === undefined)
    throw new ConfigurationError({
      field: '--resume',
      problem: 'needs --output <file>: the results to resume',
    });
  if (flags.db !== undefined && flags.project === undefined)
    throw new ConfigurationError({
      field: '--db',
      problem: 'needs --project <name|id>: the project to trace into',
    });
  const items = parseBatchInput(await input(file, io), base, flags.format);
  const skip = flags.resume && flags.output !== undefined ? readFinished(flags.output) : new Set<string>();
  const todo = items.filter((item) => !skip.has(idKey(item.id)));

  using interrupts = new Interrupts(io.signal);
  const pool = flags.warm
    ? new WarmPool({
        minProcesses: Math.min(flags.concurrency, todo.length),
        maxProcesses: flags.concurrency,
        warmOptions: base,
      })
    : undefined;
  const progress = new Progress(io.stderr, io.env ?? process.env, todo.length, flags.quiet === true);
  const started = performance.now();
  let fd: number | undefined;
  try {
    fd = flags.output === undefined ? undefined : openSync(flags.output, flags.resume ? 'a' : 'w');
    const out = fd;
    const writer = new OrderedWriter(
      out === undefined
        ? (line) => progress.above(() => io.stdout.write(line))
        : (line) => writeSync(out, line),
    );
    progress.start();
    const executor = pool ?? io.executor;
    const go = (runner: BatchRunner) =>
      runAll(todo, flags.concurrency, runner, interrupts.signal, writer, progress);
    const name = flags.project;
    try {
      if (name === undefined) await go(queryRunner(executor));
      else
        await withStores(flags.db, io, async (stores) =>
          go(projectRunner(await findOrCreateProject(name, stores, executor))),
        );
    } finally {
      // Results still waiting for an earlier one (an interrupt or a failure cut the run short) are written too.
      writer.flushAll();
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
    await pool?.close();
  }
  if (flags.resume && flags.output !== undefined)
    sortByInput(flags.output, new Map(items.map((item, i) => [idKey(item.id), i])));

  const { done: ok, failed, costUsd } = progress.state;
  const figures = `${ok} ok, ${failed} failed, $${costUsd.toFixed(4)}, ${((performance.now() - started) / 1000).toFixed(1)}s`;
  const skipped = items.length - todo.length;
  const resumed = skipped > 0 ? `, ${skipped} skipped (already in ${flags.output})` : '';
  if (interrupts.received !== undefined) {
    const left = todo.length - ok - failed;
    progress.end(
      `ccflow batch: interrupted by ${interrupts.received}: ${figures}, ${left} not finished${resumed}`,
    );
    return interrupts.exitCode as number;
  }
  progress.end(flags.quiet ? undefined : `ccflow batch: ${todo.length} prompts: ${figures}${resumed}`);
  return failed > 0 ? 1 : 0;
}

async function input(file: string, io: QueryIO): Promise<string> {
  if (file === '-') return readAll(io.stdin ?? process.stdin);
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigurationError({ field: '<file>', problem: `cannot read ${file}: ${oneLine(error)}` });
  }
}
