import { afterEach, describe, expect, it, vi } from 'vitest';
import { Interrupts } from './interrupts.ts';

// The handlers are called as the process would call them (`process.emit`): no real signal reaches the test runner.

afterEach(() => vi.restoreAllMocks());

describe('Interrupts', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s aborts the signal once and gives exit code %i', (name, code) => {
    const before = process.listenerCount(name);
    using interrupts = new Interrupts();
    expect(process.listenerCount(name)).toBe(before + 1);
    expect(interrupts.signal.aborted).toBe(false);
    expect(interrupts.exitCode).toBeUndefined();
    process.emit(name, name);
    expect(interrupts.signal.aborted).toBe(true);
    expect(interrupts.received).toBe(name);
    expect(interrupts.exitCode).toBe(code);
  });

  it('a second signal ends the process at once, with the code of that signal', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    using _ = new Interrupts();
    process.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    process.emit('SIGTERM', 'SIGTERM');
    expect(exit).toHaveBeenCalledWith(143);
  });

  it('a caller’s signal counts as SIGINT; disposing stops listening', () => {
    const before = process.listenerCount('SIGINT');
    const outer = new AbortController();
    const interrupts = new Interrupts(outer.signal);
    outer.abort();
    expect(interrupts.exitCode).toBe(130);
    interrupts[Symbol.dispose]();
    expect(process.listenerCount('SIGINT')).toBe(before);
    using already = new Interrupts(AbortSignal.abort());
    expect(already.received).toBe('SIGINT');
  });
});
