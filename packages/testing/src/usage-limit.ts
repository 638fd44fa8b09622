import { type ErrorReply, type MessageReply, reply } from './reply.ts';

const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * The CLI reads the API's `anthropic-ratelimit-unified-*` headers (and prints `rate_limit_event`, and its usage-limit
 * result) only for a subscription login or an enterprise gateway. A gateway is an `ANTHROPIC_BASE_URL` other than
 * Anthropic's with an `ANTHROPIC_AUTH_TOKEN` whose JWT audience is `claude-gateway`: this environment makes the
 * sandboxed CLI one, unsigned (the CLI only reads the audience). It replaces the sandbox's API key.
 */
export const GATEWAY_ENV: Readonly<Record<string, string>> = {
  ANTHROPIC_API_KEY: '',
  ANTHROPIC_AUTH_TOKEN: `${base64url('{"alg":"none","typ":"JWT"}')}.${base64url('{"aud":"claude-gateway","sub":"ccflow-test"}')}.c2ln`,
};

export interface RateLimitHeaders {
  status: 'allowed' | 'allowed_warning' | 'rejected';
  /** When the limit resets, in ms since the epoch (sent in seconds, as the API does). */
  resetsAt: number;
  /** Default `five_hour`. */
  claim?: 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet' | 'overage';
}

/** The unified rate-limit headers of an API response. */
export function rateLimitHeaders({
  status,
  resetsAt,
  claim = 'five_hour',
}: RateLimitHeaders): Record<string, string> {
  return {
    'anthropic-ratelimit-unified-status': status,
    'anthropic-ratelimit-unified-reset': String(Math.floor(resetsAt / 1000)),
    'anthropic-ratelimit-unified-representative-claim': claim,
  };
}

/** A usage-limit rejection: a 429 whose headers say the account's limit is reached until `resetsAt` (ms). */
export function usageLimitReply(resetsAt: number, claim?: RateLimitHeaders['claim']): ErrorReply {
  return reply.error(429, {
    message: 'usage limit reached',
    headers: rateLimitHeaders({ status: 'rejected', resetsAt, claim }),
  });
}

/** A normal answer that also reports the account's rate-limit status. */
export function textWithRateLimit(text: string, limit: RateLimitHeaders): MessageReply {
  return reply.text(text, { headers: rateLimitHeaders(limit) });
}
