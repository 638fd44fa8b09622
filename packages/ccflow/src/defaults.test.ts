import { EXECUTOR, type Executor, runtime } from '@ccflow/core';
import { expect, it } from 'vitest';
import { createDefaultExecutor, installDefaults } from './index.ts';

/** The classes of a decorator chain, outermost first (decorator classes are not exported: their `withX` are). */
function chain(executor: Executor): string[] {
  const names: string[] = [];
  for (let e: Executor | undefined = executor; e; e = (e as { inner?: Executor }).inner)
    names.push(e.constructor.name);
  return names;
}

it('importing ccflow makes the tracked, reliable executor the process-wide default, also after a reset', () => {
  runtime.reset(EXECUTOR);
  const executor = runtime.get(EXECUTOR);
  expect(chain(executor).slice(0, 3)).toEqual([
    'UsageTrackingExecutor',
    'TracingExecutor',
    'RetryingExecutor',
  ]);
  expect(createDefaultExecutor()).not.toBe(executor);
});

it('installDefaults is idempotent: again, it keeps the executor made or set since', () => {
  const mine = runtime.get(EXECUTOR);
  installDefaults();
  expect(runtime.get(EXECUTOR)).toBe(mine);
  runtime.reset();
  expect(chain(runtime.get(EXECUTOR))).toEqual(['TracingExecutor', 'CliExecutor']);
  installDefaults();
  expect(chain(runtime.get(EXECUTOR))[0]).toBe('UsageTrackingExecutor');
});

it('the wired executor is the v1 contract with the CLI capabilities, through every decorator', () => {
  const executor = createDefaultExecutor();
  expect(executor.specificationVersion).toBe('v1');
  expect(executor.capabilities).toEqual({ resume: true, tools: true, host: true });
});
