import { withTracing } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MemorySessionStore } from './memory-session-store.ts';
import { SessionManager } from './session-manager.ts';

const exporter = new InMemorySpanExporter();
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => {
  context.setGlobalContextManager(manager.enable());
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
});
afterAll(() => {
  trace.disable();
  context.disable();
});

it('turns are spans carrying the conversation id, parents of the execution span; lifecycle steps are spans', async () => {
  const executor = new MockExecutor();
  const sessions = new SessionManager({
    store: new MemorySessionStore(),
    executor: withTracing(executor),
    autoCleanup: false,
  });
  const session = await sessions.createSession({ tags: ['a'] });
  const id = session.sessionId;
  executor.enqueue([mockLines.init({ sessionId: id }), mockLines.result({ sessionId: id })]);
  for await (const _ of session.sendMessage('hi'));
  const fork = await session.fork();
  await session.close();
  await sessions.stop();

  const spans = exporter.getFinishedSpans();
  const byName = (name: string) => spans.find((s) => s.name === name);
  const turn = byName('session.turn 1')!;
  expect(turn.attributes).toMatchObject({ 'gen_ai.conversation.id': id, 'ccflow.session.turn': 1 });
  const agent = spans.find((s) => s.name.startsWith('invoke_agent'))!;
  expect(agent.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
  expect(byName('session.create')?.attributes['gen_ai.conversation.id']).toBe(id);
  expect(byName('session.fork')?.attributes).toMatchObject({
    'gen_ai.conversation.id': fork.sessionId,
    'ccflow.session.parent_id': id,
  });
  expect(byName('session.close')?.attributes['gen_ai.conversation.id']).toBe(id);
});

it('a session is one trace: its turns and lifecycle steps, whatever the caller context; the caller is linked', async () => {
  exporter.reset();
  const executor = new MockExecutor();
  const sessions = new SessionManager({ executor: withTracing(executor), autoCleanup: false });
  const session = await sessions.createSession();
  const id = session.sessionId;
  const request = trace.getTracer('app').startSpan('http request');
  for (const _ of [1, 2]) {
    executor.enqueue([mockLines.init({ sessionId: id }), mockLines.result({ sessionId: id })]);
    // Each turn from a different caller context: the second inside the application's own span.
    const turn = () => drain(session.sendMessage('hi'));
    if (_ === 2) await context.with(trace.setSpan(context.active(), request), turn);
    else await turn();
  }
  request.end();
  await session.close();
  await sessions.stop();

  const spans = exporter.getFinishedSpans();
  const root = spans.find((s) => s.name === 'ccflow.session')!;
  const own = spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
  expect(own.map((s) => s.name).sort()).toEqual(
    [
      'ccflow.session',
      'session.create',
      'session.turn 1',
      'session.turn 2',
      'invoke_agent',
      'invoke_agent',
      'session.close',
    ].sort(),
  );
  const second = own.find((s) => s.name === 'session.turn 2')!;
  expect(second.parentSpanContext?.spanId).toBe(root.spanContext().spanId);
  expect(second.links.map((l) => l.context.spanId)).toEqual([request.spanContext().spanId]);
});

async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream);
}
