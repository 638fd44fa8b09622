import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { withTracing } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { resources } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { MemoryTraceStore } from '../src/memory-trace-store.ts';
import { startTracing, type TracingHandle } from '../src/otel/index.ts';
import { TracingSession } from '../src/tracing-session.ts';

// The `./otel` helper exporting over OTLP/HTTP (JSON) to a receiver on 127.0.0.1, configured by OTEL_* variables.

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
}
interface OtlpRequest {
  resourceSpans: {
    resource: { attributes: { key: string; value: OtlpValue }[] };
    scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[];
  }[];
}

const received: { path: string; contentType: string | undefined; body: OtlpRequest }[] = [];
let server: Server;
let tracing: TracingHandle;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        received.push({
          path: req.url,
          contentType: req.headers['content-type'],
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  vi.stubEnv('OTEL_TRACES_EXPORTER', 'otlp');
  vi.stubEnv('OTEL_EXPORTER_OTLP_PROTOCOL', 'http/json');
  vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', `http://127.0.0.1:${port}`);
  vi.stubEnv('OTEL_SERVICE_NAME', 'ccflow-otlp-test');
  vi.stubEnv('OTEL_METRICS_EXPORTER', 'none');
  vi.stubEnv('OTEL_LOGS_EXPORTER', 'none');
  // Only the env detector: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, no host or process probing.
  tracing = startTracing({ resourceDetectors: [resources.envDetector] });
});
afterAll(async () => {
  await tracing?.shutdown();
  vi.unstubAllEnvs();
  await new Promise((resolve) => server.close(resolve));
});

const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return (
    v?.stringValue ?? (v?.intValue === undefined ? (v?.doubleValue ?? v?.boolValue) : Number(v.intValue))
  );
};
const drain = async (it: AsyncIterable<Message>) => {
  for await (const _ of it);
};

it('exports the spans of a turn with a tool call and of a failed turn, linked to the stored traces', async () => {
  const traceStore = new MemoryTraceStore();
  const executor = new MockExecutor();
  const session = new TracingSession({
    traceStore,
    executor: withTracing(executor),
    options: { model: 'opus' },
  });
  const id = session.sessionId;
  executor.enqueue(
    [
      mockLines.init({ sessionId: id, model: 'claude-opus-mock' }),
      mockLines.toolUse('Bash', { command: 'ls' }, { id: 'toolu_1', sessionId: id }),
      mockLines.toolResult('toolu_1', 'a.txt', { sessionId: id }),
      mockLines.text('One file.', { sessionId: id }),
      mockLines.result({ sessionId: id, inputTokens: 11, outputTokens: 7 }),
    ],
    [
      mockLines.init({ sessionId: id }),
      mockLines.result({ sessionId: id, isError: true, result: 'API Error: 500 boom', apiErrorStatus: 500 }),
    ],
  );
  await drain(session.sendMessage('List files'));
  await drain(session.sendMessage('Fail now'));
  await tracing.forceFlush();

  expect(received.length).toBeGreaterThan(0);
  expect(received[0]?.contentType).toMatch(/json/);
  const resourceSpans = received.flatMap((r) => r.body.resourceSpans);
  expect(resourceSpans[0]?.resource.attributes).toContainEqual({
    key: 'service.name',
    value: { stringValue: 'ccflow-otlp-test' },
  });
  const spans = resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  const [ok, failed] = await session.getTraces();

  // Turn 1: session.turn 1 (carrying the trace id) → invoke_agent opus → execute_tool Bash, in one OTel trace.
  const root = spans.find((s) => s.name === 'session.turn 1' && attr(s, 'ccflow.trace_id') === ok?.traceId)!;
  expect(root).toBeDefined();
  expect(ok?.otelTraceId).toBe(root.traceId);
  expect(ok?.otelSpanId).toBe(root.spanId);
  const inTrace = spans.filter((s) => s.traceId === root.traceId);
  const turn = root;
  const agent = inTrace.find((s) => s.name === 'invoke_agent opus')!;
  const tool = inTrace.find((s) => s.name === 'execute_tool Bash')!;
  expect(agent.parentSpanId).toBe(turn.spanId);
  expect(tool.parentSpanId).toBe(agent.spanId);
  expect(attr(turn, 'gen_ai.conversation.id')).toBe(id);
  expect(attr(agent, 'gen_ai.operation.name')).toBe('invoke_agent');
  expect(attr(agent, 'gen_ai.provider.name')).toBe('anthropic');
  expect(attr(agent, 'gen_ai.request.model')).toBe('opus');
  expect(attr(agent, 'gen_ai.response.model')).toBe('claude-opus-mock');
  expect(attr(agent, 'gen_ai.usage.input_tokens')).toBe(11);
  expect(attr(agent, 'gen_ai.usage.output_tokens')).toBe(7);
  expect(attr(tool, 'gen_ai.tool.name')).toBe('Bash');
  expect(attr(tool, 'gen_ai.tool.call.id')).toBe('toolu_1');
  expect(root.status?.code ?? 0).not.toBe(2);

  // Turn 2 failed: its spans carry the error status, and its trace links to them too.
  const failedRoot = spans.find((s) => attr(s, 'ccflow.trace_id') === failed?.traceId)!;
  expect(failed).toMatchObject({
    status: 'error',
    otelTraceId: failedRoot.traceId,
    otelSpanId: failedRoot.spanId,
  });
  expect(failedRoot.status).toMatchObject({ code: 2, message: 'API Error: 500 boom' });
  const failedTurn = failedRoot;
  expect(failedTurn.name).toBe('session.turn 2');
  expect(failedTurn.status?.code).toBe(2);
  const failedAgent = spans.find(
    (s) => s.parentSpanId === failedTurn.spanId && s.name.startsWith('invoke_agent'),
  )!;
  expect(failedAgent.status?.code).toBe(2);
  expect(attr(failedAgent, 'error.type')).toBe('500');

  // One session, one trace: both turns sit under the session's root span.
  expect(failedRoot.traceId).toBe(root.traceId);
  const sessionRoot = spans.find(
    (s) => s.name === 'ccflow.session' && attr(s, 'gen_ai.conversation.id') === id,
  )!;
  expect(sessionRoot.traceId).toBe(root.traceId);
  expect([root.parentSpanId, failedRoot.parentSpanId]).toEqual([sessionRoot.spanId, sessionRoot.spanId]);
});
