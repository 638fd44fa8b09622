/** Hook callbacks run in the caller's process, registered with the CLI in `initialize`. Refined by the host-callback work. */
export type HookCallback = (
  input: Record<string, unknown>,
  toolUseId: string | undefined,
  init: { signal: AbortSignal },
) => Promise<Record<string, unknown>>;

export interface HookMatcher {
  matcher?: string;
  hooks: HookCallback[];
  timeoutMs?: number;
}

export type HookMatchers = Partial<Record<string, HookMatcher[]>>;
