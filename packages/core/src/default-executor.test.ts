import { afterEach, expect, it } from 'vitest';
import { getExecutor, resetExecutor, setDefaultExecutorFactory, setExecutor } from './default-executor.ts';
import { MockExecutor } from './test/index.ts';
import { TracingExecutor } from './tracing-executor.ts';

afterEach(() => setDefaultExecutorFactory());

it('builds the process-wide executor once, from the factory, and again after a reset', () => {
  const first = getExecutor();
  expect(first).toBeInstanceOf(TracingExecutor);
  expect(getExecutor()).toBe(first);
  const mock = new MockExecutor();
  setExecutor(mock);
  expect(getExecutor()).toBe(mock);
  resetExecutor();
  expect(getExecutor()).not.toBe(mock);
  let built = 0;
  setDefaultExecutorFactory(() => {
    built += 1;
    return new MockExecutor();
  });
  getExecutor();
  getExecutor();
  resetExecutor();
  getExecutor();
  expect(built).toBe(2);
});
