/**
 * Asked by the CLI before it runs a tool that its rules do not already allow or deny (the CLI is started with
 * `--permission-prompt-tool=stdio` when this is set). Refined by the host-callback work.
 */
export type CanUseTool = (
  toolName: string,
  input: Record<string, unknown>,
  init: { signal: AbortSignal; suggestions?: unknown[]; toolUseId?: string },
) => Promise<PermissionResult>;

export type PermissionResult =
  | { behavior: 'allow'; updatedInput?: Record<string, unknown>; updatedPermissions?: unknown[] }
  | { behavior: 'deny'; message: string; interrupt?: boolean };
