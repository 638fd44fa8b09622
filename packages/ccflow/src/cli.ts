import { parseArgs } from 'node:util';
import { preparePrompt } from '@ccflow/core/internal';
import {
  CCFlowError,
  type CliAgentOptions,
  ConfigurationError,
  type Executor,
  errorFromResult,
  query,
  Redactor,
  resolveOptions,
} from './index.ts';

const USAGE = `Usage: ccflow query [options] <prompt>     (prompt "-" reads stdin)

Streams Claude Code's answer to the terminal.

Options:
  -m, --model <model>              model alias or id
  -s, --system-prompt <text>       replace the system prompt
      --append-system-prompt <text>
  -p, --permission-mode <mode>     default, plan, dontAsk, acceptEdits, bypassPermissions, auto, manual
  -t, --allowed-tools <pattern>    allow a tool, e.g. "Bash(git *)" (repeatable)
      --session-id <uuid>          use this id for a new session
  -r, --resume <id>                continue a session
      --max-turns <n>
      --max-budget-usd <usd>
      --json                       print every message as one JSON line instead of text
  -h, --help
`;

export interface CliIO {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Defaults to the process-wide executor. */
  executor?: Executor;
  signal?: AbortSignal;
}

/** The `ccflow` command. Returns the exit code: 0 done, 1 the query failed, 2 bad usage. */
export async function main(argv: string[], io: CliIO = process): Promise<number> {
  let options: CliAgentOptions;
  let prompt: string;
  let json: boolean;
  try {
    const parsed = parse(argv);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    ({ options, json } = parsed);
    prompt = parsed.prompt === '-' ? await readAll(io.stdin ?? process.stdin) : parsed.prompt;
    preparePrompt(prompt, resolveOptions(options), true); // what the executor would refuse is bad usage here
  } catch (error) {
    io.stderr.write(`ccflow: ${oneLine(error)}\n${USAGE}`);
    return 2;
  }

  let failure: unknown;
  let notice: string | undefined;
  let endsWithNewline = true;
  try {
    for await (const m of query(prompt, options, { executor: io.executor, signal: io.signal })) {
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
  }
  if (!json && !endsWithNewline) io.stdout.write('\n');
  if (failure === undefined) return 0;
  // The message may quote what the CLI printed: no secret in a log line.
  io.stderr.write(`ccflow: ${new Redactor(options).text(oneLine(failure))}\n`);
  return 1;
}

function parse(argv: string[]): 'help' | { prompt: string; options: CliAgentOptions; json: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      model: { type: 'string', short: 'm' },
      'system-prompt': { type: 'string', short: 's' },
      'append-system-prompt': { type: 'string' },
      'permission-mode': { type: 'string', short: 'p' },
      'allowed-tools': { type: 'string', short: 't', multiple: true },
      'session-id': { type: 'string' },
      resume: { type: 'string', short: 'r' },
      'max-turns': { type: 'string' },
      'max-budget-usd': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const [command, ...rest] = positionals;
  if (command !== 'query')
    throw new ConfigurationError({
      field: 'command',
      problem: `unknown command ${JSON.stringify(command ?? '')}`,
    });
  if (rest.length !== 1)
    throw new ConfigurationError({ field: 'prompt', problem: 'give exactly one prompt (quote it)' });
  const options: CliAgentOptions = {
    model: values.model,
    systemPrompt: values['system-prompt'],
    appendSystemPrompt: values['append-system-prompt'],
    permissionMode: values['permission-mode'] as CliAgentOptions['permissionMode'],
    allowedTools: values['allowed-tools'],
    sessionId: values['session-id'],
    resume: values.resume,
    maxTurns: number('max-turns', values['max-turns']),
    maxBudgetUsd: number('max-budget-usd', values['max-budget-usd']),
    includePartial: !values.json,
  };
  for (const key of Object.keys(options) as (keyof CliAgentOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  return { prompt: rest[0]!, options, json: values.json ?? false };
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n))
    throw new ConfigurationError({ field: `--${flag}`, problem: `not a number: ${JSON.stringify(value)}` });
  return n;
}

async function readAll(stream: AsyncIterable<Uint8Array | string>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream)
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/** `CODE: first line of the message`, for a one-line error. */
function oneLine(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return CCFlowError.isInstance(error) ? `${(error as CCFlowError).code}: ${message}` : `${message}`;
}
