import { ConfigurationError, resetConfig } from '@ccflow/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedLimiter } from './combined-limiter.ts';
import {
  getCliCircuitBreaker,
  getHealthChecker,
  getLimiter,
  resetCliCircuitBreaker,
  resetHealthChecker,
  resetLimiter,
} from './defaults.ts';
import { HealthChecker } from './health-check.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';

// The configuration is read once per process: each test reads the environment it stubbed.
beforeEach(() => resetConfig());
afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
  resetLimiter();
  resetCliCircuitBreaker();
  resetHealthChecker();
});

describe('process-wide defaults', () => {
  it('getLimiter: CCFLOW_MAX_CONCURRENT_REQUESTS at once, CCFLOW_RATE_LIMIT_PER_MINUTE in any sliding minute', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '3');
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '120');
    const limiter = getLimiter();
    expect(limiter).toBeInstanceOf(CombinedLimiter);
    expect(limiter.concurrencyLimiter?.maxConcurrent).toBe(3);
    const rate = limiter.rateLimiter as SlidingWindowRateLimiter;
    expect(rate).toBeInstanceOf(SlidingWindowRateLimiter);
    expect([rate.limit, rate.windowMs]).toEqual([120, 60_000]);
    expect(getLimiter()).toBe(limiter);
  });

  it('defaults to 10 at once and 60 a minute; read on first use, again after resetConfig() and resetLimiter()', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '');
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '');
    const first = getLimiter();
    expect(first.concurrencyLimiter?.maxConcurrent).toBe(10);
    expect((first.rateLimiter as SlidingWindowRateLimiter).limit).toBe(60);
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '1');
    expect(getLimiter()).toBe(first);
    resetLimiter();
    expect(getLimiter().concurrencyLimiter?.maxConcurrent).toBe(10); // the configuration is kept
    resetConfig();
    resetLimiter();
    expect(getLimiter().concurrencyLimiter?.maxConcurrent).toBe(1);
  });

  it('a rate under one a minute gets a window long enough for one start', () => {
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '0.5');
    const rate = getLimiter().rateLimiter as SlidingWindowRateLimiter;
    expect([rate.limit, rate.windowMs]).toEqual([1, 120_000]);
  });

  it('a bad value throws ConfigurationError naming the variable', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', 'many');
    expect(() => getLimiter()).toThrow(ConfigurationError);
    expect(() => getLimiter()).toThrow(/CCFLOW_MAX_CONCURRENT_REQUESTS/);
  });

  it('getCliCircuitBreaker: one breaker named cli, with the default config, until reset', () => {
    const breaker = getCliCircuitBreaker();
    expect([breaker.name, breaker.failureThreshold, breaker.resetTimeoutMs]).toEqual(['cli', 5, 30_000]);
    expect(getCliCircuitBreaker()).toBe(breaker);
    resetCliCircuitBreaker();
    expect(getCliCircuitBreaker()).not.toBe(breaker);
  });

  it('getHealthChecker: one checker until reset', () => {
    const checker = getHealthChecker();
    expect(checker).toBeInstanceOf(HealthChecker);
    expect(getHealthChecker()).toBe(checker);
    resetHealthChecker();
    expect(getHealthChecker()).not.toBe(checker);
  });
});
