import { MockExecutor, mockLines } from '@ccflow/testing';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withCorrelationId } from './correlation.ts';
import { CliTimeoutError } from './errors.ts';
import { CLI_CAPABILITIES, type ExecuteRequest, type Executor } from './executor.ts';
import { withTracing } from './tracing-executor.ts';

describe('TracingExecutor', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => context.setGlobalContextManager(manager.enable()));
  afterAll(() => {
    manager.disable();
    context.disable();
  });
  afterEach(() => exporter.reset());

  const drain = async (it: AsyncIterable<unknown>) => {
    for await (const _ of it);
  };

  it('carries the correlation id: the one set, else the trace id of its own trace', async () => {
    const mock = new MockExecutor([[mockLines.result()], [mockLines.result()]]);
    const traced = withTracing(mock, tracer);
    await drain(traced.execute({ prompt: 'p' }));
    await withCorrelationId('req-7', () => drain(traced.execute({ prompt: 'p' })));
    const [own, set] = exporter.getFinishedSpans();
    expect(own?.attributes['ccflow.correlation_id']).toBe(own?.spanContext().traceId);
    expect(set?.attributes['ccflow.correlation_id']).toBe('req-7');
  });

  it('completes the GenAI attributes: response id, finish reasons, cache tokens inside input tokens, agent', async () => {
    const mock = new MockExecutor([
      [
        mockLines.init({ sessionId: 'sess-2' }),
        mockLines.toolUse('Task', { prompt: 'look' }, { id: 'tool-9', messageId: 'msg_first' }),
        { ...mockLines.text('sub', { messageId: 'msg_subagent' }), parent_tool_use_id: 'tool-9' },
        mockLines.toolResult('tool-9', 'done'),
        mockLines.text('Answer.', { messageId: 'msg_final' }),
        mockLines.result({ inputTokens: 3, cacheReadTokens: 40, cacheWriteTokens: 7, outputTokens: 2 }),
      ],
    ]);
    await drain(withTracing(mock, tracer).execute({ prompt: 'p', options: { agent: 'reviewer' } }));
    const [agent] = exporter.getFinishedSpans().filter((s) => s.name.startsWith('invoke_agent'));
    expect(agent?.attributes).toMatchObject({
      'gen_ai.response.id': 'msg_final',
      'gen_ai.response.finish_reasons': ['end_turn'],
      'gen_ai.agent.name': 'reviewer',
      'gen_ai.usage.input_tokens': 50,
      'gen_ai.usage.cache_read.input_tokens': 40,
      'gen_ai.usage.cache_creation.input_tokens': 7,
      'gen_ai.usage.output_tokens': 2,
    });
  });

  it('one invoke_agent span per execution with GenAI attributes, a child span per tool call', async () => {
    const mock = new MockExecutor([
      [
        mockLines.init({ sessionId: 'sess-1', model: 'claude-sonnet-4-5' }),
        mockLines.toolUse('Bash', { command: 'ls' }, { id: 'tool-1' }),
        mockLines.toolResult('tool-1', 'a'),
        mockLines.toolUse('Read', { file_path: 'x' }, { id: 'tool-2' }),
        mockLines.toolResult('tool-2', 'denied', { isError: true }),
        mockLines.result({ inputTokens: 11, outputTokens: 7, costUsd: 0.5, sessionId: 'sess-1' }),
      ],
    ]);
    await drain(withTracing(mock, tracer).execute({ prompt: 'p', options: { model: 'sonnet' } }));
    await provider.forceFlush();
    const spans = exporter.getFinishedSpans();
    const agent = spans.find((s) => s.name === 'invoke_agent sonnet')!;
    expect(agent.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'sonnet',
      'gen_ai.response.model': 'claude-sonnet-4-5',
      'gen_ai.conversation.id': 'sess-1',
      'gen_ai.usage.input_tokens': 11,
      'gen_ai.usage.output_tokens': 7,
      'ccflow.cost_usd': 0.5,
    });
    expect(agent.status.code).toBe(SpanStatusCode.UNSET);
    const tools = spans.filter((s) => s.name.startsWith('execute_tool'));
    expect(tools.map((s) => [s.name, s.attributes['gen_ai.tool.call.id'], s.status.code])).toEqual([
      ['execute_tool Bash', 'tool-1', SpanStatusCode.UNSET],
      ['execute_tool Read', 'tool-2', SpanStatusCode.ERROR],
    ]);
    for (const t of tools) {
      expect(t.parentSpanContext?.spanId).toBe(agent.spanContext().spanId);
      expect(t.spanContext().traceId).toBe(agent.spanContext().traceId);
    }
  });

  it('the inner executor runs inside the execution span (what becomes the CLI TRACEPARENT)', async () => {
    let seen: string | undefined;
    const inner: Executor = {
      specificationVersion: 'v1',
      capabilities: CLI_CAPABILITIES,
      async *execute(_: ExecuteRequest) {
        await new Promise((r) => setTimeout(r, 1));
        seen = trace.getSpanContext(context.active())?.spanId;
        yield* new MockExecutor([[mockLines.init(), mockLines.result()]]).execute({ prompt: 'x' });
      },
    };
    await drain(withTracing(inner, tracer).execute({ prompt: 'p' }));
    const [agent] = exporter.getFinishedSpans();
    expect(seen).toBe(agent?.spanContext().spanId);
  });

  it('an error result and a thrown error set the error status; an unanswered tool span is ended', async () => {
    const mock = new MockExecutor([
      [mockLines.init(), mockLines.result({ isError: true, apiErrorStatus: 529, result: 'Overloaded' })],
      {
        lines: [mockLines.init(), mockLines.toolUse('Bash', { command: 'sleep 9' })],
        thenThrow: new CliTimeoutError({ message: 't', timeoutMs: 10 }),
      },
    ]);
    const traced = withTracing(mock, tracer);
    await drain(traced.execute({ prompt: 'a' }));
    await expect(drain(traced.execute({ prompt: 'b' }))).rejects.toBeInstanceOf(CliTimeoutError);
    const spans = exporter.getFinishedSpans();
    const [first, tool, second] = [spans[0]!, spans[1]!, spans[2]!];
    expect(first.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'Overloaded' });
    expect(first.attributes['error.type']).toBe('529');
    expect(tool.name).toBe('execute_tool Bash');
    expect(tool.status.code).toBe(SpanStatusCode.ERROR);
    expect(second.status.code).toBe(SpanStatusCode.ERROR);
    expect(second.attributes['error.type']).toBe('CLI_TIMEOUT');
    expect(second.events.map((e) => e.name)).toContain('exception');
  });

  it('breaking out of the loop ends the span and stops the inner stream', async () => {
    let finished = false;
    const inner: Executor = {
      specificationVersion: 'v1',
      capabilities: CLI_CAPABILITIES,
      async *execute() {
        try {
          yield* new MockExecutor([[mockLines.init(), mockLines.text('a'), mockLines.result()]]).execute({
            prompt: 'x',
          });
        } finally {
          finished = true;
        }
      },
    };
    for await (const _ of withTracing(inner, tracer).execute({ prompt: 'p' })) break;
    expect(finished).toBe(true);
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});
