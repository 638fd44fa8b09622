import type { ContentSpec, MessageReply, StopReason, UsageSpec } from './reply.ts';

/** One server-sent event of the Messages API streaming format. */
export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
}

type ContentBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> };

/** A reply resolved against a request: ids, model, usage and stop reason fixed. */
export interface ResolvedMessage {
  id: string;
  model: string;
  content: ContentBlock[];
  stopReason: StopReason;
  usage: UsageSpec;
}

let counter = 0;
function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}_standin${String(counter).padStart(6, '0')}`;
}

export function resolveMessage(
  reply: MessageReply,
  requestModel: string,
  requestBytes: number,
): ResolvedMessage {
  const content = reply.content.map(toBlock);
  const outputChars = content.reduce((n, b) => n + JSON.stringify(b).length, 0);
  return {
    id: nextId('msg'),
    model: reply.model ?? requestModel,
    content,
    stopReason: reply.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    usage: {
      input_tokens: Math.max(1, Math.ceil(requestBytes / 4)),
      output_tokens: Math.max(1, Math.ceil(outputChars / 4)),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      ...reply.usage,
    },
  };
}

function toBlock(spec: ContentSpec): ContentBlock {
  switch (spec.type) {
    case 'text':
      return { type: 'text', text: spec.text };
    case 'thinking':
      return { type: 'thinking', thinking: spec.thinking, signature: spec.signature ?? '' };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: spec.data };
    case 'tool_use':
      return { type: 'tool_use', id: spec.id ?? nextId('toolu'), name: spec.name, input: spec.input };
  }
}

/** The whole message as the non-streaming API returns it. */
export function messageBody(m: ResolvedMessage): Record<string, unknown> {
  return {
    id: m.id,
    type: 'message',
    role: 'assistant',
    model: m.model,
    content: m.content,
    stop_reason: m.stopReason,
    stop_sequence: null,
    usage: m.usage,
  };
}

function chunks(text: string, size: number): string[] {
  if (text.length === 0) return [];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The message as the streaming API sends it, event by event. */
export function messageEvents(m: ResolvedMessage, deltaSize = 16): SseEvent[] {
  const ev = (event: string, data: Record<string, unknown>): SseEvent => ({
    event,
    data: { type: event, ...data },
  });
  const events: SseEvent[] = [
    ev('message_start', {
      message: {
        ...messageBody(m),
        content: [],
        stop_reason: null,
        usage: { ...m.usage, output_tokens: 1 },
      },
    }),
  ];
  m.content.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        events.push(ev('content_block_start', { index, content_block: { type: 'text', text: '' } }));
        for (const text of chunks(block.text, deltaSize))
          events.push(ev('content_block_delta', { index, delta: { type: 'text_delta', text } }));
        break;
      case 'thinking':
        events.push(
          ev('content_block_start', {
            index,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          }),
        );
        for (const thinking of chunks(block.thinking, deltaSize))
          events.push(ev('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }));
        events.push(
          ev('content_block_delta', {
            index,
            delta: { type: 'signature_delta', signature: block.signature },
          }),
        );
        break;
      case 'redacted_thinking':
        events.push(ev('content_block_start', { index, content_block: block }));
        break;
      case 'tool_use': {
        events.push(
          ev('content_block_start', {
            index,
            content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
          }),
        );
        for (const partial_json of chunks(JSON.stringify(block.input), deltaSize))
          events.push(
            ev('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }),
          );
        break;
      }
    }
    events.push(ev('content_block_stop', { index }));
  });
  events.push(
    ev('message_delta', {
      delta: { stop_reason: m.stopReason, stop_sequence: null },
      usage: m.usage,
    }),
    ev('message_stop', {}),
  );
  return events;
}

export function formatSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
