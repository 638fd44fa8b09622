import { jsonText } from './json-text.ts';
import type {
  AssistantMessage,
  ContentBlock,
  ErrorMessage,
  Message,
  ParseErrorCode,
  PermissionDenial,
  RateLimitInfo,
  ResultMessage,
  Usage,
} from './messages.ts';
import { HOOK_SUBTYPES, TASK_SUBTYPES } from './messages.ts';

type Obj = Record<string, unknown>;

/** How many recent API message ids and tool use ids the parser remembers to derive views. */
const MEMORY = 512;

/**
 * Turns decoded JSON lines into messages: the line-level message, then the block-level views derived from it.
 * Stateful only to keep the views exact (which API messages streamed partials, which tool a result answers);
 * pure otherwise, and total: any value becomes messages, nothing throws.
 */
export class MessageParser {
  #line = 0;
  readonly #streamed = new RecentSet();
  readonly #toolNames = new Map<string, string>();
  #streamingMessageId: string | undefined;
  /** The last rate-limit status since the last result, given to the next result. */
  #rateLimit: RateLimitInfo | undefined;

  /** Parses one decoded line. `line` is its 1-based number (defaults to counting calls). */
  parse(value: unknown, line = this.#line + 1): Message[] {
    this.#line = line;
    try {
      return this.#parse(value, line);
    } catch {
      // Only a value JSON.parse cannot give gets here (a throwing getter, a revoked proxy).
      return [invalid('invalid_message', 'value could not be read', line, value)];
    }
  }

  #parse(value: unknown, line: number): Message[] {
    if (!isObj(value)) return [invalid('invalid_message', 'line is JSON but not an object', line, value)];
    switch (value.type) {
      case 'system':
        return [this.#system(value, line)];
      case 'assistant':
        return this.#assistant(value, line);
      case 'user':
        return this.#user(value, line);
      case 'stream_event':
        return this.#streamEvent(value, line);
      case 'result': {
        const out = result(value, line, this.#rateLimit);
        this.#rateLimit = undefined;
        return [out];
      }
      case 'rate_limit_event': {
        const info = rateLimitInfo(value.rate_limit_info);
        if (info === undefined)
          return [invalid('invalid_message', 'rate_limit_event without rate_limit_info.status', line, value)];
        this.#rateLimit = info;
        return [{ type: 'rate_limit_event', ...ids(value), ...info, raw: value }];
      }
      case 'tool_progress':
        return [
          {
            type: 'tool_progress',
            ...ids(value),
            toolUseId: str(value.tool_use_id),
            toolName: str(value.tool_name),
            parentToolUseId: optStr(value.parent_tool_use_id) ?? null,
            elapsedMs: Math.round(num(value.elapsed_time_seconds) * 1000),
            taskId: optStr(value.task_id),
            raw: value,
          },
        ];
      case 'tool_use_summary':
        return [
          {
            type: 'tool_use_summary',
            ...ids(value),
            summary: str(value.summary),
            precedingToolUseIds: strings(value.preceding_tool_use_ids),
            raw: value,
          },
        ];
      case 'auth_status':
        return [
          {
            type: 'auth_status',
            ...ids(value),
            isAuthenticating: value.isAuthenticating === true,
            output: strings(value.output),
            error: optStr(value.error),
            raw: value,
          },
        ];
      default:
        return [
          {
            type: 'unknown',
            ...ids(value),
            rawType: typeof value.type === 'string' ? value.type : undefined,
            raw: value,
          },
        ];
    }
  }

  /** A line the decoder could not turn into JSON, or a chunk it could not read (`raw`). */
  invalidLine(
    code: ParseErrorCode,
    message: string,
    line: number,
    text: string,
    bytes: number,
    raw?: unknown,
  ): ErrorMessage {
    this.#line = line;
    return { type: 'error', code, message, line, text, bytes, raw };
  }

  #system(o: Obj, line: number): Message {
    const subtype = o.subtype;
    // No `{ ...base, more }` in this file: on Node 20 an object literal starting with a spread costs ~1.6 µs and a
    // fresh hidden class each time (old-space growth), against ~50 ns for a spread after a first property.
    const id = ids(o);
    switch (subtype) {
      case 'init':
        if (typeof o.session_id !== 'string')
          return invalid('invalid_message', 'init without session_id', line, o);
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          sessionId: o.session_id,
          cwd: str(o.cwd),
          model: str(o.model),
          tools: strings(o.tools),
          mcpServers: Array.isArray(o.mcp_servers)
            ? o.mcp_servers.filter(isObj).map((s) => ({ ...s, name: str(s.name) }))
            : [],
          permissionMode: str(o.permissionMode),
          apiKeySource: optStr(o.apiKeySource),
          claudeCodeVersion: optStr(o.claude_code_version),
          agents: optStrings(o.agents),
          slashCommands: optStrings(o.slash_commands),
          skills: optStrings(o.skills),
          outputStyle: optStr(o.output_style),
        };
      case 'status':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          status: typeof o.status === 'string' ? o.status : null,
        };
      case 'api_retry':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          attempt: num(o.attempt),
          maxRetries: num(o.max_retries),
          retryDelayMs: num(o.retry_delay_ms),
          errorStatus: typeof o.error_status === 'number' ? o.error_status : null,
          error: str(o.error),
        };
      case 'thinking_tokens':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          estimatedTokens: num(o.estimated_tokens),
          estimatedTokensDelta: num(o.estimated_tokens_delta),
        };
      case 'permission_denied':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          toolName: str(o.tool_name),
          toolUseId: str(o.tool_use_id),
          message: str(o.message),
        };
      case 'compact_boundary': {
        const meta = isObj(o.compact_metadata) ? o.compact_metadata : {};
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          trigger: str(meta.trigger),
          preTokens: num(meta.pre_tokens),
          postTokens: optNum(meta.post_tokens),
        };
      }
      case 'background_tasks_changed':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          tasks: Array.isArray(o.tasks)
            ? o.tasks.filter(isObj).map((t) => ({
                taskId: str(t.task_id),
                taskType: str(t.task_type),
                description: str(t.description),
              }))
            : [],
        };
      case 'informational':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          content: str(o.content),
          level: str(o.level),
          toolUseId: optStr(o.tool_use_id),
        };
      case 'notification':
        return {
          type: 'system' as const,
          ...id,
          raw: o,
          subtype,
          key: str(o.key),
          text: str(o.text),
          priority: str(o.priority),
        };
      default:
        if ((TASK_SUBTYPES as readonly unknown[]).includes(subtype)) {
          const patch = isObj(o.patch) ? o.patch : {};
          return {
            type: 'system' as const,
            ...id,
            raw: o,
            subtype: subtype as (typeof TASK_SUBTYPES)[number],
            taskId: str(o.task_id),
            toolUseId: optStr(o.tool_use_id),
            description: optStr(o.description) ?? optStr(patch.description),
            status: optStr(o.status) ?? optStr(patch.status),
            summary: optStr(o.summary),
          };
        }
        if ((HOOK_SUBTYPES as readonly unknown[]).includes(subtype)) {
          return {
            type: 'system' as const,
            ...id,
            raw: o,
            subtype: subtype as (typeof HOOK_SUBTYPES)[number],
            hookId: str(o.hook_id),
            hookName: str(o.hook_name),
            hookEvent: str(o.hook_event),
            outcome: optStr(o.outcome),
            exitCode: typeof o.exit_code === 'number' ? o.exit_code : undefined,
            stdout: optStr(o.stdout),
            stderr: optStr(o.stderr),
          };
        }
        return { type: 'unknown_system', subtype: str(subtype), ...ids(o), raw: o };
    }
  }

  #assistant(o: Obj, line: number): Message[] {
    const m = o.message;
    if (!isObj(m) || !Array.isArray(m.content)) {
      return [invalid('invalid_message', 'assistant line without message.content', line, o)];
    }
    const content = m.content.filter(isObj) as ContentBlock[];
    const messageId = str(m.id);
    const parentToolUseId = optStr(o.parent_tool_use_id) ?? null;
    const msg: AssistantMessage = {
      type: 'assistant',
      ...ids(o),
      messageId,
      model: str(m.model),
      content,
      stopReason: optStr(m.stop_reason) ?? null,
      usage: isObj(m.usage) ? m.usage : {},
      parentToolUseId,
      textContent: textOf(content),
      error: optStr(o.error),
      raw: o,
    };
    const out: Message[] = [msg];
    // The CLI's own error notice (model "<synthetic>") is not model output: the result carries the error.
    if (msg.error !== undefined) return out;
    const id = ids(o);
    const streamed = this.#streamed.has(messageId);
    for (const block of content) {
      if (block.type === 'tool_use') {
        const toolUseId = str(block.id);
        const tool = str(block.name);
        this.#rememberTool(toolUseId, tool);
        out.push({
          type: 'tool_use',
          ...id,
          messageId,
          parentToolUseId,
          toolUseId,
          tool,
          args: block.input ?? {},
        });
      } else if (streamed) {
        // text and thinking of this API message were already given as streamed deltas
      } else if (block.type === 'text' && typeof block.text === 'string') {
        out.push({ type: 'text', ...id, messageId, parentToolUseId, content: block.text, partial: false });
      } else if (block.type === 'thinking' && typeof block.thinking === 'string') {
        out.push({
          type: 'thinking',
          ...id,
          messageId,
          parentToolUseId,
          content: block.thinking,
          signature: optStr(block.signature),
          partial: false,
        });
      }
    }
    return out;
  }

  #user(o: Obj, line: number): Message[] {
    const m = o.message;
    const content = isObj(m) ? m.content : undefined;
    if (typeof content !== 'string' && !Array.isArray(content)) {
      return [invalid('invalid_message', 'user line without message.content', line, o)];
    }
    const parentToolUseId = optStr(o.parent_tool_use_id) ?? null;
    const blocks = typeof content === 'string' ? content : (content.filter(isObj) as ContentBlock[]);
    const out: Message[] = [
      {
        type: 'user',
        ...ids(o),
        content: blocks,
        toolUseResult: o.tool_use_result,
        parentToolUseId,
        isSynthetic: o.isSynthetic === true,
        isReplay: o.isReplay === true,
        raw: o,
      },
    ];
    if (typeof blocks === 'string') return out;
    for (const block of blocks) {
      if (block.type !== 'tool_result') continue;
      const toolUseId = str(block.tool_use_id);
      out.push({
        type: 'tool_result',
        ...ids(o),
        parentToolUseId,
        toolUseId,
        tool: this.#toolNames.get(toolUseId),
        result: resultText(block.content),
        isError: block.is_error === true,
        structured: o.tool_use_result,
      });
      this.#toolNames.delete(toolUseId);
    }
    return out;
  }

  #streamEvent(o: Obj, line: number): Message[] {
    const event = o.event;
    if (!isObj(event) || typeof event.type !== 'string') {
      return [invalid('invalid_message', 'stream_event without event.type', line, o)];
    }
    if (event.type === 'message_start' && isObj(event.message) && typeof event.message.id === 'string') {
      this.#streamingMessageId = event.message.id;
    }
    const messageId = optStr(o.api_message_id) ?? this.#streamingMessageId;
    if (messageId !== undefined) this.#streamed.add(messageId);
    const parentToolUseId = optStr(o.parent_tool_use_id) ?? null;
    const out: Message[] = [
      {
        type: 'stream_event',
        ...ids(o),
        event: event as Obj & { type: string },
        messageId,
        parentToolUseId,
        raw: o,
      },
    ];
    const id = ids(o);
    if (event.type === 'content_block_delta' && isObj(event.delta)) {
      const d = event.delta;
      if (d.type === 'text_delta' && typeof d.text === 'string') {
        out.push({ type: 'text', ...id, messageId, parentToolUseId, content: d.text, partial: true });
      } else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') {
        out.push({
          type: 'thinking',
          ...id,
          messageId,
          parentToolUseId,
          content: d.thinking,
          signature: undefined,
          partial: true,
        });
      }
    } else if (event.type === 'message_delta') {
      const delta = isObj(event.delta) ? event.delta : {};
      out.push({
        type: 'stop',
        ...id,
        messageId,
        parentToolUseId,
        stopReason: optStr(delta.stop_reason) ?? null,
        usage: isObj(event.usage) ? event.usage : {},
      });
    }
    return out;
  }

  #rememberTool(id: string, name: string): void {
    this.#toolNames.set(id, name);
    if (this.#toolNames.size > MEMORY) this.#toolNames.delete(this.#toolNames.keys().next().value!);
  }
}

/** The sum of the per-model costs the CLI reports for this turn, else its running total (see `turnCostUsd`). */
function turnCost(o: Obj): number {
  const since = o.model_usage_since_last_result;
  if (!isObj(since)) return num(o.total_cost_usd);
  let sum = 0;
  for (const usage of Object.values(since)) if (isObj(usage)) sum += num(usage.costUSD);
  return sum;
}

function result(o: Obj, line: number, rateLimit: RateLimitInfo | undefined): Message {
  if (typeof o.subtype !== 'string') return invalid('invalid_message', 'result without subtype', line, o);
  const usage = isObj(o.usage) ? o.usage : {};
  const details = isObj(usage.output_tokens_details) ? usage.output_tokens_details : {};
  const parsedUsage: Usage = {
    inputTokens: num(usage.input_tokens),
    outputTokens: num(usage.output_tokens),
    cacheCreationInputTokens: num(usage.cache_creation_input_tokens),
    cacheReadInputTokens: num(usage.cache_read_input_tokens),
    thinkingTokens: num(details.thinking_tokens),
  };
  const msg: ResultMessage = {
    type: 'result',
    ...ids(o),
    sessionId: str(o.session_id),
    subtype: o.subtype,
    isError: o.is_error === true || o.subtype !== 'success',
    result: typeof o.result === 'string' ? o.result : null,
    structuredOutput: o.structured_output,
    errors: strings(o.errors),
    durationMs: num(o.duration_ms),
    durationApiMs: num(o.duration_api_ms),
    numTurns: num(o.num_turns),
    totalCostUsd: num(o.total_cost_usd),
    turnCostUsd: turnCost(o),
    usage: parsedUsage,
    modelUsage: records(o.modelUsage),
    permissionDenials: Array.isArray(o.permission_denials)
      ? o.permission_denials.filter(isObj).map(denial)
      : [],
    stopReason: optStr(o.stop_reason) ?? null,
    apiErrorStatus: typeof o.api_error_status === 'number' ? o.api_error_status : null,
    apiError: optStr(o.api_error),
    terminalReason: optStr(o.terminal_reason),
    ttftMs: optNum(o.ttft_ms),
    rateLimit,
    raw: o,
  };
  return msg;
}

function denial(d: Obj): PermissionDenial {
  return {
    toolName: str(d.tool_name),
    toolUseId: str(d.tool_use_id),
    toolInput: isObj(d.tool_input) ? d.tool_input : {},
  };
}

/** A `rate_limit_info` with its times in ms; undefined without a status. */
function rateLimitInfo(v: unknown): RateLimitInfo | undefined {
  if (!isObj(v) || typeof v.status !== 'string') return undefined;
  const resetsAt = optNum(v.resetsAt);
  return {
    status: v.status,
    resetsAt: resetsAt === undefined ? undefined : resetsAt * 1000,
    rateLimitType: optStr(v.rateLimitType),
    utilization: optNum(v.utilization),
    isUsingOverage: typeof v.isUsingOverage === 'boolean' ? v.isUsingOverage : undefined,
  };
}

function invalid(code: ParseErrorCode, message: string, line: number, raw: unknown): ErrorMessage {
  const text = jsonText(raw);
  return { type: 'error', code, message, line, text, bytes: utf8.encode(text).length, raw };
}

const utf8 = new TextEncoder();

function textOf(content: ContentBlock[]): string {
  let text = '';
  for (const b of content) if (b.type === 'text' && typeof b.text === 'string') text += b.text;
  return text;
}

/** A tool result's content as text: strings as they are, text blocks joined, other blocks as JSON. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return content === undefined ? '' : jsonText(content);
  return content
    .map((b) => (isObj(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : jsonText(b)))
    .join('\n');
}

function ids(o: Obj): { sessionId?: string; uuid?: string } {
  const out: { sessionId?: string; uuid?: string } = {};
  if (typeof o.session_id === 'string') out.sessionId = o.session_id;
  if (typeof o.uuid === 'string') out.uuid = o.uuid;
  return out;
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
function optNum(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
function optStrings(v: unknown): string[] | undefined {
  return Array.isArray(v) ? strings(v) : undefined;
}
function records(v: unknown): Record<string, Obj> {
  if (!isObj(v)) return {};
  const out: Record<string, Obj> = {};
  for (const [k, r] of Object.entries(v)) if (isObj(r)) out[k] = r;
  return out;
}

/** A set that forgets its oldest entries past {@link MEMORY}. */
class RecentSet {
  readonly #set = new Set<string>();
  has(v: string): boolean {
    return this.#set.has(v);
  }
  add(v: string): void {
    if (this.#set.has(v)) return;
    this.#set.add(v);
    if (this.#set.size > MEMORY) this.#set.delete(this.#set.values().next().value!);
  }
}
