import type { CLIAgentOptions } from '@ccflow/core';

/** What a redacted value becomes: the key stays, so a reader sees that something was set. */
export const REDACTED = '[redacted]';

/**
 * Keys whose values are credentials wherever they appear (case-insensitive, `_` and `-` ignored). `token` but not
 * `tokens`: `maxTokens` is a limit, `authToken` a credential.
 */
const SECRET_KEY = /apikey|token(?!s)|secret|password|passwd|authorization|cookie|credential|privatekey/i;
/** Objects whose every value may be a credential: environments and HTTP headers. */
const SECRET_MAPS = new Set(['env', 'headers']);
/** Anthropic keys and bearer credentials found inside any string. */
const SECRET_TEXT = /sk-ant-[A-Za-z0-9_-]+|Bearer\s+[A-Za-z0-9._~+/=-]+/g;

/**
 * The options of a turn as a trace may keep them: JSON-safe, and without secrets. Unlike the session store's
 * `storableOptions` (which drops them), the keys stay so a trace shows what was configured: the values of every
 * `env` and `headers` map (the turn's, `settings.env`, MCP servers') become `[redacted]`, so do values under keys that
 * name a credential (`apiKey`, `token`, `secret`, `password`, `authorization`, `cookie`, ... at any depth), and any
 * Anthropic key (`sk-ant-...`) or bearer token inside a string. Functions (`onStderr`) are dropped.
 */
export function redactOptions(options: CLIAgentOptions | Record<string, unknown>): Record<string, unknown> {
  return (redact(options, false, new WeakSet()) ?? {}) as Record<string, unknown>;
}

/** Any JSON-safe value with the same rules, for other records that may carry credentials. */
export function redactValue(value: unknown): unknown {
  return redact(value, false, new WeakSet());
}

function redact(value: unknown, secret: boolean, seen: WeakSet<object>): unknown {
  if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) return undefined;
  if (typeof value === 'bigint') return secret ? REDACTED : value.toString();
  if (value === null || typeof value !== 'object') {
    if (secret) return REDACTED;
    return typeof value === 'string' ? value.replace(SECRET_TEXT, REDACTED) : value;
  }
  if (seen.has(value)) return undefined;
  seen.add(value);
  try {
    if (value instanceof Date) return secret ? REDACTED : value.toISOString();
    if (Array.isArray(value)) return value.map((v) => redact(v, secret, seen) ?? null);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const keySecret = secret || SECRET_KEY.test(key.replace(/[-_]/g, ''));
      const r =
        SECRET_MAPS.has(key) && v !== null && typeof v === 'object' && !Array.isArray(v)
          ? redactMap(v as Record<string, unknown>)
          : redact(v, keySecret, seen);
      if (r !== undefined) out[key] = r;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

/** An environment or header map: keep the names, hide every value. */
function redactMap(map: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(map))
    if (typeof v !== 'function' && v !== undefined) out[key] = REDACTED;
  return out;
}
