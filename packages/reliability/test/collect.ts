import type { Message } from '@ccflow/parser';

/** Reads a stream to its end: every message, and the error it ended with. */
export async function collect(
  stream: AsyncIterable<Message>,
  stopAfter?: (m: Message) => boolean,
): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of stream) {
      messages.push(m);
      if (stopAfter?.(m)) break;
    }
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

/** `type` or `type/subtype`, and the text of text views: a stream at a glance. */
export function shape(messages: readonly Message[]): string[] {
  return messages.map((m) => {
    if (m.type === 'system') return `system/${m.subtype}`;
    if (m.type === 'text') return `text:${m.content}`;
    if (m.type === 'result')
      return m.isError ? `result:error${m.apiErrorStatus ? `:${m.apiErrorStatus}` : ''}` : 'result';
    if (m.type === 'assistant' && m.error !== undefined) return 'assistant:api-error';
    return m.type;
  });
}
