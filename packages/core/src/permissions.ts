import { z } from 'zod';
import { PERMISSION_MODES, type PermissionMode } from './options.ts';

/** Where a permission update is saved: a settings file, or only this session / this process's flags. */
export type PermissionUpdateDestination =
  | 'userSettings'
  | 'projectSettings'
  | 'localSettings'
  | 'session'
  | 'cliArg';

/** A permission rule: a tool, and optionally what it is applied to (`Bash` + `npm test:*`). */
export interface PermissionRuleValue {
  toolName: string;
  ruleContent?: string;
}

/**
 * A change to the CLI's permission rules, as the CLI suggests it (`suggestions`) and takes it back with an allow
 * (`updatedPermissions`): return the suggestions to "always allow" what was asked.
 */
export type PermissionUpdate =
  | {
      type: 'addRules' | 'replaceRules' | 'removeRules';
      rules: PermissionRuleValue[];
      behavior: 'allow' | 'deny' | 'ask';
      destination: PermissionUpdateDestination;
    }
  | { type: 'setMode'; mode: PermissionMode; destination: PermissionUpdateDestination }
  | {
      type: 'addDirectories' | 'removeDirectories';
      directories: string[];
      destination: PermissionUpdateDestination;
    };

/** What the CLI tells us about a tool call it asks about, besides the tool's name and input. */
export interface CanUseToolContext {
  /** Aborted when the CLI withdraws the question, or when `canUseToolTimeoutMs` passes. */
  signal: AbortSignal;
  /** Rule changes that would stop the CLI asking again (return them as `updatedPermissions` to apply them). */
  suggestions?: PermissionUpdate[];
  /** The `tool_use` block's id. */
  toolUseId?: string;
  /** The path outside the allowed directories that made the CLI ask, if that is why. */
  blockedPath?: string;
  /** Why the CLI asks (text for a person; may hold terminal escapes). */
  decisionReason?: string;
  /** The question as a sentence ("Claude wants to read foo.txt"), and the action as a short phrase ("Read file"). */
  title?: string;
  displayName?: string;
  description?: string;
  /** For `mcp__*` tools: the server, and where it was configured (`sdk` for this process's in-process servers). */
  mcpServer?: { name: string; source: string };
}

/**
 * The answer to a permission question. `allow` runs the tool, with `updatedInput` in place of the model's input
 * when given (the whole input, not a patch), and applies `updatedPermissions`. `deny` refuses the call: `message`
 * goes to the model as the tool's result; `interrupt` also ends the turn.
 */
export type PermissionResult =
  | { behavior: 'allow'; updatedInput?: Record<string, unknown>; updatedPermissions?: PermissionUpdate[] }
  | { behavior: 'deny'; message: string; interrupt?: boolean };

/**
 * Asked by the CLI before it runs a tool that its rules (`allowedTools`, `disallowedTools`, `permissionMode`,
 * settings) do not already allow or deny; ccflow starts the CLI with `--permission-prompt-tool stdio` when it is set.
 * Runs in the caller's process, in the trace context of the turn. A callback that throws, returns something that is
 * not a `PermissionResult`, or does not answer within `canUseToolTimeoutMs` denies the call (see `HostCallbackError`).
 */
export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  context: CanUseToolContext,
) => Promise<PermissionResult> | PermissionResult;

/**
 * How long a `canUseTool` answer is waited for by default before the call is denied: the CLI itself never gives up
 * on a permission question, so without a limit a callback that hangs would hang the turn. A callback that asks a
 * person should set `canUseToolTimeoutMs` to what that takes (or `Infinity`).
 */
export const DEFAULT_CAN_USE_TOOL_TIMEOUT_MS = 60_000;

const destination = z.enum(['userSettings', 'projectSettings', 'localSettings', 'session', 'cliArg']);
const rule = z.strictObject({ toolName: z.string(), ruleContent: z.string().optional() });

/** A `PermissionUpdate`, checked before it is handed to the CLI. */
export const PermissionUpdateSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.enum(['addRules', 'replaceRules', 'removeRules']),
    rules: z.array(rule),
    behavior: z.enum(['allow', 'deny', 'ask']),
    destination,
  }),
  z.strictObject({
    type: z.literal('setMode'),
    mode: z.enum(PERMISSION_MODES),
    destination,
  }),
  z.strictObject({
    type: z.enum(['addDirectories', 'removeDirectories']),
    directories: z.array(z.string()),
    destination,
  }),
]);

/**
 * A `PermissionResult`, checked before it is handed to the CLI. Strict: a misspelt field (`updatedinput`) would
 * otherwise be dropped, and the tool run with the model's input rather than the edited one.
 */
export const PermissionResultSchema = z.discriminatedUnion('behavior', [
  z.strictObject({
    behavior: z.literal('allow'),
    updatedInput: z.record(z.string(), z.unknown()).optional(),
    updatedPermissions: z.array(PermissionUpdateSchema).optional(),
  }),
  z.strictObject({
    behavior: z.literal('deny'),
    message: z.string(),
    interrupt: z.boolean().optional(),
  }),
]);
