/**
 * Runs in a separate process for `sessions.cli.test.ts`: one turn of a new session with the real CLI, then prints
 * the stored state. Argument: JSON `{ cliPath, env, cwd }` of the parent's sandbox.
 */
import { CliExecutor } from '@ccflow/core';
import { MemorySessionStore, Session } from '@ccflow/sessions';

const { cliPath, env, cwd } = JSON.parse(process.argv[2]!);
const store = new MemorySessionStore();
const session = new Session({
  executor: new CliExecutor({ cliPath, env }),
  store,
  options: { cwd, systemPrompt: 'You are a test.' },
  tags: ['cross-process'],
});
for await (const _ of session.sendMessage('My favourite colour is teal.'));
process.stdout.write(JSON.stringify(await store.load(session.sessionId)));
