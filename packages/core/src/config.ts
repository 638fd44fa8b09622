import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));
const positive = z.coerce.number().positive();

/** The `CCFLOW_*` environment variables, each with its default. */
const variables = {
  CCFLOW_CLAUDE_CLI_PATH: z.string().min(1).optional(),
  /** Unset: the CLI's own default model (which follows the user's Claude Code configuration). */
  CCFLOW_DEFAULT_MODEL: z.string().min(1).optional(),
  /** Seconds, as in the reference. */
  CCFLOW_DEFAULT_TIMEOUT: positive.default(300),
  CCFLOW_SESSION_STORAGE_PATH: z.string().min(1).optional(),
  CCFLOW_TOON_ENABLED: bool.default(true),
  CCFLOW_ENABLE_METRICS: bool.default(true),
  CCFLOW_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']).default('INFO'),
  CCFLOW_LOG_FORMAT: z.enum(['console', 'json']).default('console'),
  CCFLOW_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().positive().default(10),
  CCFLOW_RATE_LIMIT_PER_MINUTE: positive.default(60),
};

export interface CCFlowConfig {
  claudeCliPath: string | undefined;
  defaultModel: string | undefined;
  defaultTimeoutMs: number;
  sessionStoragePath: string | undefined;
  toonEnabled: boolean;
  enableMetrics: boolean;
  logLevel: 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';
  logFormat: 'console' | 'json';
  maxConcurrentRequests: number;
  rateLimitPerMinute: number;
}

/** Reads and validates the `CCFLOW_*` variables; a bad value throws `ConfigurationError` naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): CCFlowConfig {
  const read = <K extends keyof typeof variables>(name: K): z.output<(typeof variables)[K]> => {
    const raw = env[name];
    const parsed = variables[name].safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      throw new ConfigurationError(name, `${parsed.error.issues[0]?.message} (got ${JSON.stringify(raw)})`);
    }
    return parsed.data as z.output<(typeof variables)[K]>;
  };
  return {
    claudeCliPath: read('CCFLOW_CLAUDE_CLI_PATH'),
    defaultModel: read('CCFLOW_DEFAULT_MODEL'),
    defaultTimeoutMs: read('CCFLOW_DEFAULT_TIMEOUT') * 1000,
    sessionStoragePath: read('CCFLOW_SESSION_STORAGE_PATH'),
    toonEnabled: read('CCFLOW_TOON_ENABLED'),
    enableMetrics: read('CCFLOW_ENABLE_METRICS'),
    logLevel: read('CCFLOW_LOG_LEVEL'),
    logFormat: read('CCFLOW_LOG_FORMAT'),
    maxConcurrentRequests: read('CCFLOW_MAX_CONCURRENT_REQUESTS'),
    rateLimitPerMinute: read('CCFLOW_RATE_LIMIT_PER_MINUTE'),
  };
}
