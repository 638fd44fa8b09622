import { MockExecutor } from '@ccflow/testing';
import { afterEach, expect, it, vi } from 'vitest';
import { CliExecutor } from './cli-executor.ts';
import { EXECUTOR, EXECUTOR_FACTORY } from './default-executor.ts';
import { runtime, runtimeKey } from './runtime.ts';
import { TracingExecutor } from './tracing-executor.ts';

afterEach(() => runtime.reset());

it('makes a default on first use and keeps it; set replaces it; reset forgets it', () => {
  let made = 0;
  const key = runtimeKey('test:counter', () => ({ n: ++made }));
  const first = runtime.get(key);
  expect(runtime.get(key)).toBe(first);
  runtime.set(key, { n: 99 });
  expect(runtime.get(key).n).toBe(99);
  runtime.reset(key);
  expect(runtime.get(key).n).toBe(2);
  runtime.reset();
  expect(runtime.get(key).n).toBe(3);
});

it('makes the process-wide executor with the factory: the traced CLI unless another is set', () => {
  const first = runtime.get(EXECUTOR);
  expect(first).toBeInstanceOf(TracingExecutor);
  const mock = new MockExecutor();
  runtime.set(EXECUTOR, mock);
  expect(runtime.get(EXECUTOR)).toBe(mock);
  let built = 0;
  runtime.set(EXECUTOR_FACTORY, () => {
    built += 1;
    return new MockExecutor();
  });
  expect(runtime.get(EXECUTOR)).toBe(mock);
  runtime.reset(EXECUTOR);
  runtime.get(EXECUTOR);
  runtime.get(EXECUTOR);
  runtime.reset(EXECUTOR);
  runtime.get(EXECUTOR);
  expect(built).toBe(2);
});

it('dispose() disposes what owns resources, forgets everything, and reports failures after trying all', async () => {
  const disposed: string[] = [];
  const asyncOne = runtimeKey('test:async', () => ({
    [Symbol.asyncDispose]: async () => void disposed.push('async'),
  }));
  const syncOne = runtimeKey('test:sync', () => ({ [Symbol.dispose]: () => void disposed.push('sync') }));
  const failing = runtimeKey('test:failing', () => ({
    [Symbol.asyncDispose]: async () => {
      throw new Error('store gone');
    },
  }));
  const plain = runtimeKey('test:plain', () => ({ value: 1 }));
  const a = runtime.get(asyncOne);
  runtime.get(failing);
  runtime.get(syncOne);
  runtime.get(plain);
  await expect(runtime.dispose()).rejects.toThrow('store gone');
  expect(disposed.sort()).toEqual(['async', 'sync']);
  expect(runtime.get(asyncOne)).not.toBe(a);
});

it('is shared by two copies of @ccflow/core in one process', async () => {
  const mock = new MockExecutor();
  runtime.set(EXECUTOR, mock);
  vi.resetModules();
  // A second evaluation of the package: its own module state and classes, the same globalThis.
  const copy: typeof import('./index.ts') = await import('./index.ts');
  expect(copy.EXECUTOR).not.toBe(EXECUTOR);
  expect(copy.runtime).toBe(runtime);
  expect(copy.runtime.get(copy.EXECUTOR)).toBe(mock);
  copy.runtime.reset(copy.EXECUTOR);
  const made = runtime.get(EXECUTOR);
  // Made by the factory of the copy that registered it first: this one's classes, not the copy's.
  const cli = (made as unknown as { inner: unknown }).inner;
  expect(cli).toBeInstanceOf(CliExecutor);
  expect(cli).not.toBeInstanceOf(copy.CliExecutor);
  expect(copy.runtime.get(copy.EXECUTOR)).toBe(made);
});
