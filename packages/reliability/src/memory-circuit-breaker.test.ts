import { AbortedError, CliExecutionError, CliTimeoutError, ConfigurationError } from '@ccflow/core';
import { describe, expect, it } from 'vitest';
import type { CircuitStateChange } from './circuit-breaker.ts';
import { CircuitBreakerError } from './errors.ts';
import { type CircuitBreakerOptions, MemoryCircuitBreaker } from './memory-circuit-breaker.ts';
import { FakeClock } from './testing/fake-clock.ts';

const overloaded = () => new CliExecutionError({ message: 'API Error: 529', apiErrorStatus: 529 });
const badRequest = () => new CliExecutionError({ message: 'API Error: 400', apiErrorStatus: 400 });

function breaker(config: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  const changes: string[] = [];
  const onStateChange = (c: CircuitStateChange) => changes.push(`${c.from}->${c.to}@${c.at}`);
  const cb = new MemoryCircuitBreaker(
    { failureThreshold: 3, successThreshold: 2, resetTimeoutMs: 1000, clock, onStateChange, ...config },
    'cli',
  );
  return { cb, clock, changes };
}

const fail = (cb: MemoryCircuitBreaker, error: unknown = overloaded()) => cb.call().failure(error);
const succeed = (cb: MemoryCircuitBreaker) => cb.call().success();

describe('CircuitBreaker', () => {
  it('closed: consecutive failures open it at the threshold; a success in between starts the count again', () => {
    const { cb, changes } = breaker();
    fail(cb);
    fail(cb);
    succeed(cb);
    fail(cb);
    fail(cb);
    expect(cb.state).toBe('closed');
    expect(cb.getStats().failures).toBe(2);
    fail(cb);
    expect(cb.state).toBe('open');
    expect(changes).toEqual(['closed->open@0']);
  });

  it('open: refuses calls at once with CircuitBreakerError naming the circuit and when to come back', async () => {
    const { cb, clock } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(400);
    let error: unknown;
    try {
      cb.call();
    } catch (e) {
      error = e;
    }
    expect(CircuitBreakerError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'CIRCUIT_OPEN',
      circuit: 'cli',
      retryAfterMs: 600,
      isRetryable: false,
    });
    await expect(cb.run(() => 'never')).rejects.toBeInstanceOf(CircuitBreakerError);
    expect(cb.getStats()).toMatchObject({ state: 'open', totalRejected: 2, totalCalls: 3, openedAt: 0 });
  });

  it('open -> half-open once resetTimeoutMs has passed (read lazily)', async () => {
    const { cb, clock, changes } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(999);
    expect(cb.state).toBe('open');
    await clock.advance(1);
    expect(cb.state).toBe('half_open');
    expect(changes).toEqual(['closed->open@0', 'open->half_open@1000']);
  });

  it('half-open -> closed after successThreshold successful trials', async () => {
    const { cb, clock, changes } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(1000);
    const first = cb.call();
    expect(first.state).toBe('half_open');
    first.success();
    expect(cb.state).toBe('half_open');
    expect(cb.getStats().successes).toBe(1);
    succeed(cb);
    expect(cb.state).toBe('closed');
    expect(changes.at(-1)).toBe('half_open->closed@1000');
    // Closed again with a fresh count: it takes the full threshold to open.
    fail(cb);
    fail(cb);
    expect(cb.state).toBe('closed');
  });

  it('half-open -> open on a failed trial, for another full resetTimeoutMs', async () => {
    const { cb, clock, changes } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(1000);
    succeed(cb);
    await clock.advance(50);
    fail(cb, new CliTimeoutError({ message: 'slow', timeoutMs: 10 }));
    expect(cb.state).toBe('open');
    expect(cb.getStats().openedAt).toBe(1050);
    await clock.advance(999);
    expect(cb.state).toBe('open');
    await clock.advance(1);
    expect(cb.state).toBe('half_open');
    expect(changes).toEqual([
      'closed->open@0',
      'open->half_open@1000',
      'half_open->open@1050',
      'open->half_open@2050',
    ]);
  });

  it('half-open: at most halfOpenMaxCalls trials in flight; the rest are refused until one ends', async () => {
    const { cb, clock } = breaker({ halfOpenMaxCalls: 2, successThreshold: 3 });
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(1000);
    const a = cb.call();
    const b = cb.call();
    expect(() => cb.call()).toThrow(/half-open and its 2 trial call\(s\) are in flight/);
    expect(cb.getStats()).toMatchObject({ halfOpenCalls: 2, totalRejected: 1 });
    a.success();
    const c = cb.call(); // a's slot is free again
    b.success();
    expect(cb.state).toBe('half_open');
    c.success();
    expect(cb.state).toBe('closed');
  });

  it('half-open with concurrent trials: one failure reopens it and the late outcomes of the others are ignored', async () => {
    const { cb, clock } = breaker({ halfOpenMaxCalls: 3, successThreshold: 2 });
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(1000);
    const [a, b, c] = [cb.call(), cb.call(), cb.call()];
    b.failure(overloaded());
    expect(cb.state).toBe('open');
    a.success();
    c.success(); // two successes, but from trials of the state that ended: the circuit stays open
    expect(cb.state).toBe('open');
    expect(cb.getStats()).toMatchObject({ successes: 0, halfOpenCalls: 0 });
    // The same for calls let through while closed that end after the circuit opened.
    cb.reset();
    const slow = cb.call();
    for (let i = 0; i < 3; i++) fail(cb);
    slow.success();
    expect(cb.state).toBe('open');
  });

  it('errors that do not count neither trip nor heal the circuit; an abort never counts', async () => {
    const { cb, clock } = breaker({ failureThreshold: 2 });
    fail(cb);
    for (const e of [
      badRequest(),
      new ConfigurationError({ field: 'model', problem: 'bad' }),
      new AbortedError({ message: 'stopped' }),
      new DOMException('aborted', 'AbortError'),
      new TypeError('a bug'),
    ]) {
      expect(cb.call().failure(e)).toBe(false);
    }
    expect(cb.getStats()).toMatchObject({ state: 'closed', failures: 1, totalIgnored: 5 });
    fail(cb);
    expect(cb.state).toBe('open');
    await clock.advance(1000);
    cb.call().failure(badRequest()); // a trial that ends with an error that does not count frees its slot
    expect(cb.getStats()).toMatchObject({ state: 'half_open', halfOpenCalls: 0, successes: 0 });
  });

  it('isFailure decides what counts, but not for aborts', () => {
    const { cb } = breaker({ failureThreshold: 1, isFailure: () => true });
    expect(cb.call().failure(new AbortedError({ message: 'stop' }))).toBe(false);
    expect(cb.state).toBe('closed');
    expect(cb.call().failure(new TypeError('anything'))).toBe(true);
    expect(cb.state).toBe('open');
  });

  it('run(): a result is a success, an error a failure, an error after the signal aborted nothing', async () => {
    const { cb } = breaker({ failureThreshold: 1 });
    expect(await cb.run(() => 42)).toBe(42);
    const ac = new AbortController();
    ac.abort();
    await expect(cb.run(() => Promise.reject(overloaded()), { signal: ac.signal })).rejects.toThrow('529');
    expect(cb.getStats()).toMatchObject({ state: 'closed', totalSuccesses: 1, totalIgnored: 1 });
    await expect(cb.run(() => Promise.reject(overloaded()))).rejects.toThrow('529');
    expect(cb.state).toBe('open');
    expect(cb.getStats().lastFailure).toBeInstanceOf(CliExecutionError);
  });

  it('`using` a permit frees a half-open slot when the block ends without a report', async () => {
    const { cb, clock } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    await clock.advance(1000);
    const attempt = () => {
      using _permit = cb.call();
      throw new Error('before reporting');
    };
    expect(attempt).toThrow('before reporting');
    expect(cb.getStats()).toMatchObject({ state: 'half_open', halfOpenCalls: 0, totalIgnored: 1 });
    const permit = cb.call();
    permit.success();
    permit.failure(overloaded()); // a second report does nothing
    expect(cb.getStats()).toMatchObject({ successes: 1, totalFailures: 3 });
  });

  it('reset() closes it and clears the state counts, keeping the totals', () => {
    const { cb, changes } = breaker();
    for (let i = 0; i < 3; i++) fail(cb);
    cb.reset();
    expect(cb.getStats()).toMatchObject({ state: 'closed', failures: 0, totalFailures: 3 });
    expect(changes).toEqual(['closed->open@0', 'open->closed@0']);
    expect(succeed(cb)).toBeUndefined();
  });

  it('defaults as the reference (5, 2, 30 s, 1), name "default"; bad config is a ConfigurationError', () => {
    const cb = new MemoryCircuitBreaker();
    expect([
      cb.name,
      cb.failureThreshold,
      cb.successThreshold,
      cb.resetTimeoutMs,
      cb.halfOpenMaxCalls,
    ]).toEqual(['default', 5, 2, 30_000, 1]);
    expect(() => new MemoryCircuitBreaker({ failureThreshold: 0 })).toThrow(ConfigurationError);
    expect(() => new MemoryCircuitBreaker({ resetTimeoutMs: -5 })).toThrow(ConfigurationError);
  });
});
