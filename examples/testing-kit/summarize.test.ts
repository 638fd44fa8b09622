import { CliAuthenticationError } from '@ccflow/core';
import { MockExecutor, mockLines, readFixture } from '@ccflow/testing';
import { expect, it } from 'vitest';
import { summarize } from './summarize.ts';

it('asks a small model for one line and returns its answer', async () => {
  const executor = new MockExecutor([
    [
      mockLines.init(),
      mockLines.text('Pipes carry bytes.'),
      mockLines.result({ result: 'Pipes carry bytes.' }),
    ],
  ]);
  expect(await summarize('A long text about pipes.', executor)).toBe('Pipes carry bytes.');
  expect(executor.requests[0]?.options).toMatchObject({ model: 'haiku', maxTurns: 1 });
});

it('fails with a typed error when the API refuses the key (a transcript the real CLI printed)', async () => {
  const executor = new MockExecutor([readFixture('error-401')]);
  await expect(summarize('A long text about pipes.', executor)).rejects.toBeInstanceOf(
    CliAuthenticationError,
  );
});
