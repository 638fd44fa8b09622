import { decode, encode } from '@toon-format/toon';
import { ConfigurationError, ToonEncodingError } from './errors.ts';
import type { ToonConfig } from './options.ts';

/**
 * A turn's `context` object, attached to the prompt as a block the model reads and a program can decode:
 *
 * ```text
 * <prompt>
 *
 * Context for this request, in TOON (compact JSON: indentation nests objects, …):
 * <context format="toon">
 * users[2]{id,name}:
 *   1,Ada
 *   2,Bob
 * </context>
 * ```
 *
 * TOON comes from the official library (`@toon-format/toon`, spec 4.4); with `toon.enabled` (default on) or
 * `toon.encodeContext` off the block holds compact JSON (`format="json"`, hint `Context for this request, in
 * JSON:`). The hint line sits outside the tags, so the block holds nothing but the data.
 *
 * Savings are counted in characters (UTF-16 code units, `string.length`), exactly, against compact JSON
 * (`JSON.stringify` without spaces) of the same context. Tokens are not reported: Claude's tokenizer is not
 * public, the only exact count is the Messages API's `count_tokens` (a request per text), and a chars/4 guess
 * would dress an estimate up as a measurement. TOON's own published token figures use a GPT tokenizer.
 */

export type ContextFormat = 'toon' | 'json';

/** What attaching one context cost, in characters (UTF-16 code units). */
export interface ContextEncoding {
  format: ContextFormat;
  /** The encoded context: the text between the tags. */
  chars: number;
  /** The same context as compact JSON: the baseline. Equal to `chars` for the JSON format. */
  jsonChars: number;
  /** `chars / jsonChars`: below 1 the format was smaller than compact JSON, above 1 larger. */
  ratio: number;
  /**
   * Everything appended to the prompt: blank line, hint, tags and the encoded context. Not in the savings; it
   * shows the fixed cost of the framing (the TOON hint is longer than the JSON one, so a tiny context can cost
   * more as TOON overall).
   */
  addedChars: number;
}

const HINTS: Record<ContextFormat, string> = {
  toon:
    'Context for this request, in TOON (compact JSON: indentation nests objects, key[N] holds N items, ' +
    'and a key[N]{a,b}: header is followed by N rows of a,b values):',
  json: 'Context for this request, in JSON:',
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Appends `context` to `prompt` as a `<context format="toon|json">` block (the prompt unchanged without a
 * context). Pure. Throws `ToonEncodingError` naming the path of a value that is not JSON data (see `toJson`),
 * and `ConfigurationError` for TOON settings the library cannot honour (`lengthMarker`, `indent: 0`).
 */
export function withContext(
  prompt: string,
  context: Record<string, unknown> | undefined,
  toon: ToonConfig,
): { prompt: string; encoding: ContextEncoding | undefined } {
  if (context === undefined) return { prompt, encoding: undefined };
  const format: ContextFormat = toon.enabled !== false && toon.encodeContext ? 'toon' : 'json';
  const data = toJson(context, 'context', new Set());
  // A root `toJSON` or array would make a block that decodes to something else than an object.
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new ToonEncodingError({ message: `context: must be an object, got ${JSON.stringify(data)}` });
  }
  const json = JSON.stringify(data);
  const body = format === 'toon' ? encodeToon(data, toon) : json;
  const block = `${HINTS[format]}\n<context format="${format}">\n${body}\n</context>`;
  const added = prompt === '' ? block : `\n\n${block}`;
  return {
    prompt: prompt + added,
    encoding: {
      format,
      chars: body.length,
      jsonChars: json.length,
      ratio: body.length / json.length,
      addedChars: added.length,
    },
  };
}

/** The span attributes that say how a context was attached. */
export function contextAttributes(encoding: ContextEncoding): Record<string, string | number> {
  return {
    'ccflow.context.format': encoding.format,
    'ccflow.context.chars': encoding.chars,
    'ccflow.context.json_chars': encoding.jsonChars,
  };
}

function encodeToon(data: Json, toon: ToonConfig): string {
  // Spec 2.0 removed the `[#N]` length marker (decoders must reject it) and 4.4.0 has no option for it;
  // lengths `[N]` are always written. Emitting `#` by hand would make TOON no decoder accepts.
  if (toon.lengthMarker) {
    throw new ConfigurationError({
      field: 'toon.lengthMarker',
      problem:
        'TOON has had no length marker since spec 2.0 ([#N] is rejected by decoders); array lengths [N] are always written, so leave it false',
    });
  }
  // With no indentation nesting is lost: the library's decoder cannot read it back.
  if (toon.indent < 1)
    throw new ConfigurationError({ field: 'toon.indent', problem: 'TOON needs at least 1 space per level' });
  try {
    return encode(data, { delimiter: toon.delimiter, indentSize: toon.indent });
  } catch (error) {
    throw new ToonEncodingError({ message: `context: ${(error as Error).message}`, cause: error });
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A JSON copy of `value`, or `ToonEncodingError` naming where it is not JSON data. The rules are
 * `JSON.stringify`'s where it is strict, and an error where it would silently change the data (as would the
 * TOON library, which turns most of these into `null`):
 * - `toJSON()` is honoured, so a `Date` becomes its ISO 8601 string (both formats; an invalid Date is an error);
 * - a property whose value is `undefined` is left out; `undefined` in an array (or a hole) is an error;
 * - functions, symbols, BigInts, NaN and ±Infinity, cycles, and objects other than plain ones and arrays
 *   (Map, Set, class instances without `toJSON`) are errors;
 * - strings and keys must be well-formed Unicode: TOON refuses unpaired surrogates, and JSON follows so that
 *   switching the format never changes what is accepted.
 */
function toJson(value: unknown, path: string, ancestors: Set<object>): Json {
  const fail = (why: string): never => {
    throw new ToonEncodingError({ message: `${path}: ${why}` });
  };
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string')
    return LONE_SURROGATE.test(value) ? fail('unpaired surrogate in string') : value;
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : fail(`${value} is not a JSON number`);
  if (typeof value !== 'object') return fail(`a ${typeof value} cannot be encoded`);
  if (ancestors.has(value)) return fail('cycle (the object contains itself)');
  if (value instanceof Date && Number.isNaN(value.getTime())) return fail('invalid Date');
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return toJson((value as { toJSON: () => unknown }).toJSON(), path, ancestors);
  }
  ancestors.add(value);
  let out: Json;
  if (Array.isArray(value)) {
    out = Array.from({ length: value.length }, (_, i) =>
      value[i] === undefined ? fail(`[${i}] is undefined`) : toJson(value[i], `${path}[${i}]`, ancestors),
    );
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && proto !== Object.prototype) {
      fail(`a ${proto.constructor?.name ?? 'non-plain object'} is not a plain object`);
    }
    // A null prototype keeps a `__proto__` key an ordinary property.
    const obj: { [key: string]: Json } = Object.create(null);
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) fail(`unpaired surrogate in key ${JSON.stringify(key)}`);
      if (item !== undefined) obj[key] = toJson(item, childPath(path, key), ancestors);
    }
    out = obj;
  }
  ancestors.delete(value);
  return out;
}

const childPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/** A context block found in a prompt, decoded. */
export interface DecodedContext {
  format: ContextFormat;
  context: Record<string, unknown>;
}

const OPENING = /^<context format="(toon|json)">$/gm;
const CLOSING = '\n</context>';

/**
 * Finds the last context block in `text` (a prompt, or what the model received) and decodes it: TOON with the
 * library's strict `decode`, JSON with `JSON.parse`. `undefined` when there is no complete block; a block that
 * does not decode to an object throws `ToonEncodingError`. No line of an encoded object can equal a tag (keys
 * with `<` are quoted, nested lines indented, newlines in strings escaped), so the tags are unambiguous.
 */
export function decodeContextBlock(text: string): DecodedContext | undefined {
  const opening = [...text.matchAll(OPENING)].at(-1);
  if (opening === undefined) return undefined;
  const format = opening[1] as ContextFormat;
  const start = opening.index + opening[0].length + 1;
  // From the tag's own newline, so a block with no body line at all still closes.
  const end = text.indexOf(CLOSING, start - 1);
  if (end === -1) return undefined;
  const body = text.slice(start, Math.max(start, end));
  let context: unknown;
  try {
    context = format === 'toon' ? decode(body, { indentSize: indentOf(body) }) : JSON.parse(body);
  } catch (error) {
    throw new ToonEncodingError({
      message: `the ${format} context block does not decode: ${(error as Error).message}`,
      cause: error,
    });
  }
  if (typeof context !== 'object' || context === null || Array.isArray(context)) {
    throw new ToonEncodingError({
      message: `the ${format} context block holds ${JSON.stringify(context)}, not an object`,
    });
  }
  return { format, context: context as Record<string, unknown> };
}

/** The indent size of a TOON text: its narrowest indentation is one level (2, the default, when flat). */
function indentOf(body: string): number {
  let narrowest = Number.POSITIVE_INFINITY;
  for (const line of body.split('\n')) {
    const width = line.length - line.replace(/^ +/, '').length;
    if (width > 0 && width < narrowest) narrowest = width;
  }
  return narrowest === Number.POSITIVE_INFINITY ? 2 : narrowest;
}
