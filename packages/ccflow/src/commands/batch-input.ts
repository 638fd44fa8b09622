import { type CliAgentOptions, ConfigurationError, resolveOptions } from '@ccflow/core';
import { mergeOptions, preparePrompt } from '@ccflow/core/internal';
import { oneLine } from './output.ts';

/** One prompt of a batch. */
export interface BatchItem {
  /** From the line's `id`, else its 1-based line number. */
  id: string | number;
  /** 1-based line of the input it came from. */
  line: number;
  prompt: string;
  /** The batch's options with the line's own merged over them. */
  options: CliAgentOptions;
}

export type BatchFormat = 'auto' | 'lines' | 'jsonl';
export const BATCH_FORMATS: readonly BatchFormat[] = ['auto', 'lines', 'jsonl'];

const KEYS = new Set(['id', 'prompt', 'options']);

/**
 * The prompts of a batch input. The format is decided for the whole file: `auto` (the default) reads JSONL when
 * the first non-blank line starts with `{`, else lines. Lines: each non-blank line is a prompt, its id its line
 * number. JSONL: each non-blank line is `{"id"?, "prompt", "options"?}`; the line's `options` are merged over
 * `base`. Every line is checked before anything runs: a bad one is a `ConfigurationError` naming it.
 */
export function parseBatchInput(
  text: string,
  base: CliAgentOptions,
  format: BatchFormat = 'auto',
): BatchItem[] {
  const lines = text
    .replace(/^\uFEFF/, '') // a byte-order mark some editors write
    .split('\n')
    .map((l) => l.replace(/\r$/, ''));
  const first = lines.find((l) => l.trim() !== '');
  const jsonl = format === 'jsonl' || (format === 'auto' && first?.trimStart().startsWith('{') === true);
  const items: BatchItem[] = [];
  const seen = new Map<string, number>();
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    const item = jsonl ? fromJson(raw, line, base) : { id: line, line, prompt: raw, options: base };
    check(item);
    const key = JSON.stringify(item.id);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw bad(line, `id ${key} is already used on line ${earlier}`);
    seen.set(key, line);
    items.push(item);
  });
  return items;
}

function fromJson(raw: string, line: number, base: CliAgentOptions): BatchItem {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw bad(line, `not JSON: ${oneLine(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw bad(line, 'must be a JSON object {"id"?, "prompt", "options"?}');
  const o = value as Record<string, unknown>;
  const unknown = Object.keys(o).filter((k) => !KEYS.has(k));
  if (unknown.length > 0)
    throw bad(line, `unknown field ${unknown.join(', ')} (fields: id, prompt, options)`);
  if (typeof o.prompt !== 'string') throw bad(line, 'needs "prompt", a string');
  const id = o.id ?? line;
  if (!(typeof id === 'string' && id !== '') && !Number.isSafeInteger(id))
    throw bad(line, '"id" must be a non-empty string or an integer');
  if (
    o.options !== undefined &&
    (typeof o.options !== 'object' || o.options === null || Array.isArray(o.options))
  )
    throw bad(line, '"options" must be a JSON object');
  const options = o.options === undefined ? base : merged(base, o.options as CliAgentOptions, line);
  return { id: id as string | number, line, prompt: o.prompt, options };
}

function merged(base: CliAgentOptions, own: CliAgentOptions, line: number): CliAgentOptions {
  try {
    return mergeOptions(base, own);
  } catch (error) {
    throw bad(line, oneLine(error));
  }
}

/** What the executor would refuse (an unknown option, a blank prompt) is bad usage here, found before any run. */
function check(item: BatchItem): void {
  try {
    preparePrompt(item.prompt, resolveOptions(item.options), true);
  } catch (error) {
    if (!ConfigurationError.isInstance(error)) throw error;
    throw bad(item.line, (error as ConfigurationError).message);
  }
}

function bad(line: number, problem: string): ConfigurationError {
  return new ConfigurationError({ field: `line ${line}`, problem });
}
