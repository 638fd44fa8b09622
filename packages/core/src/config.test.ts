import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { ConfigurationError } from './errors.ts';

describe('loadConfig', () => {
  it('gives the reference defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      claudeCliPath: undefined,
      defaultModel: undefined,
      defaultTimeoutMs: 300_000,
      sessionStoragePath: undefined,
      toonEnabled: true,
      enableMetrics: true,
      logLevel: 'INFO',
      logFormat: 'console',
      maxConcurrentRequests: 10,
      rateLimitPerMinute: 60,
    });
  });

  it('parses every variable', () => {
    const c = loadConfig({
      CCFLOW_CLAUDE_CLI_PATH: '/opt/claude',
      CCFLOW_DEFAULT_MODEL: 'opus',
      CCFLOW_DEFAULT_TIMEOUT: '2.5',
      CCFLOW_SESSION_STORAGE_PATH: '/tmp/s.db',
      CCFLOW_TOON_ENABLED: 'false',
      CCFLOW_ENABLE_METRICS: '0',
      CCFLOW_LOG_LEVEL: 'DEBUG',
      CCFLOW_LOG_FORMAT: 'json',
      CCFLOW_MAX_CONCURRENT_REQUESTS: '3',
      CCFLOW_RATE_LIMIT_PER_MINUTE: '120',
    });
    expect(c).toMatchObject({ claudeCliPath: '/opt/claude', defaultTimeoutMs: 2500, toonEnabled: false });
    expect(c).toMatchObject({ enableMetrics: false, maxConcurrentRequests: 3, rateLimitPerMinute: 120 });
  });

  it.each([
    ['CCFLOW_DEFAULT_TIMEOUT', 'soon'],
    ['CCFLOW_DEFAULT_TIMEOUT', '-1'],
    ['CCFLOW_MAX_CONCURRENT_REQUESTS', '2.5'],
    ['CCFLOW_TOON_ENABLED', 'maybe'],
    ['CCFLOW_LOG_FORMAT', 'xml'],
  ])('a bad %s (%s) is a ConfigurationError naming the variable', (name, value) => {
    const error = (() => {
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).field).toBe(name);
    expect((error as Error).message).toContain(name);
    expect((error as Error).message).toContain(JSON.stringify(value));
  });
});
