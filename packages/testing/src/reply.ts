/**
 * The typed script of the Messages API stand-in: each request to `POST /v1/messages` is answered by the next
 * `Reply` in the queue (or by a function of the request). No magic words in prompts: a test says what comes back.
 */

export type ContentSpec =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature?: string }
  | { type: 'redacted_thinking'; data: string }
  | { type: 'tool_use'; id?: string; name: string; input: Record<string, unknown> };

export interface UsageSpec {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  /** The API's split of `cache_creation_input_tokens` by cache lifetime (the CLI prices 1-hour writes higher). */
  cache_creation?: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  /** `fast` when the request ran in fast mode, which the CLI prices at the model's fast rates. */
  speed?: 'standard' | 'fast';
  /** Where inference ran; the CLI prices `us` at 1.1 times. */
  inference_geo?: string;
  server_tool_use?: { web_search_requests: number };
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn';

/** A successful message, streamed as SSE when the request asks for `stream: true`, else as one JSON body. */
export interface MessageReply {
  type: 'message';
  content: ContentSpec[];
  /** Defaults to `tool_use` when the content has a tool call, else `end_turn`. */
  stopReason?: StopReason;
  /** Defaults to the model the request named. */
  model?: string;
  /** Defaults are derived from the sizes of the request and the content. */
  usage?: Partial<UsageSpec>;
  /** Pause before every SSE event (a slow stream). */
  eventDelayMs?: number;
  /** Send this many SSE events, then nothing more until the client goes away (a stalled stream). */
  stallAfterEvents?: number;
  /** Send this many SSE events, then destroy the connection (a stream cut mid-way). */
  cutAfterEvents?: number;
  /** Split each text and thinking block into deltas of at most this many characters (default 16). */
  deltaSize?: number;
  /** Extra response headers, e.g. the `anthropic-ratelimit-unified-*` ones the CLI reports as `rate_limit_event`. */
  headers?: Record<string, string>;
}

/** An HTTP error in the Messages API's own shape. */
export interface ErrorReply {
  type: 'error';
  status: number;
  /** Defaults from the status: 400 invalid_request_error, 401 authentication_error, 429 rate_limit_error, ... */
  errorType?: string;
  message?: string;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
  /** Extra response headers (see {@link MessageReply.headers}). */
  headers?: Record<string, string>;
}

export type Reply = MessageReply | ErrorReply;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? 'api_error';
}

type MessageExtras = Omit<MessageReply, 'type' | 'content'>;

/** Builders for the common replies. */
export const reply = {
  message(content: ContentSpec[], extras: MessageExtras = {}): MessageReply {
    return { type: 'message', content, ...extras };
  },
  text(text: string, extras: MessageExtras = {}): MessageReply {
    return { type: 'message', content: [{ type: 'text', text }], ...extras };
  },
  /** A thinking block (with a signature, as the API sends) followed by text. */
  thinking(thinking: string, text: string, extras: MessageExtras = {}): MessageReply {
    return {
      type: 'message',
      content: [
        { type: 'thinking', thinking, signature: fakeSignature(thinking) },
        { type: 'text', text },
      ],
      ...extras,
    };
  },
  toolUse(
    name: string,
    input: Record<string, unknown>,
    extras: MessageExtras & { id?: string } = {},
  ): MessageReply {
    const { id, ...rest } = extras;
    return { type: 'message', content: [{ type: 'tool_use', name, input, ...(id ? { id } : {}) }], ...rest };
  },
  /** A `StructuredOutput` tool call: how the CLI's `--json-schema` gets its answer from the model. */
  structured(output: Record<string, unknown>, extras: MessageExtras = {}): MessageReply {
    return {
      type: 'message',
      content: [{ type: 'tool_use', name: 'StructuredOutput', input: output }],
      ...extras,
    };
  },
  error(status: number, extras: Omit<ErrorReply, 'type' | 'status'> = {}): ErrorReply {
    return { type: 'error', status, ...extras };
  },
  overloaded(): ErrorReply {
    return { type: 'error', status: 529, message: 'Overloaded' };
  },
  rateLimited(retryAfter = 1): ErrorReply {
    return { type: 'error', status: 429, message: 'Rate limited', retryAfter };
  },
};

export function fakeSignature(seed: string): string {
  return Buffer.from(`sig:${seed.length}:${seed.slice(0, 24)}`).toString('base64');
}
