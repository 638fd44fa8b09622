import { readFile } from 'node:fs/promises';
import {
  type CliAgentOptions,
  ConfigurationError,
  type Executor,
  errorFromResult,
  query,
  Redactor,
  resolveOptions,
} from '@ccflow/core';
import { preparePrompt } from '@ccflow/core/internal';
import type { Message } from '@ccflow/parser';
import { loadSession } from '@ccflow/sessions';
import { SQLiteSessionStore } from '@ccflow/stores-sqlite';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { type CliIO, oneLine } from './output.ts';
import { storePath } from './store-path.ts';

export interface QueryIO extends CliIO {
  /** Defaults to the process-wide executor. */
  executor?: Executor;
  signal?: AbortSignal;
}

/** The flags `query` and `batch` share: the CLI options a prompt runs with. */
export interface AgentFlags {
  model?: string;
  systemPrompt?: string;
  appendSystemPrompt?: string;
  permissionMode?: string;
  allowedTools?: string[];
  maxTurns?: number;
  maxBudgetUsd?: number;
}

/** Adds the {@link AgentFlags} to `command`; `limits` says what the two limits stop (a turn, or each prompt). */
export function agentFlags(command: Command, limits: { maxTurns: string; maxBudgetUsd: string }): Command {
  return command
    .option('-m, --model <model>', 'model alias or id')
    .option('-s, --system-prompt <text>', 'replace the system prompt')
    .option('--append-system-prompt <text>', 'add to the system prompt')
    .option(
      '-p, --permission-mode <mode>',
      'default, plan, dontAsk, acceptEdits, bypassPermissions, auto, manual',
    )
    .option('-t, --allowed-tools <pattern>', 'allow a tool, e.g. "Bash(git *)" (repeatable)', collect)
    .option('--max-turns <n>', limits.maxTurns, number)
    .option('--max-budget-usd <usd>', limits.maxBudgetUsd, number);
}

/** The options the given {@link AgentFlags} set (the unset ones are absent, so they do not hide a file's). */
export function agentOptions(flags: AgentFlags): CliAgentOptions {
  return defined({
    model: flags.model,
    systemPrompt: flags.systemPrompt,
    appendSystemPrompt: flags.appendSystemPrompt,
    permissionMode: flags.permissionMode as CliAgentOptions['permissionMode'],
    allowedTools: flags.allowedTools,
    maxTurns: flags.maxTurns,
    maxBudgetUsd: flags.maxBudgetUsd,
  });
}

interface QueryFlags extends AgentFlags {
  sessionId?: string;
  resume?: string;
  streamJson?: boolean;
  json?: boolean;
  session?: string;
  db?: string;
  options?: string;
}

/** `ccflow query <prompt>`: streams one answer; with `--session`, a turn of a stored session. */
export function queryCommand(program: Command, io: QueryIO, done: (code: number) => void): void {
  const command = program
    .command('query')
    .description("stream Claude Code's answer to the terminal")
    .argument('<prompt>', 'the prompt; "-" reads it from stdin');
  agentFlags(command, { maxTurns: 'stop after this many turns', maxBudgetUsd: 'stop past this cost' })
    .option('--session-id <uuid>', 'use this id for a new session')
    .option('-r, --resume <id>', "continue one of the CLI's sessions by id")
    .option('--session <id>', 'continue a session kept in the ccflow store (see --db)')
    .option('--db <file>', 'the SQLite store for --session (default: $CCFLOW_SESSION_STORAGE_PATH)')
    .option('--options <file.json>', 'options from a JSON file (the flags win)')
    .option('--stream-json', 'print every message as one JSON line (NDJSON) instead of text')
    .addOption(new Option('--json', 'same as --stream-json').hideHelp())
    .action(async (prompt: string, flags: QueryFlags) => done(await run(prompt, flags, io)));
}

async function run(argPrompt: string, flags: QueryFlags, io: QueryIO): Promise<number> {
  const json = flags.streamJson === true || flags.json === true;
  const options: CliAgentOptions = {
    ...(flags.options === undefined ? {} : await optionsFile(flags.options)),
    ...agentOptions(flags),
    ...defined({ sessionId: flags.sessionId, resume: flags.resume }),
    includePartial: !json,
  };
  const prompt = argPrompt === '-' ? await readAll(io.stdin ?? process.stdin) : argPrompt;
  preparePrompt(prompt, resolveOptions(options), true); // what the executor would refuse is bad usage here
  if (flags.session !== undefined && (options.resume !== undefined || options.sessionId !== undefined))
    throw new ConfigurationError({
      field: '--session',
      problem: 'cannot be used with --resume or --session-id',
    });

  const store = flags.session === undefined ? undefined : new SQLiteSessionStore(storePath(flags.db, io));
  let failure: unknown;
  let notice: string | undefined;
  let endsWithNewline = true;
  try {
    let messages: AsyncIterable<Message>;
    if (store !== undefined && flags.session !== undefined) {
      const session = await loadSession(flags.session, store, { options, executor: io.executor });
      if (session === undefined) {
        io.stderr.write(`ccflow: SESSION_NOT_FOUND: no session ${flags.session} in ${store.path}\n`);
        return 1;
      }
      messages = session.sendMessage(prompt, { signal: io.signal });
    } else {
      messages = query(prompt, options, { executor: io.executor, signal: io.signal });
    }
    for await (const m of messages) {
      if (json) {
        io.stdout.write(`${JSON.stringify(m)}\n`);
      } else if (m.type === 'text') {
        io.stdout.write(m.content);
        endsWithNewline = m.content.endsWith('\n');
      }
      if (m.type === 'assistant' && m.error !== undefined) notice = m.error;
      if (m.type === 'result' && m.isError) failure = errorFromResult(m, notice);
    }
  } catch (error) {
    failure = error;
  } finally {
    await store?.close();
  }
  if (!json && !endsWithNewline) io.stdout.write('\n');
  if (failure === undefined) return 0;
  // The message may quote what the CLI printed: no secret in a log line.
  io.stderr.write(`ccflow: ${new Redactor(options).text(oneLine(failure))}\n`);
  return 1;
}

/** The options in a JSON file; anything but a JSON object is bad usage (the keys are checked with the flags). */
export async function optionsFile(path: string): Promise<CliAgentOptions> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigurationError({ field: '--options', problem: `cannot read ${path}: ${oneLine(error)}` });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigurationError({
      field: '--options',
      problem: `${path} must hold a JSON object of options`,
    });
  return parsed as CliAgentOptions;
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('not a number');
  return n;
}

export async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
