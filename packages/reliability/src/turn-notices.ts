import type { Message, RateLimitEventMessage } from '@ccflow/parser';

/** The arguments `errorFromResult` takes beside the result: the turn's error notice and rate-limit event. */
export function turnNotices(
  messages: readonly Message[],
): [string | undefined, RateLimitEventMessage | undefined] {
  let notice: string | undefined;
  let rateLimit: RateLimitEventMessage | undefined;
  for (const m of messages) {
    if (m.type === 'assistant' && m.error !== undefined) notice = m.error;
    if (m.type === 'rate_limit_event') rateLimit = m;
  }
  return [notice, rateLimit];
}
