import { EXECUTOR, runtime, TracingExecutor } from '@ccflow/core';
import { UsageTrackingExecutor } from '@ccflow/pricing';
import { RetryingExecutor } from '@ccflow/reliability';
import { expect, it } from 'vitest';
import { createDefaultExecutor, installDefaults } from './index.ts';

it('importing ccflow makes the tracked, reliable executor the process-wide default, also after a reset', () => {
  runtime.reset(EXECUTOR);
  const executor = runtime.get(EXECUTOR);
  expect(executor).toBeInstanceOf(UsageTrackingExecutor);
  const traced = (executor as UsageTrackingExecutor).inner;
  expect(traced).toBeInstanceOf(TracingExecutor);
  expect((traced as TracingExecutor).inner).toBeInstanceOf(RetryingExecutor);
  expect(createDefaultExecutor()).not.toBe(executor);
});

it('installDefaults is idempotent: again, it keeps the executor made or set since', () => {
  const mine = runtime.get(EXECUTOR);
  installDefaults();
  expect(runtime.get(EXECUTOR)).toBe(mine);
  runtime.reset();
  expect(runtime.get(EXECUTOR)).not.toBeInstanceOf(UsageTrackingExecutor);
  installDefaults();
  expect(runtime.get(EXECUTOR)).toBeInstanceOf(UsageTrackingExecutor);
});

it('the wired executor is the v1 contract with the CLI capabilities, through every decorator', () => {
  const executor = createDefaultExecutor();
  expect(executor.specificationVersion).toBe('v1');
  expect(executor.capabilities).toEqual({ resume: true, tools: true, host: true });
});
