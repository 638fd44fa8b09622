import { ConfigurationError } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { expect, it } from 'vitest';
import { Session } from './session.ts';

const apiOnly = { resume: false, tools: false, host: false };

it('refuses an executor that cannot resume CLI sessions (the API path), before any turn', async () => {
  const executor = new MockExecutor([[mockLines.init(), mockLines.result()]], apiOnly);
  let error: unknown;
  try {
    new Session({ executor });
  } catch (e) {
    error = e;
  }
  expect(ConfigurationError.isInstance(error) && error.field).toBe('executor');
  expect((error as Error).message).toMatch(/capabilities\.resume/);
  expect(executor.requests).toEqual([]);
});

it('takes one that can', async () => {
  const session = new Session({ executor: new MockExecutor([[mockLines.init(), mockLines.result()]]) });
  expect(session.turnCount).toBe(0);
  await session.close();
});
