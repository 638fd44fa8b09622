import { z } from 'zod';
import { ConfigurationError } from './errors.ts';
import { runtimeKey } from './runtime.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => ['true', '1', 'yes'].includes(v));
const positive = z.coerce.number().positive();

/**
 * The `CCFLOW_*` environment variables ccflow reads, each with its default. The reference's `CCFLOW_ENABLE_METRICS`,
 * `CCFLOW_LOG_LEVEL` and `CCFLOW_LOG_FORMAT` are not among them: ccflow writes no logs and records telemetry only
 * through `@opentelemetry/api`, so whether and how spans and metrics are exported is the application's SDK setup
 * (`OTEL_SDK_DISABLED`, `OTEL_METRICS_EXPORTER`, ...). They are ignored, never refused: a program may set them for
 * something else.
 */
const variables = {
  CCFLOW_CLAUDE_CLI_PATH: z.string().min(1).optional(),
  /** Unset: the CLI's own default model (which follows the user's Claude Code configuration). */
  CCFLOW_DEFAULT_MODEL: z.string().min(1).optional(),
  /** Seconds, as in the reference. */
  CCFLOW_DEFAULT_TIMEOUT: positive.default(300),
  CCFLOW_SESSION_STORAGE_PATH: z.string().min(1).optional(),
  CCFLOW_TOON_ENABLED: bool.default(true),
  CCFLOW_MAX_CONCURRENT_REQUESTS: z.coerce.number().int().positive().default(10),
  CCFLOW_RATE_LIMIT_PER_MINUTE: positive.default(60),
};

export interface CCFlowConfig {
  /** `CCFLOW_CLAUDE_CLI_PATH`: the CLI to run when no `cliPath` is given. */
  readonly claudeCliPath: string | undefined;
  /** `CCFLOW_DEFAULT_MODEL`: `model` when the options set none. */
  readonly defaultModel: string | undefined;
  /** `CCFLOW_DEFAULT_TIMEOUT` (seconds), in ms: `timeoutMs` when the options set none. */
  readonly defaultTimeoutMs: number;
  /** `CCFLOW_SESSION_STORAGE_PATH`: the SQLite stores' file when they are given none. */
  readonly sessionStoragePath: string | undefined;
  /** `CCFLOW_TOON_ENABLED`: `toon.enabled` when the options set none. */
  readonly toonEnabled: boolean;
  /** `CCFLOW_MAX_CONCURRENT_REQUESTS`: the process-wide limiter's concurrency. */
  readonly maxConcurrentRequests: number;
  /** `CCFLOW_RATE_LIMIT_PER_MINUTE`: the process-wide limiter's rate. */
  readonly rateLimitPerMinute: number;
}

type Variable = keyof typeof variables;
type Read = <V extends Variable>(name: V) => z.output<(typeof variables)[V]>;

/** Each field from its variable. */
const fields: { [K in keyof CCFlowConfig]: (read: Read) => CCFlowConfig[K] } = {
  claudeCliPath: (read) => read('CCFLOW_CLAUDE_CLI_PATH'),
  defaultModel: (read) => read('CCFLOW_DEFAULT_MODEL'),
  defaultTimeoutMs: (read) => read('CCFLOW_DEFAULT_TIMEOUT') * 1000,
  sessionStoragePath: (read) => read('CCFLOW_SESSION_STORAGE_PATH'),
  toonEnabled: (read) => read('CCFLOW_TOON_ENABLED'),
  maxConcurrentRequests: (read) => read('CCFLOW_MAX_CONCURRENT_REQUESTS'),
  rateLimitPerMinute: (read) => read('CCFLOW_RATE_LIMIT_PER_MINUTE'),
};

/**
 * The `CCFLOW_*` configuration of `env`. Each variable is read and validated when its field is first read, then
 * kept: a bad value throws `ConfigurationError` naming the variable, and only where that field is used (a typo in
 * `CCFLOW_RATE_LIMIT_PER_MINUTE` fails the limiter, not every query).
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): CCFlowConfig {
  const read: Read = (name) => {
    const raw = env[name];
    const parsed = variables[name].safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      throw new ConfigurationError({
        field: name,
        problem: `${parsed.error.issues[0]?.message} (got ${JSON.stringify(raw)})`,
      });
    }
    return parsed.data as never;
  };
  const config = {} as CCFlowConfig;
  for (const [key, field] of Object.entries(fields)) {
    Object.defineProperty(config, key, {
      enumerable: true,
      get() {
        const value = field(read);
        Object.defineProperty(config, key, { value, enumerable: true });
        return value;
      },
      configurable: true,
    });
  }
  return config;
}

/** The process's configuration, read from `process.env` on first use; `runtime.reset(CONFIG)` reads it again. */
export const CONFIG = runtimeKey<CCFlowConfig>('@ccflow/core:config', () => loadConfig(process.env));
