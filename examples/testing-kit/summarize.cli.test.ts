import { CliExecutor } from '@ccflow/core';
import { reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { summarize } from './summarize.ts';

const sandbox = useClaudeSandbox();

it('runs through the real claude CLI, which talks to the stand-in', async () => {
  sandbox.api.enqueue(reply.text('Pipes carry bytes.'));
  const executor = new CliExecutor(sandbox.executorOptions);
  expect(await summarize('A long text about pipes.', executor)).toBe('Pipes carry bytes.');
  expect(JSON.stringify(sandbox.api.messageRequests[0]?.body)).toContain('A long text about pipes.');
});
