import type { Message } from '@ccflow/parser';
import {
  type Context,
  context,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { getCorrelationId } from './correlation.ts';
import { CCFlowError } from './errors.ts';
import { type ExecuteRequest, type Executor, ExecutorDecorator } from './executor.ts';
import { iterateInContext } from './iterate-in-context.ts';
import { Redactor } from './redaction.ts';

const TRACER_NAME = '@ccflow/core';

/** GenAI semantic-convention attribute names, plus ccflow's own. */
export const ATTR = {
  operation: 'gen_ai.operation.name',
  provider: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  conversationId: 'gen_ai.conversation.id',
  agentName: 'gen_ai.agent.name',
  /** All input tokens, cached ones included (as the conventions ask; the API's `input_tokens` excludes them). */
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadTokens: 'gen_ai.usage.cache_read.input_tokens',
  cacheWriteTokens: 'gen_ai.usage.cache_creation.input_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  errorType: 'error.type',
  costUsd: 'ccflow.cost_usd',
  thinkingTokens: 'ccflow.usage.thinking_tokens',
  numTurns: 'ccflow.num_turns',
  correlationId: 'ccflow.correlation_id',
} as const;

/**
 * Wraps an executor in OpenTelemetry spans: one `invoke_agent` span per execution (GenAI conventions) and a child
 * `execute_tool` span per tool call, from its `tool_use` to its `tool_result`. The inner executor runs inside the
 * execution span's context, so the CLI gets it as `TRACEPARENT`. Through `@opentelemetry/api` only: without an SDK
 * every span is a no-op.
 */
export class TracingExecutor extends ExecutorDecorator {
  readonly #tracer: Tracer;

  constructor(inner: Executor, tracer?: Tracer) {
    super(inner);
    this.#tracer = tracer ?? trace.getTracer(TRACER_NAME);
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const model = request.options?.model;
    const span = this.#tracer.startSpan(model ? `invoke_agent ${model}` : 'invoke_agent', {
      kind: SpanKind.CLIENT,
      attributes: {
        [ATTR.operation]: 'invoke_agent',
        [ATTR.provider]: 'anthropic',
        ...(model ? { [ATTR.requestModel]: model } : {}),
        ...(request.options?.agent ? { [ATTR.agentName]: request.options.agent } : {}),
        ...(request.options?.sessionId ? { [ATTR.conversationId]: request.options.sessionId } : {}),
      },
    });
    // Without one set, the id of the trace this span belongs to (its own when it starts one).
    span.setAttribute(ATTR.correlationId, getCorrelationId() ?? span.spanContext().traceId);
    const tools = new Map<string, Span>();
    const ctx = trace.setSpan(context.active(), span);
    // Made on the first text a span would show: most executions put none there.
    let redactor: Redactor | undefined;
    const redact = (text: string) => {
      redactor ??= new Redactor(request.options);
      return redactor.text(text);
    };
    try {
      for await (const m of iterateInContext(ctx, () => this.inner.execute(request))) {
        this.#observe(m, span, ctx, tools, redact);
        yield m;
      }
    } catch (error) {
      const e = error instanceof Error ? error : undefined;
      const message = redact(e ? e.message : String(error));
      span.recordException({
        code: CCFlowError.isInstance(error) ? (error as CCFlowError).code : undefined,
        name: e?.name,
        message,
        stack: e?.stack === undefined ? undefined : redact(e.stack),
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message });
      span.setAttribute(
        ATTR.errorType,
        CCFlowError.isInstance(error) ? (error as CCFlowError).code : 'Error',
      );
      throw error;
    } finally {
      for (const toolSpan of tools.values()) {
        toolSpan.setStatus({ code: SpanStatusCode.ERROR, message: 'no tool result' });
        toolSpan.end();
      }
      span.end();
    }
  }

  #observe(
    m: Message,
    span: Span,
    ctx: Context,
    tools: Map<string, Span>,
    redact: (text: string) => string,
  ): void {
    if (m.type === 'system' && m.subtype === 'init') {
      span.setAttribute(ATTR.conversationId, m.sessionId);
      span.setAttribute(ATTR.responseModel, m.model);
    } else if (m.type === 'assistant' && m.parentToolUseId === null && m.messageId) {
      // The main agent's last API message is the response; a subagent's (under a tool use) is not.
      span.setAttribute(ATTR.responseId, m.messageId);
    } else if (m.type === 'tool_use') {
      tools.set(
        m.toolUseId,
        this.#tracer.startSpan(
          `execute_tool ${m.tool}`,
          {
            kind: SpanKind.INTERNAL,
            attributes: {
              [ATTR.operation]: 'execute_tool',
              [ATTR.toolName]: m.tool,
              [ATTR.toolCallId]: m.toolUseId,
            },
          },
          ctx,
        ),
      );
    } else if (m.type === 'tool_result') {
      const toolSpan = tools.get(m.toolUseId);
      if (!toolSpan) return;
      tools.delete(m.toolUseId);
      // Redacted before it is cut, so no secret is cut in two and half-kept.
      if (m.isError)
        toolSpan.setStatus({ code: SpanStatusCode.ERROR, message: redact(m.result).slice(0, 200) });
      toolSpan.end();
    } else if (m.type === 'result') {
      span.setAttributes({
        [ATTR.conversationId]: m.sessionId,
        [ATTR.inputTokens]:
          m.usage.inputTokens + m.usage.cacheReadInputTokens + m.usage.cacheCreationInputTokens,
        [ATTR.outputTokens]: m.usage.outputTokens,
        [ATTR.cacheReadTokens]: m.usage.cacheReadInputTokens,
        [ATTR.cacheWriteTokens]: m.usage.cacheCreationInputTokens,
        [ATTR.thinkingTokens]: m.usage.thinkingTokens,
        [ATTR.costUsd]: m.turnCostUsd,
        [ATTR.numTurns]: m.numTurns,
      });
      if (m.stopReason) span.setAttribute(ATTR.finishReasons, [m.stopReason]);
      if (m.isError) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: m.result === null ? m.subtype : redact(m.result),
        });
        span.setAttribute(ATTR.errorType, m.apiErrorStatus ? String(m.apiErrorStatus) : m.subtype);
      }
    }
  }
}

/** Wraps `executor` in spans; see {@link TracingExecutor}. */
export function withTracing(executor: Executor, tracer?: Tracer): Executor {
  return new TracingExecutor(executor, tracer);
}
