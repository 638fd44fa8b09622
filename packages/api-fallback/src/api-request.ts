import type { MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages/messages';
import { ConfigurationError, type Prompt, type ResolvedOptions } from '@ccflow/core';
import { apiModel } from './api-model.ts';

/**
 * What the Messages API path does with each option, by name. Every option of `CliAgentOptions` is here (a test
 * checks), so none is dropped unsaid:
 * - `mapped`: sent to the API as its counterpart;
 * - `ignored`: it governs only the CLI process or its tools, and the API path runs neither: serving the request
 *   without it gives the answer the caller asked for (permissions can only restrict tools, and there are none);
 * - `refused` (when set to anything but its default, or a non-empty list): the answer would differ from what the
 *   caller asked for (tools, MCP servers, agents, a CLI session to resume, a budget the path cannot bound), so the
 *   request is refused with `ConfigurationError` naming the option, before anything is sent.
 */
export const API_OPTION_SUPPORT = {
  model: 'mapped',
  fallbackModel: 'ignored',
  effort: 'mapped',
  ultrathink: 'mapped',
  maxTokens: 'mapped',
  betas: 'mapped',
  systemPrompt: 'mapped',
  appendSystemPrompt: 'mapped',
  jsonSchema: 'mapped',
  permissionMode: 'ignored',
  dangerouslySkipPermissions: 'ignored',
  allowedTools: 'refused',
  disallowedTools: 'ignored',
  tools: 'refused',
  agent: 'refused',
  agents: 'refused',
  mcpServers: 'refused',
  strictMcp: 'ignored',
  strictPermissions: 'ignored',
  noSessionPersistence: 'ignored',
  enableFileCheckpointing: 'ignored',
  maxTurns: 'ignored',
  maxBudgetUsd: 'refused',
  timeoutMs: 'mapped',
  idleTimeoutMs: 'mapped',
  maxRetries: 'mapped',
  cliPath: 'ignored',
  cwd: 'ignored',
  addDirs: 'refused',
  settings: 'refused',
  settingSources: 'refused',
  extraArgs: 'refused',
  includePartial: 'mapped',
  debug: 'ignored',
  strict: 'ignored',
  toon: 'mapped',
  context: 'mapped',
  sessionId: 'mapped',
  resume: 'refused',
  resumeSessionAt: 'refused',
  forkSession: 'refused',
  continueSession: 'refused',
  env: 'ignored',
  redaction: 'ignored',
} as const satisfies Record<keyof ResolvedOptions, 'mapped' | 'ignored' | 'refused'>;

/** Why each refused option cannot be served by the API path. */
const REFUSED: Partial<Record<keyof ResolvedOptions, string>> = {
  allowedTools: 'the Messages API path runs no tools',
  tools: 'the Messages API path runs no tools (only tools: [] can be served)',
  agent: "the Messages API path has no Claude Code agents (their prompts and tools are the CLI's)",
  agents: "the Messages API path has no Claude Code agents (their prompts and tools are the CLI's)",
  mcpServers: 'the Messages API path runs no MCP servers',
  maxBudgetUsd: 'the Messages API path cannot bound the cost of a call before it is made',
  addDirs: 'the Messages API path reads no files',
  settings: "the Messages API path does not read Claude Code's settings",
  settingSources: "the Messages API path does not load Claude Code's settings or CLAUDE.md",
  extraArgs: 'the Messages API path has no CLI to pass flags to',
  resume: 'the Messages API path holds no CLI session to resume',
  resumeSessionAt: 'the Messages API path holds no CLI session to resume',
  forkSession: 'the Messages API path holds no CLI session to fork',
  continueSession: 'the Messages API path holds no CLI session to continue',
};

/** The first refused option `options` sets (see {@link API_OPTION_SUPPORT}), as the error to throw. */
export function unsupportedOption(options: ResolvedOptions): ConfigurationError | undefined {
  for (const [field, problem] of Object.entries(REFUSED) as [keyof ResolvedOptions, string][]) {
    const value = options[field];
    const set = Array.isArray(value)
      ? value.length > 0
      : typeof value === 'object' && value !== null
        ? Object.keys(value).length > 0
        : value !== undefined && value !== false;
    if (set) return new ConfigurationError({ field, problem });
  }
  return undefined;
}

export interface ApiRequestDefaults {
  model: string;
  maxTokens: number;
}

/**
 * The Messages API request for a prompt (context already attached, see `preparePrompt`) and resolved options:
 * - `model`: aliases resolved (see `apiModel`), default `defaults.model`;
 * - `system`: `systemPrompt` then `appendSystemPrompt`, joined by a blank line. The CLI's own default system prompt
 *   (Claude Code's) is not sent: there is no agent here;
 * - `max_tokens`: `maxTokens`, default `defaults.maxTokens`;
 * - `effort` (`ultrathink` is `xhigh`, `max` stays `max`): `output_config.effort`, with adaptive thinking, which is
 *   what effort steers;
 * - `jsonSchema`: structured output, `output_config.format` (the answer's text is the JSON);
 * - `betas`: the `anthropic-beta` header.
 * Throws the `ConfigurationError` of {@link unsupportedOption}, or for a `jsonSchema` string that is not JSON.
 */
export function apiRequest(
  prompt: Prompt,
  options: ResolvedOptions,
  defaults: ApiRequestDefaults,
): { params: MessageCreateParamsBase; headers: Record<string, string> } {
  const refused = unsupportedOption(options);
  if (refused) throw refused;
  const system = [options.systemPrompt, options.appendSystemPrompt].filter(
    (s) => s !== undefined && s !== '',
  );
  const effort = options.ultrathink && options.effort !== 'max' ? 'xhigh' : options.effort;
  const schema = jsonSchema(options.jsonSchema);
  const params: MessageCreateParamsBase = {
    model: apiModel(options.model ?? defaults.model),
    max_tokens: options.maxTokens ?? defaults.maxTokens,
    messages: [{ role: 'user', content: typeof prompt === 'string' ? prompt : [...prompt] }],
    ...(system.length > 0 ? { system: system.join('\n\n') } : {}),
    ...(effort ? { thinking: { type: 'adaptive' as const } } : {}),
    ...(effort || schema
      ? {
          output_config: {
            ...(effort ? { effort } : {}),
            ...(schema ? { format: { type: 'json_schema' as const, schema } } : {}),
          },
        }
      : {}),
  };
  const headers: Record<string, string> = options.betas?.length
    ? { 'anthropic-beta': options.betas.join(',') }
    : {};
  return { params, headers };
}

function jsonSchema(value: ResolvedOptions['jsonSchema']): Record<string, unknown> | undefined {
  if (value === undefined || typeof value === 'object') return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new ConfigurationError({ field: 'jsonSchema', problem: 'is not a JSON object (a JSON Schema)' });
}
