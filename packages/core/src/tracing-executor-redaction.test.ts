import { MockExecutor, mockLines } from '@ccflow/testing';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliExecutionError } from './errors.ts';
import { withTracing } from './tracing-executor.ts';

const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const manager = new AsyncLocalStorageContextManager();
beforeAll(() => context.setGlobalContextManager(manager.enable()));
afterAll(() => {
  manager.disable();
  context.disable();
});

const options = { env: { MY_SECRET: 'options-env-secret' } };

it('span statuses and exception events show no secret of the execution', async () => {
  const printed = `${'x'.repeat(170)} MY_SECRET=options-env-secret`;
  const mock = new MockExecutor([
    [
      mockLines.init(),
      mockLines.toolUse('Bash', { command: 'env' }, { id: 't1' }),
      mockLines.toolResult('t1', printed, { isError: true }),
      mockLines.result({
        isError: true,
        subtype: 'error_during_execution',
        result: 'options-env-secret failed',
      }),
    ],
    {
      lines: [mockLines.init()],
      thenThrow: new CliExecutionError({
        message: 'stderr: key sk-ant-api03-thrown-key refused',
        exitCode: 1,
      }),
    },
  ]);
  const executor = withTracing(mock, provider.getTracer('test'));
  for await (const _ of executor.execute({ prompt: 'p', options }));
  await expect(async () => {
    for await (const _ of executor.execute({ prompt: 'p', options }));
  }).rejects.toThrow(CliExecutionError);

  const spans = exporter.getFinishedSpans();
  const text = JSON.stringify(spans.map((s) => [s.status, s.events.map((e) => e.attributes)]));
  expect(text).not.toMatch(/options-env|sk-ant-api03-thrown-key/);
  expect(spans.find((s) => s.name === 'execute_tool Bash')?.status.message).toMatch(/^x+ MY_SECRET=\[redac/);
  const [first, second] = spans.filter((s) => s.name === 'invoke_agent');
  expect(first?.status.message).toBe('[redacted] failed');
  expect(second?.status.message).toBe('stderr: key [redacted] refused');
  expect(second?.events[0]?.attributes).toMatchObject({
    'exception.message': 'stderr: key [redacted] refused',
    'exception.type': 'CLI_EXECUTION',
  });
});
