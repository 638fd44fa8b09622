import { z } from 'zod';
import { ConfigurationError } from './errors.ts';
import { extraArgProblem } from './extra-args.ts';
import { nearestName } from './nearest-name.ts';
import { RedactionConfigSchema } from './redaction.ts';

/**
 * Permission modes the Claude Code CLI accepts (2.1.331). The reference's `delegate` has no CLI counterpart and is
 * refused with a clear error rather than passed through.
 */
export const PERMISSION_MODES = [
  'default',
  'plan',
  'dontAsk',
  'acceptEdits',
  'bypassPermissions',
  'auto',
  'manual',
] as const;
export type PermissionMode = (typeof PERMISSION_MODES)[number];

export const EFFORT_LEVELS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
export type EffortLevel = (typeof EFFORT_LEVELS)[number];

export const SETTING_SOURCES = ['user', 'project', 'local'] as const;
export type SettingSource = (typeof SETTING_SOURCES)[number];

const stringMap = z.record(z.string(), z.string());
const nonEmpty = z.string().min(1, 'must not be empty');

/** An MCP server for `--mcp-config`: a local command (stdio) or a remote endpoint (sse, http). */
export const McpServerConfigSchema = z.discriminatedUnion('transport', [
  z.strictObject({
    transport: z.literal('stdio').default('stdio'),
    command: nonEmpty,
    args: z.array(z.string()).default([]),
    env: stringMap.default({}),
  }),
  z.strictObject({ transport: z.literal('sse'), url: z.url(), headers: stringMap.default({}) }),
  z.strictObject({ transport: z.literal('http'), url: z.url(), headers: stringMap.default({}) }),
]);
export type McpServerConfig = z.input<typeof McpServerConfigSchema>;

/**
 * How a turn's `context` object is encoded into the prompt (see `withContext`). The reference's
 * `encodeToolResults` is gone: the CLI runs the tools and writes their results, ccflow cannot re-encode them.
 */
export const ToonConfigSchema = z.strictObject({
  /** Default `CCFLOW_TOON_ENABLED` (true); off, the context is sent as compact JSON. */
  enabled: z.boolean().optional(),
  delimiter: z.enum([',', '\t', '|']).default(','),
  indent: z.int().min(0).max(8).default(2),
  lengthMarker: z.boolean().default(false),
  encodeContext: z.boolean().default(true),
  /** Count what TOON saved, in a session's `toonSavings`. */
  trackSavings: z.boolean().default(true),
});
export type ToonConfig = z.output<typeof ToonConfigSchema>;

/** A custom agent for `--agents`. */
export const AgentDefinitionSchema = z.looseObject({
  description: nonEmpty,
  prompt: nonEmpty,
  tools: z.array(z.string()).optional(),
  model: z.string().optional(),
});

const toolPattern = z
  .string()
  .min(1, 'tool names must not be empty')
  .refine((s) => !s.includes(','), 'a tool pattern cannot contain a comma (the CLI splits on commas)');

const jsonObject = z.record(z.string(), z.unknown());

const extraArg = z.string().superRefine((arg, ctx) => {
  const problem = extraArgProblem(arg);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/**
 * The options that are plain data about the run: what a session store keeps and what may travel to another machine
 * (after redaction, see `Redactor`). The other options are structurally apart: those a session sets per turn, and
 * those of this process only.
 */
export const StorableOptionsSchema = z.strictObject({
  // model
  model: nonEmpty.optional(),
  fallbackModel: nonEmpty.optional(),
  effort: z.enum(EFFORT_LEVELS).optional(),
  /** Deep reasoning: what the CLI's `ultrathink` keyword does, i.e. `xhigh` effort (`max` stays `max`). */
  ultrathink: z.boolean().default(false),
  /** Output cap per API response (the CLI reads `CLAUDE_CODE_MAX_OUTPUT_TOKENS`). */
  maxTokens: z.int().positive().optional(),
  betas: z.array(nonEmpty).optional(),

  // prompt
  systemPrompt: z.string().optional(),
  appendSystemPrompt: z.string().optional(),
  jsonSchema: z.union([nonEmpty, jsonObject]).optional(),

  // permissions and tools
  permissionMode: z
    .enum(PERMISSION_MODES, {
      error: (issue) =>
        issue.input === 'delegate'
          ? `'delegate' is not a permission mode of the Claude Code CLI (it accepts ${PERMISSION_MODES.join(', ')})`
          : `must be one of ${PERMISSION_MODES.join(', ')}`,
    })
    .optional(),
  dangerouslySkipPermissions: z.boolean().default(false),
  allowedTools: z.array(toolPattern).optional(),
  disallowedTools: z.array(toolPattern).optional(),
  /** The built-in tools available at all (`[]` for none). */
  tools: z.array(toolPattern).optional(),
  agent: nonEmpty.optional(),
  agents: z.record(z.string(), AgentDefinitionSchema).optional(),
  mcpServers: z.record(nonEmpty, McpServerConfigSchema).optional(),
  strictMcp: z.boolean().default(false),
  /** End the run with `PermissionDeniedError` when the CLI refuses a tool call, instead of letting the turn go on. */
  strictPermissions: z.boolean().optional(),

  noSessionPersistence: z.boolean().default(false),
  /**
   * Keep a copy of each file before Claude edits it, so a live connection can put files back as they were before a
   * user message (`ClaudeConnection.rewindFiles`). `CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING`.
   */
  enableFileCheckpointing: z.boolean().optional(),

  // limits
  maxTurns: z.int().positive().optional(),
  maxBudgetUsd: z.number().positive().optional(),
  /** Wall-clock limit of one execution, in ms (ours). */
  timeoutMs: z.int().positive().optional(),
  /** Stop a CLI that printed nothing for this long, in ms (ours). */
  idleTimeoutMs: z.int().positive().optional(),
  /** How often the CLI itself retries a failed API call (`CLAUDE_CODE_MAX_RETRIES`). */
  maxRetries: z.int().min(0).max(20).optional(),

  // process
  cliPath: nonEmpty.optional(),
  cwd: nonEmpty.optional(),
  addDirs: z.array(nonEmpty).optional(),
  settings: z.union([nonEmpty, jsonObject]).optional(),
  /**
   * Which settings the CLI loads (settings files, CLAUDE.md, MCP servers of `.mcp.json` and `~/.claude.json`).
   * Always passed: unset means none, where the CLI without the flag would load all of them.
   */
  settingSources: z.array(z.enum(SETTING_SOURCES)).optional(),

  /**
   * CLI flags ccflow does not model, after its own: each one element, `--name` or `--name=value`. Flags ccflow sets
   * or that would change how the run works (`--output-format`, `--resume`, `--print`, ...) are refused.
   */
  extraArgs: z.array(extraArg).optional(),

  // output
  includePartial: z.boolean().default(false),
  debug: z.union([z.boolean(), nonEmpty]).optional(),
  /** Throw `ParseError` on a line that is not a message, instead of yielding an `error` message. */
  strict: z.boolean().default(false),

  // context
  toon: ToonConfigSchema.default(ToonConfigSchema.parse({})),
  context: jsonObject.optional(),
});

/** Options a `Session` sets for each turn (which CLI session to start, resume or fork): never stored with it. */
const sessionControlShape = {
  sessionId: z.uuid().optional(),
  /** Resume this session id. */
  resume: nonEmpty.optional(),
  /**
   * With `resume`: take the conversation only up to this message (its `uuid` in the stream-json output), dropping
   * what came after. With `forkSession` this branches from an earlier point of the conversation.
   */
  resumeSessionAt: nonEmpty.optional(),
  /** With `resume`: branch into a new session (its id from `sessionId`, else the CLI's). */
  forkSession: z.boolean().default(false),
  /** Continue the most recent session in `cwd`. */
  continueSession: z.boolean().default(false),
};

/** Options of this process only: never stored, sent to another machine or logged. */
const localShape = {
  /** Merged over the parent's environment. */
  env: stringMap.optional(),
  /** How secrets are hidden in what ccflow stores, traces and logs (see `Redactor`). Never stored itself. */
  redaction: RedactionConfigSchema.optional(),
};

export const CliAgentOptionsSchema = StorableOptionsSchema.extend({ ...sessionControlShape, ...localShape });

/** Options that are plain data, kept by stores (see `StorableOptionsSchema`). */
export type StorableOptions = z.input<typeof StorableOptionsSchema>;

/** The names of the options a `Session` sets per turn (see `CliAgentOptionsSchema`). */
export const SESSION_CONTROL_OPTIONS = Object.freeze(
  Object.keys(sessionControlShape) as (keyof typeof sessionControlShape)[],
);

/** Options as a caller writes them: everything optional. */
export type CliAgentOptions = z.input<typeof CliAgentOptionsSchema>;
/** Options after validation, defaults applied. */
export type ResolvedOptions = z.output<typeof CliAgentOptionsSchema>;

/** Names ccflow does not have (the reference's, or dropped ones) with what to do instead. */
const REPLACED: Record<string, string> = {
  timeout: "use timeoutMs, in milliseconds (the reference's timeout was in seconds)",
  verbose: 'removed: stream-json output needs --verbose, so the CLI always gets it; drop the option',
  onStderr:
    "moved out of the options, which are data: pass it as the request's host ({ host: { onStderr } }) to query, a Session or execute()",
  'toon.encodeToolResults':
    'removed: the CLI runs the tools and writes their results, ccflow cannot encode them; drop the option',
};

/** Option names that were accepted before and are dropped when stored options are read back. */
const DROPPED = ['verbose', 'toon.encodeToolResults'] as const;

/** The names an object at `path` may have, for suggestions. */
function knownKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(CliAgentOptionsSchema.shape);
  if (path.length === 1 && path[0] === 'toon') return Object.keys(ToonConfigSchema.shape);
  if (path.length === 2 && path[0] === 'mcpServers') {
    return [...new Set(McpServerConfigSchema.options.flatMap((o) => Object.keys(o.shape)))];
  }
  return [];
}

/** `ConfigurationError` for an unknown name: what replaced it, or the nearest known name. */
function unknownKey(path: readonly PropertyKey[], key: string, cause: unknown): ConfigurationError {
  const field = [...path.map(String), key].join('.');
  const replaced = REPLACED[field];
  if (replaced) return new ConfigurationError({ field, problem: replaced, cause });
  const nearest = nearestName(key, knownKeys(path));
  const what = path.length === 0 ? 'option' : 'field';
  return new ConfigurationError({
    field,
    problem: nearest ? `unknown ${what}; did you mean ${nearest}?` : `unknown ${what}`,
    cause,
  });
}

/** Throws `ConfigurationError` unless `value` is an options object (or `undefined`: no options). */
export function checkOptionsObject(value: unknown): asserts value is CliAgentOptions | undefined {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new ConfigurationError({ field: 'options', problem: `must be an object of options, got ${got}` });
  }
}

/**
 * `options` without the names ccflow has dropped (`verbose`, `toon.encodeToolResults`), which `resolveOptions`
 * refuses: for options stored by an earlier version (a session's), so they still load.
 */
export function withoutRemovedOptions<T extends object>(options: T): T {
  const out = { ...options } as Record<string, unknown>;
  for (const name of DROPPED) {
    const [head, tail] = name.split('.') as [string, string | undefined];
    if (tail === undefined) delete out[head];
    else if (typeof out[head] === 'object' && out[head] !== null) {
      const { [tail]: _dropped, ...rest } = out[head] as Record<string, unknown>;
      out[head] = rest;
    }
  }
  return out as T;
}

/**
 * Validates options once, applying defaults. Throws `ConfigurationError` naming the first bad field
 * (e.g. `mcpServers.db.url`); an unknown name is refused with the option that replaced it or the nearest known one
 * (`maxBudgetUSD` → `maxBudgetUsd`). Resolved options pass through unchanged.
 */
export function resolveOptions(options: CliAgentOptions = {}): ResolvedOptions {
  checkOptionsObject(options);
  const parsed = CliAgentOptionsSchema.safeParse(options);
  if (parsed.success) {
    const o = parsed.data;
    if (o.resumeSessionAt !== undefined && o.resume === undefined) {
      throw new ConfigurationError({
        field: 'resumeSessionAt',
        problem: 'needs resume: the session to take the conversation from',
      });
    }
    if (o.forkSession && o.resume === undefined && !o.continueSession) {
      throw new ConfigurationError({
        field: 'forkSession',
        problem: 'needs resume or continueSession to fork from',
      });
    }
    // The CLI refuses this itself ("--session-id with --continue or --resume also needs --fork-session").
    if (o.sessionId !== undefined && (o.resume !== undefined || o.continueSession) && !o.forkSession) {
      throw new ConfigurationError({
        field: 'sessionId',
        problem:
          'with resume or continueSession it names the fork: set forkSession too (a resumed session keeps its id)',
      });
    }
    return o;
  }
  // A misspelt name is the likeliest root of everything else wrong: report it first.
  const issues = parsed.error.issues;
  const unrecognized = issues.find((i) => i.code === 'unrecognized_keys');
  if (unrecognized) throw unknownKey(unrecognized.path, unrecognized.keys[0]!, parsed.error);
  const issue = issues[0]!;
  const field = issue.path.map(String).join('.') || 'options';
  throw new ConfigurationError({ field, problem: issue.message, cause: parsed.error });
}
