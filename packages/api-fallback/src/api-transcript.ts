import { randomUUID } from 'node:crypto';
import type {
  Message as ApiMessage,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { costOf, type PriceTable } from '@ccflow/pricing';

type Obj = Record<string, unknown>;

/** Marks every line the API path writes (`raw.ccflow_served_by`), so a consumer can tell which path served. */
export const SERVED_BY_API = 'api';

export interface ApiTranscriptInit {
  sessionId: string;
  /** The model asked for (an id, aliases resolved). */
  model: string;
  /** Write `stream_event` lines for the raw events (the CLI's `--include-partial-messages`). */
  includePartial: boolean;
  /** Parse the answer's text as the structured output (the request had `jsonSchema`). */
  structured: boolean;
  /** Where `apiKeySource` came from: `ANTHROPIC_API_KEY` or `config`. */
  apiKeySource: string;
  prices: PriceTable;
  startedAt: number;
}

/**
 * The one conversion of the API path: a Messages API response becomes the lines the Claude Code CLI prints for a
 * turn in `stream-json`, which `@ccflow/parser`'s `MessageParser` turns into messages, so both paths yield the same
 * messages (`init`, one `assistant` line per content block, `stream_event` lines and the partial views and `stop`
 * from them when `includePartial`, a `result`) with no second set of rules for views. Two drivers feed it: `event`
 * for a streamed response (raw SSE events), `message` for a whole one; both end in `result`.
 *
 * The `result` carries the response's usage and its cost from `@ccflow/pricing` (`total_cost_usd`, and per model as
 * the CLI reports it, `model_usage_since_last_result`), so `turnCostUsd`, usage tracking and tracing read it as
 * they read the CLI's. Every line has `ccflow_served_by: 'api'`.
 */
export class ApiTranscript {
  readonly #init: ApiTranscriptInit;
  #messageId = '';
  #model: string;
  #usage: Obj = {};
  #stopReason: string | null = null;
  /** Blocks being streamed, by index. */
  readonly #open = new Map<number, { block: Obj; json: string }>();
  /** The text of the answer, from its text blocks. */
  #text = '';
  #apiStartedAt: number | undefined;
  #ttftMs: number | undefined;

  constructor(init: ApiTranscriptInit) {
    this.#init = init;
    this.#model = init.model;
  }

  /** The `system`/`init` line: no tools, no MCP servers, no cwd (the API path has none). */
  init(): Obj {
    const { sessionId, apiKeySource } = this.#init;
    return this.#line({
      type: 'system',
      subtype: 'init',
      session_id: sessionId,
      model: this.#model,
      tools: [],
      mcp_servers: [],
      apiKeySource,
    });
  }

  /** The lines for one event of a streamed response. */
  event(event: RawMessageStreamEvent): Obj[] {
    const e = event as unknown as Obj;
    const out: Obj[] = [];
    if (this.#init.includePartial) {
      out.push(
        this.#line({
          type: 'stream_event',
          event: e,
          parent_tool_use_id: null,
          session_id: this.#init.sessionId,
          api_message_id: this.#messageId || messageIdOf(e),
        }),
      );
    }
    switch (event.type) {
      case 'message_start':
        this.#start(event.message as unknown as Obj);
        break;
      case 'content_block_start':
        this.#open.set(event.index, { block: { ...(event.content_block as unknown as Obj) }, json: '' });
        break;
      case 'content_block_delta': {
        const open = this.#open.get(event.index);
        if (open) append(open, event.delta as unknown as Obj);
        break;
      }
      case 'content_block_stop': {
        const open = this.#open.get(event.index);
        if (!open) break;
        this.#open.delete(event.index);
        if (open.block.type === 'tool_use' || open.block.type === 'server_tool_use') {
          open.block.input = open.json === '' ? (open.block.input ?? {}) : parseJson(open.json);
        }
        out.push(this.#assistant(open.block));
        break;
      }
      case 'message_delta':
        this.#stopReason = event.delta.stop_reason ?? this.#stopReason;
        this.#usage = { ...this.#usage, ...withoutNulls(event.usage as unknown as Obj) };
        break;
    }
    return out;
  }

  /** The lines for a whole (not streamed) response. */
  message(message: ApiMessage): Obj[] {
    this.#start(message as unknown as Obj);
    this.#stopReason = message.stop_reason;
    return (message.content as unknown as Obj[]).map((block) => this.#assistant(block));
  }

  /**
   * The `result` line. A response cut short (no `message_delta`) never gets here: the client writes ccflow's
   * synthetic result instead. With a JSON schema, an answer that is not JSON is a failed result.
   */
  result(): Obj {
    const { sessionId, startedAt, structured, prices } = this.#init;
    const usage = this.#usage;
    const tokens = {
      inputTokens: count(usage.input_tokens),
      outputTokens: count(usage.output_tokens),
      cacheReadTokens: count(usage.cache_read_input_tokens),
      cacheWriteTokens: count(usage.cache_creation_input_tokens),
      cacheWrite1hTokens: count((usage.cache_creation as Obj | null | undefined)?.ephemeral_1h_input_tokens),
      webSearchRequests: count((usage.server_tool_use as Obj | null | undefined)?.web_search_requests),
    };
    const cost = costOf(this.#model, tokens, {
      prices,
      onUnknownModel: 'undefined',
      speed: typeof usage.speed === 'string' ? usage.speed : undefined,
      inferenceGeo: typeof usage.inference_geo === 'string' ? usage.inference_geo : undefined,
    });
    const costUsd = cost?.usd ?? 0;
    const modelUsage = {
      [this.#model]: {
        inputTokens: tokens.inputTokens,
        outputTokens: tokens.outputTokens,
        cacheReadInputTokens: tokens.cacheReadTokens,
        cacheCreationInputTokens: tokens.cacheWriteTokens,
        cacheCreationEphemeral1hInputTokens: tokens.cacheWrite1hTokens,
        webSearchRequests: tokens.webSearchRequests,
        costUSD: costUsd,
        ...(cost ? { canonicalModel: prices.resolve(this.#model)?.id } : {}),
        provider: 'firstParty',
      },
    };
    let structuredOutput: unknown;
    let failure: string | undefined;
    if (structured) {
      try {
        structuredOutput = JSON.parse(this.#text);
      } catch {
        failure = `the answer is not JSON, as the jsonSchema asked (stop reason ${this.#stopReason})`;
      }
    }
    const now = Date.now();
    return this.#line({
      type: 'result',
      subtype: failure ? 'error_during_execution' : 'success',
      is_error: failure !== undefined,
      session_id: sessionId,
      // As the CLI's failed results: no result text, the errors say why.
      ...(failure ? {} : { result: this.#text }),
      ...(structured && !failure ? { structured_output: structuredOutput } : {}),
      errors: failure ? [failure] : [],
      duration_ms: now - startedAt,
      duration_api_ms: now - (this.#apiStartedAt ?? startedAt),
      ...(this.#ttftMs === undefined ? {} : { ttft_ms: this.#ttftMs }),
      num_turns: 1,
      total_cost_usd: costUsd,
      usage: {
        ...usage,
        output_tokens_details: {
          thinking_tokens: count((usage.output_tokens_details as Obj | null | undefined)?.thinking_tokens),
        },
      },
      modelUsage,
      model_usage_since_last_result: modelUsage,
      permission_denials: [],
      stop_reason: this.#stopReason,
      api_error_status: null,
      terminal_reason: 'completed',
    });
  }

  /** Call when the request is sent, to time `duration_api_ms`. */
  sent(): void {
    this.#apiStartedAt = Date.now();
  }

  #start(message: Obj): void {
    this.#messageId = typeof message.id === 'string' ? message.id : '';
    if (typeof message.model === 'string' && message.model !== '') this.#model = message.model;
    this.#usage = withoutNulls((message.usage as Obj | undefined) ?? {});
    this.#ttftMs = Date.now() - (this.#apiStartedAt ?? this.#init.startedAt);
  }

  /** One `assistant` line per content block, as the CLI prints them. */
  #assistant(block: Obj): Obj {
    if (block.type === 'text' && typeof block.text === 'string') this.#text += block.text;
    return this.#line({
      type: 'assistant',
      message: {
        id: this.#messageId,
        type: 'message',
        role: 'assistant',
        model: this.#model,
        content: [block],
        stop_reason: null,
        stop_sequence: null,
        usage: this.#usage,
      },
      parent_tool_use_id: null,
      session_id: this.#init.sessionId,
    });
  }

  #line(fields: Obj): Obj {
    return { ...fields, uuid: randomUUID(), ccflow_served_by: SERVED_BY_API };
  }
}

function append(open: { block: Obj; json: string }, delta: Obj): void {
  const b = open.block;
  switch (delta.type) {
    case 'text_delta':
      b.text = `${typeof b.text === 'string' ? b.text : ''}${String(delta.text ?? '')}`;
      break;
    case 'thinking_delta':
      b.thinking = `${typeof b.thinking === 'string' ? b.thinking : ''}${String(delta.thinking ?? '')}`;
      break;
    case 'signature_delta':
      b.signature = String(delta.signature ?? '');
      break;
    case 'input_json_delta':
      open.json += String(delta.partial_json ?? '');
      break;
    case 'citations_delta':
      b.citations = [...(Array.isArray(b.citations) ? b.citations : []), delta.citation];
      break;
  }
}

function messageIdOf(e: Obj): string | undefined {
  const m = e.message as Obj | undefined;
  return typeof m?.id === 'string' ? m.id : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function withoutNulls(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}
