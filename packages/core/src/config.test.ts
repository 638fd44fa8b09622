import { afterEach, describe, expect, it, vi } from 'vitest';
import { CONFIG, loadConfig } from './config.ts';
import { ConfigurationError } from './errors.ts';
import { runtime } from './runtime.ts';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('loadConfig', () => {
  it('gives the reference defaults for an empty environment', () => {
    expect({ ...loadConfig({}) }).toEqual({
      claudeCliPath: undefined,
      defaultModel: undefined,
      defaultTimeoutMs: 300_000,
      sessionStoragePath: undefined,
      toonEnabled: true,
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
      CCFLOW_MAX_CONCURRENT_REQUESTS: '3',
      CCFLOW_RATE_LIMIT_PER_MINUTE: '120',
    });
    expect(c).toMatchObject({ claudeCliPath: '/opt/claude', defaultTimeoutMs: 2500, toonEnabled: false });
    expect(c).toMatchObject({ defaultModel: 'opus', sessionStoragePath: '/tmp/s.db' });
    expect(c).toMatchObject({ maxConcurrentRequests: 3, rateLimitPerMinute: 120 });
  });

  it.each([
    ['CCFLOW_DEFAULT_TIMEOUT', 'soon', 'defaultTimeoutMs'],
    ['CCFLOW_DEFAULT_TIMEOUT', '-1', 'defaultTimeoutMs'],
    ['CCFLOW_MAX_CONCURRENT_REQUESTS', '2.5', 'maxConcurrentRequests'],
    ['CCFLOW_TOON_ENABLED', 'maybe', 'toonEnabled'],
  ] as const)(
    'a bad %s (%s) is a ConfigurationError naming the variable, where it is read',
    (name, value, field) => {
      const config = loadConfig({ [name]: value });
      const error = thrown(() => config[field]);
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).field).toBe(name);
      expect((error as Error).message).toContain(JSON.stringify(value));
    },
  );

  it('a bad value fails only the field that reads it', () => {
    const config = loadConfig({ CCFLOW_RATE_LIMIT_PER_MINUTE: 'lots', CCFLOW_DEFAULT_TIMEOUT: '10' });
    expect(config.defaultTimeoutMs).toBe(10_000);
    expect(config.claudeCliPath).toBeUndefined();
    expect(() => config.rateLimitPerMinute).toThrow(/CCFLOW_RATE_LIMIT_PER_MINUTE/);
  });

  it('ignores the reference variables ccflow leaves to the OpenTelemetry SDK, whatever their value', () => {
    const config = loadConfig({
      CCFLOW_ENABLE_METRICS: 'perhaps',
      CCFLOW_LOG_LEVEL: 'LOUD',
      CCFLOW_LOG_FORMAT: 'xml',
    });
    expect({ ...config }).toEqual({ ...loadConfig({}) });
  });

  it('reads each variable once', () => {
    const env = { CCFLOW_DEFAULT_MODEL: 'opus' };
    const config = loadConfig(env);
    expect(config.defaultModel).toBe('opus');
    env.CCFLOW_DEFAULT_MODEL = 'haiku';
    expect(config.defaultModel).toBe('opus');
  });
});

describe('CONFIG', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    runtime.reset(CONFIG);
  });

  it('reads process.env once, and again after runtime.reset(CONFIG)', () => {
    vi.stubEnv('CCFLOW_DEFAULT_MODEL', 'opus');
    runtime.reset(CONFIG);
    const config = runtime.get(CONFIG);
    expect(config.defaultModel).toBe('opus');
    vi.stubEnv('CCFLOW_DEFAULT_MODEL', 'haiku');
    expect(runtime.get(CONFIG)).toBe(config);
    expect(runtime.get(CONFIG).defaultModel).toBe('opus');
    runtime.reset(CONFIG);
    expect(runtime.get(CONFIG).defaultModel).toBe('haiku');
  });
});
