import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Message } from '@ccflow/parser';
import { isGone, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';

// A run that ends normally leaves no process either: tools the CLI ran that put sleepers in the background, in its
// session or in a new one, are swept when the execution ends. Two CLI runs.

const sandbox = useClaudeSandbox();
const bash = (command: string) => reply.toolUse('Bash', { command, description: 'start a sleeper' });

it('sleepers a Bash tool leaves in the background are gone when a successful execution ends', async () => {
  const executor = new CliExecutor(sandbox.executorOptions);
  const pidFile = (name: string) => join(sandbox.box.cwd, `${name}.pid`);
  const commands = {
    subshell: `(sleep 300 > /dev/null 2>&1 & echo $! > ${pidFile('subshell')})`,
    setsid: `nohup setsid sleep 301 > /dev/null 2>&1 & echo $! > ${pidFile('setsid')}`,
  };
  for (const [name, command] of Object.entries(commands)) {
    sandbox.api.enqueue(bash(command), reply.text(`started ${name}`));
    const messages: Message[] = [];
    for await (const m of executor.execute({
      prompt: `start ${name}`,
      options: { allowedTools: ['Bash'] },
    }))
      messages.push(m);
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false });
    const pid = Number(readFileSync(pidFile(name), 'utf8'));
    expect(pid).toBeGreaterThan(1);
    expect(isGone(pid), `${name} sleeper ${pid}`).toBe(true);
  }
});
