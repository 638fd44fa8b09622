import { ConfigurationError } from './errors.ts';
import type { EffortLevel, ResolvedOptions } from './options.ts';
import type { SecretFiles } from './private-files.ts';

/**
 * How options reach the Claude Code CLI (2.1.331). Every mapping here was checked against the real binary and
 * the Messages API request it sent (`test/options.cli.test.ts`).
 *
 * Why `--flag=value` (one argv element): a value in an element of its own can act as a flag.
 * - Before parsing, the CLI scans raw argv for some flags: an element `--bare` (or `--safe-mode`) anywhere turns
 *   that mode on, so `--append-system-prompt --bare` appends "--bare" AND runs in bare mode (3 tools, a minimal
 *   system prompt); `--append-system-prompt=--bare` only appends it. Checked against the real CLI.
 * - commander reads a following element that starts with `-` as a flag for optional-value flags
 *   (`--debug [filter]`, `--resume [value]`), and variadic flags (`--allowedTools <tools...>`, `--add-dir`,
 *   `--betas`, `--tools`, `--mcp-config`) swallow following elements until one looks like a flag; written as
 *   `--flag=value` a variadic flag takes exactly that one value.
 * The value is everything after the first `=`, verbatim (leading `-`, spaces, quotes, newlines, `$()`, even
 * empty). List options repeat the flag once per value.
 */

/** What the CLI is always given: print mode, NDJSON in and out (the prompt goes on stdin, never in argv). */
export const BASE_CLI_ARGS = [
  '--print',
  '--output-format=stream-json',
  '--input-format=stream-json',
  // stream-json output requires --verbose (without it the CLI exits 1).
  '--verbose',
] as const;

/** The CLI's output cap per API response; there is no flag for it. Ends up as the request's `max_tokens`. */
export const MAX_OUTPUT_TOKENS_ENV = 'CLAUDE_CODE_MAX_OUTPUT_TOKENS';
/** Turns on the file checkpoints that `rewind_files` restores from (no flag exists). */
export const FILE_CHECKPOINTING_ENV = 'CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING';
/** How often the CLI retries a failed API call itself (429, 5xx, 529; each retry is a `system/api_retry` line). */
export const MAX_RETRIES_ENV = 'CLAUDE_CODE_MAX_RETRIES';
/**
 * The CLI's own default is about 10 retries with backoff (over a minute of silence). ccflow asks for 2 unless the
 * caller (`maxRetries`) or the environment says otherwise: longer recovery belongs to `@ccflow/reliability`.
 */
export const DEFAULT_MAX_RETRIES = 2;

/**
 * Variables a parent Claude Code session sets for the commands it runs (its Bash tool). They describe the
 * parent's session, not ours; the CLI itself deletes exactly these before it starts an independent session.
 * 2.1.331 still starts with them (earlier versions refused to start under `CLAUDECODE=1`), but treats itself as
 * a child session.
 */
export const PARENT_SESSION_ENV = [
  'CLAUDECODE',
  'CLAUDE_CODE_SESSION_ID',
  'CLAUDE_CODE_CHILD_SESSION',
  'CLAUDE_CODE_LAUNCHED_BY_SESSION_IDS',
  'CLAUDE_CODE_CHILD_NOTES_DIR',
  'CLAUDE_CODE_SESSION_ATTENDED',
] as const;

/**
 * How to start the CLI for one execution: its argument array, and what travels in the `initialize` request.
 * Values that may hold secrets or be large (system prompts, MCP servers, settings, agents) are written with
 * `files` and passed by path, so none appears in argv (readable by any local user in `/proc/<pid>/cmdline`, and
 * limited to 128 KiB); the JSON schema, which the CLI takes only as a value, goes in `initialize` on stdin.
 *
 * Non-obvious mappings:
 * - `ultrathink`: typing the keyword `ultrathink` in a prompt does NOT raise the effort when the CLI runs under
 *   stream-json (init says `ultrathink_available: false`); it only adds a reminder to the conversation. What the
 *   keyword does in the interactive CLI is run the turn at `xhigh` effort (or keep `max`). So `ultrathink` is
 *   `--effort=xhigh`, unless `effort` is already `max`; the request then carries `output_config.effort`.
 * - `settingSources`: always passed. Without the flag the CLI loads user, project and local settings, CLAUDE.md
 *   files and `.mcp.json`/`~/.claude.json` MCP servers; `--setting-sources=` (empty) loads none of them, which
 *   is our default.
 * - `debug`: the CLI writes debug logs to a file under its config dir; the hidden `--debug-to-stderr` sends them
 *   to stderr (to `host.onStderr`) instead. stdout stays NDJSON either way.
 * - `maxTokens`, `maxRetries`, `enableFileCheckpointing`: environment variables, see {@link buildCliEnv}.
 * - Ours, not flags: `cliPath`, `cwd` (the spawn's working directory), `env`, `timeoutMs`, `idleTimeoutMs`,
 *   `strict`, `toon` and `context` (they shape the prompt: see `preparePrompt`).
 * - `extraArgs`: last, as given (each already checked: see `extra-args.ts`).
 */
export function buildCliLaunch(options: ResolvedOptions, files: SecretFiles): CliLaunch {
  const args: string[] = [...BASE_CLI_ARGS];
  const initialize: Record<string, unknown> = {};
  const value = (flag: string, field: string, v: string | number) => {
    const s = String(v);
    if (s.includes('\0'))
      throw new ConfigurationError({ field, problem: 'must not contain a NUL character' });
    args.push(`--${flag}=${s}`);
  };
  const each = (flag: string, field: string, vs: readonly string[] | undefined) => {
    for (const [i, v] of (vs ?? []).entries()) value(flag, `${field}.${i}`, v);
  };
  const json = (v: string | Record<string, unknown>) => (typeof v === 'string' ? v : JSON.stringify(v));

  // model
  if (options.model !== undefined) value('model', 'model', options.model);
  if (options.fallbackModel !== undefined) value('fallback-model', 'fallbackModel', options.fallbackModel);
  const effort = effectiveEffort(options);
  if (effort !== undefined) value('effort', options.ultrathink ? 'ultrathink' : 'effort', effort);
  // The CLI sends only the betas it supports (2.1.331: context-1m-2025-08-07) and warns on stderr for others.
  each('betas', 'betas', options.betas);

  // prompt: in files, never in argv (see `PrivateFiles`); the schema, which has no file form, in `initialize`
  if (options.systemPrompt !== undefined) {
    value('system-prompt-file', 'systemPrompt', files.write('system-prompt.txt', options.systemPrompt));
  }
  if (options.appendSystemPrompt !== undefined) {
    const path = files.write('append-system-prompt.txt', options.appendSystemPrompt);
    value('append-system-prompt-file', 'appendSystemPrompt', path);
  }
  if (options.jsonSchema !== undefined) {
    initialize.jsonSchema =
      typeof options.jsonSchema === 'string' ? parseSchema(options.jsonSchema) : options.jsonSchema;
  }

  // permissions and tools
  if (options.permissionMode !== undefined)
    value('permission-mode', 'permissionMode', options.permissionMode);
  if (options.dangerouslySkipPermissions) args.push('--dangerously-skip-permissions');
  // The CLI splits each value on commas and on spaces outside parentheses: `Bash(git *)` stays one rule.
  each('allowedTools', 'allowedTools', options.allowedTools);
  each('disallowedTools', 'disallowedTools', options.disallowedTools);
  if (options.tools !== undefined) {
    if (options.tools.length === 0) args.push('--tools=');
    else each('tools', 'tools', options.tools);
  }
  if (options.agents !== undefined) {
    value('agents', 'agents', files.write('agents.json', JSON.stringify(options.agents)));
  }
  if (options.agent !== undefined) value('agent', 'agent', options.agent);
  if (options.mcpServers !== undefined && Object.keys(options.mcpServers).length > 0) {
    const path = files.write('mcp-config.json', JSON.stringify(mcpConfig(options.mcpServers)));
    value('mcp-config', 'mcpServers', path);
  }
  if (options.strictMcp) args.push('--strict-mcp-config');

  // session
  if (options.sessionId !== undefined) value('session-id', 'sessionId', options.sessionId);
  if (options.resume !== undefined) value('resume', 'resume', options.resume);
  // Hidden from --help in 2.1.331; needs --resume.
  if (options.resumeSessionAt !== undefined)
    value('resume-session-at', 'resumeSessionAt', options.resumeSessionAt);
  if (options.continueSession) args.push('--continue');
  if (options.forkSession) args.push('--fork-session');
  if (options.noSessionPersistence) args.push('--no-session-persistence');

  // limits (`--max-turns` works but is hidden from --help)
  if (options.maxTurns !== undefined) value('max-turns', 'maxTurns', options.maxTurns);
  if (options.maxBudgetUsd !== undefined) value('max-budget-usd', 'maxBudgetUsd', options.maxBudgetUsd);

  // process
  each('add-dir', 'addDirs', options.addDirs);
  // A settings path is passed as it is; settings given as JSON (they may hold `env`) go in a file.
  if (options.settings !== undefined) {
    const { settings } = options;
    const inline = typeof settings !== 'string' || settings.trimStart().startsWith('{');
    value('settings', 'settings', inline ? files.write('settings.json', json(settings)) : settings);
  }
  value('setting-sources', 'settingSources', (options.settingSources ?? []).join(','));

  // output
  if (options.includePartial) args.push('--include-partial-messages');
  if (options.debug !== undefined && options.debug !== false) {
    if (options.debug === true) args.push('--debug');
    else value('debug', 'debug', options.debug);
    args.push('--debug-to-stderr');
  }

  // flags ccflow does not model
  if (options.extraArgs !== undefined) args.push(...options.extraArgs);
  return { args, initialize: Object.keys(initialize).length > 0 ? initialize : undefined };
}

/** How to start the CLI for some options: its argv, and what its `initialize` request carries. */
export interface CliLaunch {
  args: string[];
  /** Fields of the `initialize` control request, sent on stdin before the prompt, when an option travels there. */
  initialize: Record<string, unknown> | undefined;
}

function parseSchema(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError({ field: 'jsonSchema', problem: `not JSON: ${(error as Error).message}` });
  }
}

/** `ultrathink` raises the effort to `xhigh` (what the keyword does in the CLI); `max` stays `max`. */
export function effectiveEffort(
  options: Pick<ResolvedOptions, 'effort' | 'ultrathink'>,
): EffortLevel | undefined {
  if (!options.ultrathink) return options.effort;
  return options.effort === 'max' ? 'max' : 'xhigh';
}

type McpConfigEntry =
  | { type: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { type: 'sse' | 'http'; url: string; headers: Record<string, string> };

/** The `--mcp-config` document: `{"mcpServers": {name: {type, ...}}}`, as in a `.mcp.json` file. */
export function mcpConfig(servers: NonNullable<ResolvedOptions['mcpServers']>): {
  mcpServers: Record<string, McpConfigEntry>;
} {
  const mcpServers: Record<string, McpConfigEntry> = {};
  for (const [name, server] of Object.entries(servers)) {
    mcpServers[name] =
      server.transport === 'sse' || server.transport === 'http'
        ? { type: server.transport, url: server.url, headers: server.headers }
        : { type: 'stdio', command: server.command, args: server.args, env: server.env };
  }
  return { mcpServers };
}

/**
 * The CLI's environment: the parent's, then `options.env` over it, then the variables of `maxTokens`
 * (`CLAUDE_CODE_MAX_OUTPUT_TOKENS`, the request's `max_tokens`; no flag exists) and `maxRetries`
 * (`CLAUDE_CODE_MAX_RETRIES`, default {@link DEFAULT_MAX_RETRIES} when neither sets it), which win over both. The parent Claude Code session's markers
 * ({@link PARENT_SESSION_ENV}, `CLAUDECODE` among them) are dropped, even when `options.env` carries them.
 */
export function buildCliEnv(
  options: ResolvedOptions,
  parent: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (k.includes('\0') || k.includes('=') || v.includes('\0')) {
      throw new ConfigurationError({
        field: `env.${k}`,
        problem: 'names must not contain "=" or NUL, values must not contain NUL',
      });
    }
    env[k] = v;
  }
  if (options.maxTokens !== undefined) env[MAX_OUTPUT_TOKENS_ENV] = String(options.maxTokens);
  if (options.enableFileCheckpointing) env[FILE_CHECKPOINTING_ENV] = 'true';
  if (options.maxRetries !== undefined) env[MAX_RETRIES_ENV] = String(options.maxRetries);
  else env[MAX_RETRIES_ENV] ??= String(DEFAULT_MAX_RETRIES);
  for (const k of PARENT_SESSION_ENV) delete env[k];
  return env;
}
