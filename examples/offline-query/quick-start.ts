/**
 * The README's quick start, offline and for real: the built `ccflow` binary runs its main subcommands with the real
 * `claude` CLI against a stand-in for the Anthropic API on 127.0.0.1, and this prints each command with what it
 * printed, as the README shows it.
 *
 *   pnpm example:quick-start
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ClaudeSandbox, MessagesApiStandIn, type RecordedRequest, reply } from '@ccflow/testing';

const ANSWERS: Record<string, string> = {
  'Write a haiku about pipes':
    'Bytes flow through the pipe,\nnewline after newline falls,\nthe parser reads all.',
  'Name a prime number': '7',
  'Name a colour': 'Teal.',
  'Name a planet': 'Neptune.',
};

/** Answers each prompt with its canned answer, whatever the order the CLIs ask in. */
function answer(request: RecordedRequest) {
  const text = JSON.stringify(request.body?.messages ?? []);
  const prompt = Object.keys(ANSWERS).find((p) => text.includes(p));
  return reply.text(prompt === undefined ? 'OK.' : (ANSWERS[prompt] as string), {
    model: request.body?.model,
  });
}

await using api = await MessagesApiStandIn.start({ fallback: answer });
await using sandbox = new ClaudeSandbox({ baseUrl: api.url });
const bin = join(dirname(createRequire(import.meta.url).resolve('ccflow/package.json')), 'bin', 'ccflow.mjs');
const db = join(sandbox.cwd, 'ccflow.db');
const env = {
  ...sandbox.env,
  CCFLOW_CLAUDE_CLI_PATH: sandbox.cliPath,
  CCFLOW_SESSION_STORAGE_PATH: db,
  NO_COLOR: '1',
};
writeFileSync(join(sandbox.cwd, 'prompts.txt'), 'Name a prime number\nName a colour\nName a planet\n');

for (const args of [
  ['query', 'Write a haiku about pipes'],
  ['batch', 'prompts.txt', '--project', 'demo', '-o', 'results.jsonl'],
  ['traces', 'list'],
  ['cost', '--by', 'model'],
  ['sessions', 'list'],
]) {
  // Asynchronously: the stand-in answers from this process's event loop.
  const child = spawn(process.execPath, [bin, ...args], { cwd: sandbox.cwd, env });
  let printed = '';
  child.stdout.on('data', (chunk) => {
    printed += chunk;
  });
  child.stderr.on('data', (chunk) => {
    printed += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  const shown = args.map((a) => (a.includes(' ') ? `"${a}"` : a)).join(' ');
  console.log(`$ ccflow ${shown}\n${printed.trimEnd()}\n`);
  if (code !== 0) {
    console.error(`ccflow ${args[0]} exited ${code}`);
    process.exitCode = 1;
  }
}
