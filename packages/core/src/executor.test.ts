import { MockExecutor } from '@ccflow/testing';
import { expect, it } from 'vitest';
import { CLI_CAPABILITIES, type ExecutorCapabilities } from './executor.ts';
import { withTracing } from './tracing-executor.ts';

it('a decorator reports the capabilities of the executor it wraps and disposes it', async () => {
  const apiOnly: ExecutorCapabilities = { resume: false, tools: false, host: false };
  let disposed = 0;
  const inner = Object.assign(new MockExecutor([], apiOnly), {
    [Symbol.asyncDispose]: async () => void disposed++,
  });
  const traced = withTracing(withTracing(inner));
  expect(traced.specificationVersion).toBe('v1');
  expect(traced.capabilities).toEqual(apiOnly);
  await traced[Symbol.asyncDispose]?.();
  expect(disposed).toBe(1);
  // Wrapping an executor with nothing to dispose is fine too.
  await withTracing(new MockExecutor())[Symbol.asyncDispose]?.();
  const cli = new MockExecutor([], CLI_CAPABILITIES);
  expect(withTracing(cli).capabilities).toBe(CLI_CAPABILITIES);
});
