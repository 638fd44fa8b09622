/**
 * The README's main command, offline: `ccflow query "..."` runs the real `claude` CLI, which talks to a stand-in
 * for the Anthropic Messages API on 127.0.0.1 instead of Anthropic. Everything else is the real path: the command,
 * the executor, the CLI, its stream-json output, the parser.
 *
 *   pnpm build && pnpm --filter @ccflow/example-offline-query start
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ClaudeSandbox, MessagesApiStandIn, reply } from '@ccflow/testing';

const prompt = process.argv[2] ?? 'Write a haiku about pipes';

await using api = await MessagesApiStandIn.start();
api.enqueue(
  reply.thinking(
    'A haiku: five, seven, five syllables. Pipes carry things along.',
    'Bytes flow through the pipe,\nnewline after newline falls,\nthe parser reads all.',
    { eventDelayMs: 15, deltaSize: 6 },
  ),
);
await using sandbox = new ClaudeSandbox({ baseUrl: api.url });

const ccflowBin = join(
  dirname(createRequire(import.meta.url).resolve('ccflow/package.json')),
  'bin',
  'ccflow.mjs',
);
const child = spawn(process.execPath, [ccflowBin, 'query', prompt], {
  cwd: sandbox.cwd,
  env: { ...sandbox.env, CCFLOW_CLAUDE_CLI_PATH: sandbox.cliPath },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const code = await new Promise<number | null>((resolve) => child.once('close', resolve));

const [request] = api.messageRequests;
console.log(
  `\n[offline: the CLI sent ${api.messageRequests.length} request(s) to ${api.url}; model ${request?.body.model}, ` +
    `${request?.body.tools?.length ?? 0} tools; ccflow exited ${code}]`,
);
process.exitCode = code ?? 1;
