import { withTracing } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/core/test';
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
