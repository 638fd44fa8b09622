import { z } from 'zod';
import type { CliAgentOptions } from './options.ts';

/** What a secret becomes: the text around it (a variable's name, a URL's user and host) stays. */
export const REDACTED = '[redacted]';

/**
 * Values shorter than this found in options or the environment are not searched for in text: `1`, `true` or
 * `debug` would blank ordinary words. They are still hidden where they stand (an `env` value, a `password` field).
 */
export const MIN_SECRET_LENGTH = 8;

/** `options.redaction`: how ccflow hides secrets in what it stores, traces and logs. */
export const RedactionConfigSchema = z.object({
  /** `false` stores, traces and logs everything verbatim. Default true. */
  enabled: z.boolean().optional(),
  /** More secret shapes: each match is replaced whole. Each pattern is one more pass over a string. */
  patterns: z
    .array(
      z
        .instanceof(RegExp, { message: 'must be a RegExp' })
        .refine((re) => !new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(''), {
          message: 'must not match the empty string',
        }),
    )
    .optional(),
  /** More secret values (e.g. a key read from a vault), replaced wherever they appear, whatever their length. */
  secrets: z.array(z.string().min(1, 'must not be empty')).optional(),
});
export type RedactionConfig = z.input<typeof RedactionConfigSchema>;

/**
 * A name that says its value is a credential, as a key (`apiKey`, `api_key`, `x-api-key`, `clientSecret`,
 * `accessToken`, `password`, `DB_PASS`, `Authorization`, `cookie`) in camel, snake, kebab or upper case; a word
 * of its own, so `maxTokens`, `tokenizer`, `secretary` and `bypass` are not.
 */
const CREDENTIAL_NAME =
  '(?:(?<![a-z])(?:api[-_]?[Kk]ey|access[-_]?[Kk]ey|private[-_]?[Kk]ey|secret|token|passw(?:or)?d|passphrase|pass|credentials?|authorization|cookie)' +
  '|(?:Api[-_]?[Kk]ey|Access[-_]?[Kk]ey|Private[-_]?[Kk]ey|Secret|Token|Passw(?:or)?d|Passphrase|Pass|Credentials?|Authorization|Cookie))(?![a-z])' +
  '|(?:API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET|TOKEN|PASSW(?:OR)?D|PASSPHRASE|(?<![A-Z])PASS|CREDENTIALS?|AUTHORIZATION|COOKIE)(?![A-Z])';
const CREDENTIAL_PATTERN = new RegExp(CREDENTIAL_NAME);
/** Keys named like a credential that hold none: the CLI's `init` says where its key came from (`ANTHROPIC_API_KEY`). */
const NOT_CREDENTIALS = new Set(['apiKeySource']);
const isCredentialKey = (key: string) => CREDENTIAL_PATTERN.test(key) && !NOT_CREDENTIALS.has(key);

/** The same words, lower case, as a command-line flag: `--api-key`, `--token`, `--db-password`. */
const FLAG_WORD =
  '(?:api[-_]?key|apikey|access[-_]?key|private[-_]?key|secret|token|passw(?:or)?d|passphrase|pass|credentials?|authorization|cookie)';
const CREDENTIAL_FLAG = new RegExp(`^--?(?:[a-z0-9]+[-_])*${FLAG_WORD}(?:[-_][a-z0-9]+)*$`);
/** Objects whose every value may be a credential: environments and HTTP headers. */
const SECRET_MAPS = new Set(['env', 'headers']);

/** The password of a URL, `postgres://user:PASSWORD@host`, as `(kept prefix)(secret)`. */
const URL_PASSWORD =
  '(\\b[A-Za-z][A-Za-z0-9+.-]{0,31}://[^\\s:/?#@"\'<>]{0,256}:)([^\\s/?#@"\'<>]{1,256})(?=@)';
/** A credential flag's value, `--api-key=VALUE` or `--token VALUE`, as `(kept prefix)(secret)`. */
const FLAG_VALUE = `((?<![\\w-])--?(?:[a-z0-9]+[-_])*${FLAG_WORD}(?:[-_][a-z0-9]+)*(?:=|[ \\t]+))([^\\s"'\`]+)`;

/**
 * Secret shapes, each as `(kept prefix)(secret)`: only the second group is replaced. All are bounded so that one
 * pass over a string stays linear.
 */
const RULES: readonly string[] = [
  // A PEM private key, to its END line (or the end of the text when it was cut off).
  `()(-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]{0,40}PRIVATE KEY-----|$))`,
  // Tokens recognisable by their prefix: Anthropic, OpenAI, GitHub, GitLab, Slack, AWS access key ids, Google,
  // npm, and JSON Web Tokens.
  '()(sk-ant-[A-Za-z0-9_-]+|\\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}|\\bgh[pousr]_[A-Za-z0-9]{30,}' +
    '|\\bgithub_pat_[A-Za-z0-9_]{20,}|\\bglpat-[A-Za-z0-9_-]{20,}|\\bxox[abposr]-[A-Za-z0-9-]{10,}' +
    '|\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b|\\bAIza[0-9A-Za-z_-]{35}|\\bnpm_[A-Za-z0-9]{36}' +
    '|\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*)',
  // An HTTP credential header as text: `Authorization: Basic ...`, `X-Api-Key: ...`, `Cookie: a=1; b=2`.
  '((?:[Pp]roxy-)?(?:[Aa]uthorization|AUTHORIZATION)\\s*:\\s*(?:(?:Bearer|Basic|Digest|Token|Bot)\\s+)?' +
    '|(?:[Xx]-)?(?:[Aa]pi-[Kk]ey|API-KEY|[Aa]uth-[Tt]oken)\\s*:\\s*|(?:[Ss]et-)?[Cc]ookie\\s*:\\s*)' +
    '([^\\s"\'<>;]+(?:[ \\t]*;[ \\t]*[^\\s"\'<>;]+)*)',
  // A bearer token anywhere.
  '(\\b[Bb]earer\\s+)([A-Za-z0-9._~+/-]{8,}=*)',
  URL_PASSWORD,
  FLAG_VALUE,
  // A JSON member named like a credential: `"api_key": "VALUE"`.
  `("[^"\\\\\\s]{0,64}?(?:${CREDENTIAL_NAME})[^"\\\\\\s]{0,64}"\\s*:\\s*")((?:[^"\\\\\\r\\n]|\\\\.)+)(?=")`,
  // An environment variable named like a credential, as `env` or a `.env` file prints it: `GITHUB_TOKEN=VALUE`.
  '(\\b(?:[A-Z0-9]+_)*(?:[A-Z0-9]*(?:API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|SECRET|TOKEN|PASSW(?:OR)?D|PASSPHRASE|CREDENTIALS?|AUTHORIZATION|COOKIE)|PASS)(?:_[A-Z0-9]+)*=)' +
    '("[^"\\r\\n]*"|\'[^\'\\r\\n]*\'|[^\\s"\']+)',
];
const RULE_GROUPS = RULES.length * 2;

/** Process environment variables whose values are secrets, besides any named like a credential. */
const CREDENTIAL_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'];

/**
 * The one step that hides secrets before anything reaches a store, a span or a log. It knows the literal
 * secrets of one execution (every value of `options.env`, `settings.env`, MCP servers' `env` and `headers`, values
 * under credential keys and after credential flags, `redaction.secrets`, and the process's credential variables:
 * `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` and any named like a credential) and the shapes of secrets (see
 * `RULES`), and replaces them with `[redacted]` in one pass over each string. `options.redaction` configures it.
 */
export class Redactor {
  readonly enabled: boolean;
  readonly #scan: RegExp | undefined;
  readonly #extra: readonly RegExp[];

  /** `options`: the execution's (their secrets become known); `env`: the process environment to take credentials from. */
  constructor(options: CliAgentOptions = {}, env: Record<string, string | undefined> = process.env) {
    const config = RedactionConfigSchema.safeParse(options.redaction ?? {});
    const redaction = config.success ? config.data : {};
    this.enabled = redaction.enabled !== false;
    this.#extra = (redaction.patterns ?? []).map(
      (re) => new RegExp(re.source, `${re.flags.replace(/[gy]/g, '')}g`),
    );
    if (!this.enabled) {
      this.#scan = undefined;
      return;
    }
    const secrets = new Set<string>();
    collect(options, false, secrets);
    for (const [name, value] of Object.entries(env))
      if (value && (CREDENTIAL_ENV.includes(name) || isCredentialKey(name))) secrets.add(value);
    const literals = [...secrets].filter((s) => s.length >= MIN_SECRET_LENGTH);
    literals.push(...(redaction.secrets ?? []));
    literals.sort((a, b) => b.length - a.length);
    const known = literals.length > 0 ? `(?:${literals.map(escapeRegExp).join('|')})|` : '';
    this.#scan = new RegExp(`${known}${RULES.join('|')}`, 'g');
  }

  /** `text` with every known secret and secret shape replaced. */
  text(text: string): string {
    if (!this.enabled || text === '') return text;
    let out = text.replace(this.#scan as RegExp, replaceMatch);
    for (const re of this.#extra) out = out.replace(re, REDACTED);
    return out;
  }

  /**
   * A JSON-safe copy of `value` with secrets hidden: every string as `text`, and whole values where a key names a
   * credential (`apiKey`, `token`, `password`, `authorization`, ... at any depth), in `env` and `headers` maps, and
   * after a credential flag in an argument list (`['--token', VALUE]`). Numbers and booleans stay. Disabled: `value`.
   */
  value<T>(value: T): T {
    if (!this.enabled) return value;
    return this.#walk(value, false, 'mask', new WeakSet()) as T;
  }

  /**
   * Options as a store or a trace keeps them: JSON-safe, `redaction` left out, secrets hidden as in
   * `value` (a `settings` JSON string is redacted as JSON; a JSON schema only as text, its keys are field names).
   * `mask` keeps the keys of `env`, `headers` and credential fields with `[redacted]` values, so a reader sees what
   * was configured; `drop` leaves them out, so the options can be used again (pass the secrets anew).
   */
  options(options: CliAgentOptions, form: 'mask' | 'drop' = 'mask'): Record<string, unknown> {
    const { redaction: _redaction, settings, jsonSchema, ...rest } = options;
    const out = this.#walk(rest, false, form, new WeakSet()) as Record<string, unknown>;
    if (jsonSchema !== undefined) out.jsonSchema = this.#walk(jsonSchema, false, 'text', new WeakSet());
    if (typeof settings === 'string') {
      const parsed = parseObject(settings);
      out.settings = parsed
        ? JSON.stringify(this.#walk(parsed, false, form, new WeakSet()))
        : this.text(settings);
    } else if (settings !== undefined) {
      out.settings = this.#walk(settings, false, form, new WeakSet());
    }
    return out;
  }

  /** `secret`: under a credential key. `text`: strings only, keys mean nothing (a schema's field names). */
  #walk(
    value: unknown,
    secret: boolean,
    form: 'mask' | 'drop' | 'text',
    seen: WeakSet<object>,
    depth = 0,
  ): unknown {
    if (depth > MAX_DEPTH) return TOO_DEEP;
    if (typeof value === 'string') return secret && value !== '' ? REDACTED : this.text(value);
    if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
    if (typeof value === 'bigint') return secret ? REDACTED : value.toString();
    if (value === null || typeof value !== 'object') return value;
    const json = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') return this.#walk(json.call(value), secret, form, seen, depth + 1);
    if (seen.has(value)) return undefined;
    seen.add(value);
    try {
      // `drop` is what a store may keep at all, so it holds even with redaction off.
      const structural = form === 'drop' || (this.enabled && form === 'mask');
      if (Array.isArray(value)) {
        return value.map((v, i) => {
          const afterFlag = structural && i > 0 && isCredentialFlag(value[i - 1]);
          return this.#walk(v, secret || afterFlag, form, seen, depth + 1) ?? null;
        });
      }
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const keySecret = structural && ((SECRET_MAPS.has(key) && isRecord(v)) || isCredentialKey(key));
        if (keySecret && form === 'drop') continue;
        const r = this.#walk(v, secret || keySecret, form, seen, depth + 1);
        if (r !== undefined) out[key] = r;
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
}

/** Adds the literal secrets of `value` to `out`: what `Redactor.value` would hide whole, and flag values in text. */
function collect(
  value: unknown,
  secret: boolean,
  out: Set<string>,
  seen = new WeakSet<object>(),
  depth = 0,
): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    if (secret) out.add(value);
    else for (const re of IN_TEXT) for (const m of value.matchAll(re)) out.add(m[2] as string);
    const parsed = secret ? undefined : parseObject(value);
    if (parsed) collect(parsed, false, out, seen, depth + 1);
    return;
  }
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      collect(v, secret || (i > 0 && isCredentialFlag(value[i - 1])), out, seen, depth + 1);
    });
    return;
  }
  for (const [key, v] of Object.entries(value))
    collect(v, secret || (SECRET_MAPS.has(key) && isRecord(v)) || isCredentialKey(key), out, seen, depth + 1);
}

/**
 * How deep a value is walked. A tool can print JSON nested thousands of levels deep, which the parser reads but
 * nothing recursive (this walk, `JSON.stringify`, `structuredClone` in the stores) can take: below this depth a
 * value is kept as {@link TOO_DEEP}, so what is stored and traced stays storable.
 */
export const MAX_DEPTH = 256;
/** What stands for a value nested deeper than {@link MAX_DEPTH}. */
export const TOO_DEEP = '[nested too deep]';

/** Secrets inside option strings that become known values: URL passwords and credential flag values. */
const IN_TEXT = [new RegExp(URL_PASSWORD, 'g'), new RegExp(FLAG_VALUE, 'g')];

/** The replacement of one match of the combined scan: a rule keeps its prefix, a known secret goes whole. */
function replaceMatch(_match: string, ...groups: unknown[]): string {
  for (let i = 0; i < RULE_GROUPS; i += 2) if (groups[i + 1] !== undefined) return `${groups[i]}${REDACTED}`;
  return REDACTED;
}

function isCredentialFlag(value: unknown): boolean {
  return typeof value === 'string' && CREDENTIAL_FLAG.test(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A JSON object given as a string (a `settings` value), else undefined. */
function parseObject(text: string): Record<string, unknown> | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
