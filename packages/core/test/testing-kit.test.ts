import {
  MockExecutor,
  type MockRequest,
  mockLines,
  readFixture,
  type SandboxExecutorOptions,
} from '@ccflow/testing';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { CliExecutorOptions } from '../src/cli-executor.ts';
import { CLI_CAPABILITIES, type ExecuteRequest, type Executor } from '../src/executor.ts';
import { querySimple } from '../src/query.ts';

// @ccflow/testing never imports core: it declares the shapes it needs, and these checks (run by `typecheck`) stop
// compiling when core's and the kit's drift apart.
describe('@ccflow/testing fits core', () => {
  it('its MockExecutor is an Executor, and takes every request core sends', () => {
    expectTypeOf<MockExecutor>().toExtend<Executor>();
    expectTypeOf<ExecuteRequest>().toExtend<MockRequest>();
    expectTypeOf<MockExecutor['capabilities']>().toEqualTypeOf<Executor['capabilities']>();
  });

  it("its sandbox's executorOptions are CliExecutorOptions", () => {
    expectTypeOf<SandboxExecutorOptions>().toExtend<CliExecutorOptions>();
  });

  it('its MockExecutor claims what the CLI can do by default, and runs under the query functions', async () => {
    const executor: Executor = new MockExecutor([
      [mockLines.init(), mockLines.text('Hello!'), mockLines.result({ result: 'Hello!' })],
    ]);
    expect(executor.capabilities).toEqual(CLI_CAPABILITIES);
    expect(await querySimple('Say hello', {}, { executor })).toBe('Hello!');
  });

  it('replays a transcript the real CLI printed', async () => {
    const executor = new MockExecutor([readFixture('text')]);
    const result = readFixture('text').at(-1);
    expect(await querySimple('Say hi', {}, { executor })).toBe(result?.result);
  });
});
