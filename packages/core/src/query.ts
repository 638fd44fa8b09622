import type { Message } from '@ccflow/parser';
import { EXECUTOR } from './default-executor.ts';
import { ConfigurationError } from './errors.ts';
import type { ExecutionHost, Executor } from './executor.ts';
import type { CliAgentOptions } from './options.ts';
import type { Prompt } from './prompt.ts';
import { collectQueryResult, type QueryResult } from './query-result.ts';
import { runtime } from './runtime.ts';

export interface QueryOptions {
  signal?: AbortSignal;
  /** Callbacks for the run (`onStderr`); see `ExecutionHost`. */
  host?: ExecutionHost;
  /** Defaults to the process-wide executor (`runtime.get(EXECUTOR)`). */
  executor?: Executor;
}

/** Streams the messages of one prompt. See `Executor` for how failures end the stream. */
export function query(
  prompt: Prompt,
  options: CliAgentOptions = {},
  init: QueryOptions = {},
): AsyncIterable<Message> {
  return (init.executor ?? runtime.get(EXECUTOR)).execute({
    prompt,
    options,
    signal: init.signal,
    host: init.host,
  });
}

/**
 * The answer to one prompt: its text, or its structured output when `options.jsonSchema` is given (typed `unknown`:
 * validate it against your schema). Throws the typed error when the query fails, including an error result from the
 * CLI.
 */
export function querySimple(
  prompt: Prompt,
  options?: CliAgentOptions & { jsonSchema?: undefined },
  init?: QueryOptions,
): Promise<string>;
export function querySimple(prompt: Prompt, options: CliAgentOptions, init?: QueryOptions): Promise<unknown>;
export async function querySimple(
  prompt: Prompt,
  options: CliAgentOptions = {},
  init: QueryOptions = {},
): Promise<unknown> {
  const r = await collectQueryResult(query(prompt, options, init));
  if (r.error) throw r.error;
  return options.jsonSchema === undefined ? r.text : r.structuredOutput;
}

/** Calls `callback` with each message as it arrives; resolves with the sum-up. Never rejects on query failure. */
export function streamToCallback(
  prompt: Prompt,
  callback: (message: Message) => void | Promise<void>,
  options: CliAgentOptions = {},
  init: QueryOptions = {},
): Promise<QueryResult> {
  return collectQueryResult(query(prompt, options, init), callback);
}

export interface BatchOptions extends QueryOptions {
  /** How many prompts run at once. Default 5. */
  concurrency?: number;
}

/**
 * Runs many prompts with bounded concurrency. Results come in input order; a failed prompt is a failed
 * `QueryResult` (`isError`, `error`), never a failed batch.
 */
export async function batchQuery(
  prompts: readonly Prompt[],
  options: CliAgentOptions = {},
  init: BatchOptions = {},
): Promise<QueryResult[]> {
  const concurrency = init.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ConfigurationError({
      field: 'concurrency',
      problem: `must be a positive integer, got ${concurrency}`,
    });
  }
  const results: QueryResult[] = new Array(prompts.length);
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const i = next++;
      results[i] = await collectQueryResult(query(prompts[i]!, options, init));
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, prompts.length) }, worker));
  return results;
}
