/**
 * The runs of the real `claude` CLI against the loopback stand-in that the kit's fixtures are recorded from, and
 * that `cli-drift` replays against a new CLI.
 */
import {
  ClaudeSandbox,
  GATEWAY_ENV,
  MessagesApiStandIn,
  type Responder,
  reply,
  textWithRateLimit,
  usageLimitReply,
} from '../src/index.ts';

export interface Scenario {
  args?: string[];
  stdin?: string;
  replies: Responder[];
  env?: Record<string, string>;
  /** Send SIGINT this many ms after start (the CLI's graceful stop). */
  sigintAfterMs?: number;
}

const schema = JSON.stringify({
  type: 'object',
  properties: { answer: { type: 'number' } },
  required: ['answer'],
});
const hooks = JSON.stringify({
  hooks: {
    PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo pre-tool-hook-ran' }] }],
  },
});
const thinkThenBash = reply.message([
  {
    type: 'thinking',
    thinking: 'The user wants the date; I will run echo.',
    signature: 'c2lnbmF0dXJlLWJhc2g=',
  },
  {
    type: 'tool_use',
    name: 'Bash',
    input: { command: 'echo hi-from-tool', description: 'Print a greeting' },
  },
]);
const partial = ['--include-partial-messages'];
/** A reset time a few hours ahead, on the hour (the CLI only reports resets in the future). */
const resetsAt = (Math.floor(Date.now() / 3_600_000) + 3) * 3_600_000;

export const scenarios: Record<string, Scenario> = {
  text: { replies: [reply.text('Hello from the stand-in. Ünïcødé ✓ 日本語 🚀')] },
  'text-partial': {
    args: partial,
    replies: [reply.text('Hello from the stand-in, streamed in small pieces. ✓ 🚀')],
  },
  thinking: { replies: [reply.thinking('Let me think about 2+2. It is 4.', 'The answer is 4.')] },
  'thinking-partial': {
    args: partial,
    replies: [reply.thinking('Let me think about 2+2 carefully. It is 4.', 'The answer is 4.')],
  },
  'tool-bash': {
    args: ['--allowedTools', 'Bash'],
    replies: [thinkThenBash, reply.text('The tool printed hi-from-tool.')],
  },
  'tool-bash-partial': {
    args: ['--allowedTools', 'Bash', ...partial],
    replies: [thinkThenBash, reply.text('The tool printed hi-from-tool.')],
  },
  'tool-denied': {
    args: ['--permission-mode', 'default'],
    replies: [
      reply.toolUse('Write', { file_path: 'denied.txt', content: 'x' }),
      reply.text('I could not write the file.'),
    ],
  },
  structured: {
    args: ['--json-schema', schema],
    replies: [reply.toolUse('StructuredOutput', { answer: 4 })],
  },
  'error-401': { replies: [reply.error(401, { message: 'invalid x-api-key' })] },
  'error-529-retried': {
    env: { CLAUDE_CODE_MAX_RETRIES: '2' },
    replies: [reply.overloaded(), reply.rateLimited(0), reply.text('Recovered after retries.')],
  },
  'error-500': { replies: [reply.error(500, { message: 'Internal server error' })] },
  'max-turns': {
    args: ['--max-turns', '1', '--allowedTools', 'Bash'],
    replies: [thinkThenBash, reply.text('never')],
  },
  'max-budget': { args: ['--max-budget-usd', '0.0001'], replies: [reply.text('Over budget already.')] },
  'resume-missing': { args: ['--resume', '00000000-0000-4000-8000-000000000000'], replies: [] },
  hooks: {
    args: ['--allowedTools', 'Bash', '--settings', hooks, '--include-hook-events'],
    replies: [thinkThenBash, reply.text('Hooked.')],
  },
  interrupted: {
    args: partial,
    replies: [reply.text('This stream stalls and never finishes.', { stallAfterEvents: 3 })],
    sigintAfterMs: 2500,
  },
  'stream-cut': { replies: [reply.text('This stream is cut mid-way.', { cutAfterEvents: 3 })] },
  'usage-limit': { env: { ...GATEWAY_ENV }, replies: [usageLimitReply(resetsAt)] },
  'rate-limit-allowed': {
    env: { ...GATEWAY_ENV },
    replies: [textWithRateLimit('Within limits.', { status: 'allowed', resetsAt })],
  },
  'background-task': {
    args: ['--allowedTools', 'Bash'],
    replies: [
      reply.toolUse('Bash', { command: 'sleep 1; echo bg-done', description: 'bg', run_in_background: true }),
      reply.text('Started it.'),
      reply.text('It finished.'),
    ],
  },
  replay: {
    args: ['--input-format', 'stream-json', '--replay-user-messages'],
    stdin: `${JSON.stringify({ type: 'user', message: { role: 'user', content: 'Echo me' } })}\n`,
    replies: [reply.text('Echoed.')],
  },
  'multi-turn-stdin': {
    args: ['--input-format', 'stream-json'],
    stdin: [
      JSON.stringify({ type: 'user', message: { role: 'user', content: 'First question' } }),
      JSON.stringify({ type: 'user', message: { role: 'user', content: 'Second question' } }),
      '',
    ].join('\n'),
    replies: [reply.text('First answer.'), reply.text('Second answer.')],
  },
};

export interface ScenarioRun {
  stdout: string;
  exitCode: number | null;
  lines: number;
  requests: number;
}

/** Runs one scenario in a fresh sandbox and stand-in; `cliPath` defaults to the pinned CLI. */
export async function runScenario(s: Scenario, cliPath?: string): Promise<ScenarioRun> {
  await using standIn = await MessagesApiStandIn.start();
  standIn.enqueue(...s.replies);
  await using box = new ClaudeSandbox({ baseUrl: standIn.url, env: s.env, cliPath });
  const args = ['-p', '--output-format', 'stream-json', '--verbose', ...(s.args ?? [])];
  const run = box.start(args, { stdin: s.stdin ?? 'Say hi', timeoutMs: 60_000 });
  if (s.sigintAfterMs !== undefined) setTimeout(() => run.child.kill('SIGINT'), s.sigintAfterMs);
  const result = await run.result;
  return {
    stdout: result.stdout,
    exitCode: result.exitCode,
    lines: result.lines.length,
    requests: standIn.requests.length,
  };
}
