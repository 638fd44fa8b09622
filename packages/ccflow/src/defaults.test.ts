import { getExecutor, resetExecutor, TracingExecutor } from '@ccflow/core';
import { RetryingExecutor } from '@ccflow/reliability';
import { expect, it } from 'vitest';
import { createDefaultExecutor } from './index.ts';

it('importing ccflow makes the reliable executor the process-wide default, also after a reset', () => {
  resetExecutor();
  const executor = getExecutor();
  expect(executor).toBeInstanceOf(TracingExecutor);
  expect((executor as TracingExecutor).inner).toBeInstanceOf(RetryingExecutor);
  expect(createDefaultExecutor()).not.toBe(executor);
});
