import { CONFIG, ConfigurationError, runtime } from '@ccflow/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CombinedLimiter } from './combined-limiter.ts';
import { CLI_CIRCUIT_BREAKER, HEALTH_CHECKER, LIMITER } from './defaults.ts';
import { HealthChecker } from './health-check.ts';
import { SlidingWindowRateLimiter } from './sliding-window.ts';

// The configuration is read once per process: each test reads the environment it stubbed.
beforeEach(() => runtime.reset(CONFIG));
afterEach(() => {
  vi.unstubAllEnvs();
  runtime.reset(CONFIG);
  runtime.reset(LIMITER);
  runtime.reset(CLI_CIRCUIT_BREAKER);
  runtime.reset(HEALTH_CHECKER);
});

describe('process-wide defaults', () => {
  it('LIMITER: CCFLOW_MAX_CONCURRENT_REQUESTS at once, CCFLOW_RATE_LIMIT_PER_MINUTE in any sliding minute', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '3');
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '120');
    const limiter = runtime.get(LIMITER);
    expect(limiter).toBeInstanceOf(CombinedLimiter);
    expect(limiter.concurrencyLimiter?.maxConcurrent).toBe(3);
    const rate = limiter.rateLimiter as SlidingWindowRateLimiter;
    expect(rate).toBeInstanceOf(SlidingWindowRateLimiter);
    expect([rate.limit, rate.windowMs]).toEqual([120, 60_000]);
    expect(runtime.get(LIMITER)).toBe(limiter);
  });

  it('defaults to 10 at once and 60 a minute; read on first use, again after runtime.reset(CONFIG) and runtime.reset(LIMITER)', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '');
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '');
    const first = runtime.get(LIMITER);
    expect(first.concurrencyLimiter?.maxConcurrent).toBe(10);
    expect((first.rateLimiter as SlidingWindowRateLimiter).limit).toBe(60);
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', '1');
    expect(runtime.get(LIMITER)).toBe(first);
    runtime.reset(LIMITER);
    expect(runtime.get(LIMITER).concurrencyLimiter?.maxConcurrent).toBe(10); // the configuration is kept
    runtime.reset(CONFIG);
    runtime.reset(LIMITER);
    expect(runtime.get(LIMITER).concurrencyLimiter?.maxConcurrent).toBe(1);
  });

  it('a rate under one a minute gets a window long enough for one start', () => {
    vi.stubEnv('CCFLOW_RATE_LIMIT_PER_MINUTE', '0.5');
    const rate = runtime.get(LIMITER).rateLimiter as SlidingWindowRateLimiter;
    expect([rate.limit, rate.windowMs]).toEqual([1, 120_000]);
  });

  it('a bad value throws ConfigurationError naming the variable', () => {
    vi.stubEnv('CCFLOW_MAX_CONCURRENT_REQUESTS', 'many');
    expect(() => runtime.get(LIMITER)).toThrow(ConfigurationError);
    expect(() => runtime.get(LIMITER)).toThrow(/CCFLOW_MAX_CONCURRENT_REQUESTS/);
  });

  it('CLI_CIRCUIT_BREAKER: one breaker named cli, with the default config, until reset', () => {
    const breaker = runtime.get(CLI_CIRCUIT_BREAKER);
    expect([breaker.name, breaker.failureThreshold, breaker.resetTimeoutMs]).toEqual(['cli', 5, 30_000]);
    expect(runtime.get(CLI_CIRCUIT_BREAKER)).toBe(breaker);
    runtime.reset(CLI_CIRCUIT_BREAKER);
    expect(runtime.get(CLI_CIRCUIT_BREAKER)).not.toBe(breaker);
  });

  it('HEALTH_CHECKER: one checker until reset', () => {
    const checker = runtime.get(HEALTH_CHECKER);
    expect(checker).toBeInstanceOf(HealthChecker);
    expect(runtime.get(HEALTH_CHECKER)).toBe(checker);
    runtime.reset(HEALTH_CHECKER);
    expect(runtime.get(HEALTH_CHECKER)).not.toBe(checker);
  });
});
