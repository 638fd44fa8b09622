/**
 * `extraArgs`: flags of the Claude Code CLI that ccflow does not model (`--include-hook-events`, `--name=x`), passed
 * after its own. Each is one argv element, `--name` or `--name=value`, so a value can never be read as another flag
 * (see `cli-args.ts`). Refused: every flag ccflow sets or owns (the options name the one to use instead), and the
 * flags that would make the run something else than one print-mode turn ccflow reads.
 */

/** Flags ccflow sets itself, each with what to use instead. */
const OWNED: Record<string, string> = {
  print: 'ccflow always runs the CLI in print mode',
  'output-format': 'ccflow reads stream-json output; it is always set',
  'input-format': 'ccflow writes the prompt as stream-json on stdin; it is always set',
  verbose: 'stream-json output needs it, so it is always set',
  model: 'use the model option',
  'fallback-model': 'use the fallbackModel option',
  effort: 'use the effort option',
  betas: 'use the betas option',
  'system-prompt': 'use the systemPrompt option',
  'system-prompt-file': 'use the systemPrompt option',
  'append-system-prompt': 'use the appendSystemPrompt option',
  'append-system-prompt-file': 'use the appendSystemPrompt option',
  'json-schema': 'use the jsonSchema option',
  'permission-mode': 'use the permissionMode option',
  'dangerously-skip-permissions': 'use the dangerouslySkipPermissions option',
  'allowed-tools': 'use the allowedTools option',
  'disallowed-tools': 'use the disallowedTools option',
  tools: 'use the tools option',
  agents: 'use the agents option',
  agent: 'use the agent option',
  'mcp-config': 'use the mcpServers option',
  'strict-mcp-config': 'use the strictMcp option',
  'session-id': 'use the sessionId option',
  resume: 'use the resume option',
  'resume-session-at': 'use the resumeSessionAt option',
  continue: 'use the continueSession option',
  'fork-session': 'use the forkSession option',
  'no-session-persistence': 'use the noSessionPersistence option',
  'max-turns': 'use the maxTurns option',
  'max-budget-usd': 'use the maxBudgetUsd option',
  'add-dir': 'use the addDirs option',
  settings: 'use the settings option',
  'setting-sources': 'use the settingSources option',
  'include-partial-messages': 'use the includePartial option',
  debug: 'use the debug option',
  'debug-to-stderr': 'use the debug option',
};

/** Flags that would make the run something ccflow cannot read or supervise. */
const REFUSED: Record<string, string> = {
  'allow-dangerously-skip-permissions':
    'it offers to bypass every permission check; use dangerouslySkipPermissions',
  'permission-prompt-tool': 'permission prompts would wait for an answer ccflow does not give',
  'sdk-url': 'it moves the CLI’s input and output off the pipes ccflow reads',
  'await-claim': 'the CLI would wait for a claim ccflow does not send',
  help: 'it prints help instead of running',
  version: 'it prints the version instead of running',
  background: 'it starts the session in the background and returns at once',
  bg: 'it starts the session in the background and returns at once',
  cloud: 'it runs the session in the cloud, not in this process',
  environment: 'it runs the session in the cloud, not in this process',
  teleport: 'it resumes an interactive teleport session',
  desktop: 'it opens the Claude Desktop app',
  'remote-control': 'it starts an interactive session',
  'from-pr': 'it resumes a session ccflow did not choose; use the resume option',
  worktree: 'it starts an interactive worktree session',
  tmux: 'it starts an interactive tmux session',
};

/** Compared without case and dashes, as `--allowedTools` and `--allowed-tools` are one flag. */
const key = (name: string) => name.toLowerCase().replace(/-/g, '');
const BLOCKED = new Map<string, string>([
  ...Object.entries(OWNED).map(([name, why]) => [key(name), `--${name} is set by ccflow: ${why}`] as const),
  ...Object.entries(REFUSED).map(([name, why]) => [key(name), `--${name} is refused: ${why}`] as const),
]);

const FLAG = /^--([A-Za-z][A-Za-z0-9-]*)(?:=([\s\S]*))?$/;

/** Why `arg` cannot be an extra argument, or `undefined` when it can. */
export function extraArgProblem(arg: string): string | undefined {
  const match = FLAG.exec(arg);
  if (!match) {
    return `${JSON.stringify(arg)} is not a flag: give each as one element, --name or --name=value (short flags are not accepted)`;
  }
  if (arg.includes('\0')) return 'must not contain a NUL character';
  return BLOCKED.get(key(match[1]!));
}
