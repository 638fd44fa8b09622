import { z } from 'zod';
import type { PermissionUpdate } from './permissions.ts';

/** The hook events the pinned CLI (2.1.332) fires, in its order. */
export const HOOK_EVENTS = [
  'PreToolUse',
  'PostToolUse',
  'PostToolUseFailure',
  'PostToolBatch',
  'Notification',
  'UserPromptSubmit',
  'UserPromptExpansion',
  'SessionStart',
  'SessionEnd',
  'Stop',
  'StopFailure',
  'SubagentStart',
  'SubagentStop',
  'PreCompact',
  'PostCompact',
  'PreModelSwitch',
  'PostModelSwitch',
  'PermissionRequest',
  'PermissionDenied',
  'Setup',
  'TeammateIdle',
  'TaskCreated',
  'TaskCompleted',
  'Elicitation',
  'ElicitationResult',
  'ConfigChange',
  'WorktreeCreate',
  'WorktreeRemove',
  'InstructionsLoaded',
  'CwdChanged',
  'FileChanged',
  'DirectoryAdded',
  'MessageDisplay',
  'PreSkillShellCommand',
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** What every hook input carries. */
export interface BaseHookInput {
  session_id: string;
  transcript_path: string;
  cwd: string;
  permission_mode?: string;
  /** Set when the hook fires inside a subagent. */
  agent_id?: string;
  agent_type?: string;
  [field: string]: unknown;
}

/** Where an `mcp__*` tool comes from (`sdk`: an in-process server of this process). */
export interface McpServerProvenance {
  name: string;
  source: string;
}

/** The inputs of the common events, as the CLI sends them (snake case, as on the wire). */
export interface KnownHookInputs {
  PreToolUse: {
    tool_name: string;
    tool_input: unknown;
    tool_use_id: string;
    mcp_server?: McpServerProvenance;
  };
  PostToolUse: {
    tool_name: string;
    tool_input: unknown;
    tool_response: unknown;
    tool_use_id: string;
    duration_ms?: number;
    mcp_server?: McpServerProvenance;
  };
  PostToolUseFailure: {
    tool_name: string;
    tool_input: unknown;
    tool_use_id: string;
    error: string;
    is_interrupt?: boolean;
    duration_ms?: number;
  };
  UserPromptSubmit: { prompt: string };
  Notification: { message: string; title?: string; notification_type: string };
  Stop: { stop_hook_active: boolean; last_assistant_message?: string };
  SubagentStart: { agent_id: string; agent_type: string };
  SubagentStop: {
    stop_hook_active: boolean;
    agent_id: string;
    agent_type: string;
    agent_transcript_path: string;
    last_assistant_message?: string;
  };
  SessionStart: { source: 'startup' | 'resume' | 'clear' | 'compact' | 'fork'; model?: string };
  SessionEnd: { reason: string };
  PreCompact: { trigger: 'manual' | 'auto'; custom_instructions: string | null };
  PermissionRequest: {
    tool_name: string;
    tool_input: unknown;
    permission_suggestions?: PermissionUpdate[];
    mcp_server?: McpServerProvenance;
  };
}

/** The input of one event: typed for the common ones, open (`BaseHookInput`) for the rest. */
export type HookInputOf<E extends HookEvent> = BaseHookInput & {
  hook_event_name: E;
} & (E extends keyof KnownHookInputs ? KnownHookInputs[E] : unknown);

/** Any hook input, discriminated on `hook_event_name`. */
export type HookInput = { [E in HookEvent]: HookInputOf<E> }[HookEvent];

/** What a `PreToolUse` hook may decide about the tool call (`defer`: leave it to the next rule or hook). */
export type HookPermissionDecision = 'allow' | 'deny' | 'ask' | 'defer';

/** The event-specific part of a hook's answer; `hookEventName` must name the event the hook was called for. */
export type HookSpecificOutput =
  | {
      hookEventName: 'PreToolUse';
      permissionDecision?: HookPermissionDecision;
      permissionDecisionReason?: string;
      /** The tool's whole input, replacing the model's. */
      updatedInput?: Record<string, unknown>;
      additionalContext?: string;
    }
  | {
      hookEventName: 'PostToolUse';
      additionalContext?: string;
      /** For MCP tools: the result the model sees instead of the tool's. */
      updatedMCPToolOutput?: unknown;
    }
  | { hookEventName: 'UserPromptSubmit'; additionalContext?: string }
  | { hookEventName: 'SessionStart'; additionalContext?: string }
  | {
      hookEventName: 'PermissionRequest';
      decision:
        | {
            behavior: 'allow';
            updatedInput?: Record<string, unknown>;
            updatedPermissions?: PermissionUpdate[];
          }
        | { behavior: 'deny'; message?: string; interrupt?: boolean };
    }
  | {
      hookEventName: Exclude<
        HookEvent,
        'PreToolUse' | 'PostToolUse' | 'UserPromptSubmit' | 'SessionStart' | 'PermissionRequest'
      >;
      [field: string]: unknown;
    };

/**
 * A hook's answer. `{}` lets things go on as they would. `continue: false` stops the turn (`stopReason` says why);
 * `decision: 'block'` with a `reason` blocks what the event guards (a tool call, a prompt, stopping); `systemMessage`
 * is shown to the user; `hookSpecificOutput` carries the event's own fields (PreToolUse `permissionDecision`).
 */
export interface HookOutput {
  continue?: boolean;
  suppressOutput?: boolean;
  stopReason?: string;
  decision?: 'approve' | 'block';
  reason?: string;
  systemMessage?: string;
  hookSpecificOutput?: HookSpecificOutput;
}

/** A hook callback, run in the caller's process and in the trace context of the turn. */
export type HookCallback<E extends HookEvent = HookEvent> = (
  input: HookInputOf<E>,
  toolUseId: string | undefined,
  context: { signal: AbortSignal },
) => Promise<HookOutput> | HookOutput;

/** The callbacks of one event that a `matcher` selects. */
export interface HookMatcher<E extends HookEvent = HookEvent> {
  /** For tool events, which tools (`Bash`, `Write|Edit`, a regular expression); all when absent. */
  matcher?: string;
  hooks: HookCallback<E>[];
  /**
   * How long each callback may take, in ms (default 60 000). Past it the callback's signal is aborted and the
   * failure recorded; the CLI, given the same limit in whole seconds, then treats the hook as one that did not
   * answer (for PreToolUse: the tool call is not executed).
   */
  timeoutMs?: number;
  /**
   * What a callback that throws or returns an invalid answer does: `continue` (the CLI's default) reports it and
   * goes on; `block` blocks what the event guards (the tool call, the prompt). Ignored by the CLI on Stop,
   * SubagentStop, TaskCompleted and TeammateIdle.
   */
  onFailure?: 'continue' | 'block';
}

/** Hook callbacks by event, registered with the CLI when it starts (`initialize`). */
export type HookMatchers = { [E in HookEvent]?: HookMatcher<E>[] };

/** The default of `HookMatcher.timeoutMs`: the CLI's own default for hooks. */
export const DEFAULT_HOOK_TIMEOUT_MS = 60_000;

const permissionDecision = z.enum(['allow', 'deny', 'ask', 'defer']);

/** The `hookSpecificOutput`s that can steer a tool call or a permission: strict, so a misspelt decision is caught. */
const steeringOutputs = {
  PreToolUse: z.strictObject({
    hookEventName: z.literal('PreToolUse'),
    permissionDecision: permissionDecision.optional(),
    permissionDecisionReason: z.string().optional(),
    updatedInput: z.record(z.string(), z.unknown()).optional(),
    additionalContext: z.string().optional(),
  }),
  PermissionRequest: z.strictObject({
    hookEventName: z.literal('PermissionRequest'),
    decision: z.discriminatedUnion('behavior', [
      z.strictObject({
        behavior: z.literal('allow'),
        updatedInput: z.record(z.string(), z.unknown()).optional(),
        updatedPermissions: z.array(z.record(z.string(), z.unknown())).optional(),
      }),
      z.strictObject({
        behavior: z.literal('deny'),
        message: z.string().optional(),
        interrupt: z.boolean().optional(),
      }),
    ]),
  }),
} as const;

/**
 * The schema of a hook's answer to `event`. The top level is strict (a misspelt `continue` or `decision` would
 * silently do nothing); `hookSpecificOutput` must name `event`, and is strict for the events whose output decides a
 * tool call, open for the others (their fields vary by CLI version).
 */
export function hookOutputSchema(event: string) {
  const specific =
    steeringOutputs[event as keyof typeof steeringOutputs] ??
    z.looseObject({ hookEventName: z.literal(event as HookEvent) });
  return z.strictObject({
    continue: z.boolean().optional(),
    suppressOutput: z.boolean().optional(),
    stopReason: z.string().optional(),
    decision: z.enum(['approve', 'block']).optional(),
    reason: z.string().optional(),
    systemMessage: z.string().optional(),
    hookSpecificOutput: specific.optional(),
  });
}
