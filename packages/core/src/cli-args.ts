import type { ResolvedOptions } from './options.ts';

/**
 * The CLI's argument array for one execution. Always `--print` with stream-json in and out (the prompt goes on
 * stdin as a JSON user line, never in argv). Values are passed as `--flag=value`, so a value starting with `-`
 * cannot be read as another flag.
 */
export function buildCliArgs(options: ResolvedOptions): string[] {
  const args = ['--print', '--output-format=stream-json', '--input-format=stream-json', '--verbose'];
  if (options.model) args.push(`--model=${options.model}`);
  if (options.systemPrompt !== undefined) args.push(`--system-prompt=${options.systemPrompt}`);
  if (options.appendSystemPrompt !== undefined)
    args.push(`--append-system-prompt=${options.appendSystemPrompt}`);
  if (options.permissionMode) args.push(`--permission-mode=${options.permissionMode}`);
  if (options.sessionId) args.push(`--session-id=${options.sessionId}`);
  if (options.resume) args.push(`--resume=${options.resume}`);
  if (options.includePartial) args.push('--include-partial-messages');
  return args;
}

/**
 * The CLI's environment: the parent's, then `options.env` over it. `CLAUDECODE` is dropped: inherited from a
 * Claude Code session, it makes the CLI refuse to start.
 */
export function buildCliEnv(
  options: ResolvedOptions,
  parent: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined) env[k] = v;
  Object.assign(env, options.env);
  delete env.CLAUDECODE;
  return env;
}
