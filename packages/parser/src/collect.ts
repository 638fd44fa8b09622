import type { AssistantMessage, Message } from './messages.ts';

/**
 * All text of a stream, from its `text` views. `assistant` lines are not read: their text is always also in
 * views, so reading both would count it twice.
 */
export function collectText(messages: Iterable<Message>): string {
  let text = '';
  for (const m of messages) if (m.type === 'text') text += m.content;
  return text;
}

/** All thinking of a stream, from its `thinking` views (same rule as {@link collectText}). */
export function collectThinking(messages: Iterable<Message>): string {
  let thinking = '';
  for (const m of messages) if (m.type === 'thinking') thinking += m.content;
  return thinking;
}

/** The thinking blocks of one `assistant` line. */
export function extractThinkingFromAssistant(message: AssistantMessage): string {
  let thinking = '';
  for (const b of message.content)
    if (b.type === 'thinking' && typeof b.thinking === 'string') thinking += b.thinking;
  return thinking;
}

/**
 * Thinking tokens in raw `stream-json` events. The `result` lines' usage is authoritative (summed over turns);
 * without a result (a stream cut short), the CLI's running estimates (`system/thinking_tokens`) are summed.
 * Partial usage on `assistant` and `stream_event` lines is never counted.
 */
export function extractThinkingTokens(events: Iterable<unknown>): number {
  let fromResults = 0;
  let sawResult = false;
  let estimated = 0;
  for (const e of events) {
    const type = field(e, 'type');
    if (type === 'result') {
      sawResult = true;
      fromResults += count(field(field(field(e, 'usage'), 'output_tokens_details'), 'thinking_tokens'));
    } else if (type === 'system' && field(e, 'subtype') === 'thinking_tokens') {
      estimated += count(field(e, 'estimated_tokens_delta'));
    }
  }
  return sawResult ? fromResults : estimated;
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
}
