import { MessagesApiStandIn, reply } from '@ccflow/testing';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import {
  APIClient,
  CliExecutor,
  CliNotFoundError,
  ConfigurationError,
  collectQueryResult,
  createDefaultExecutor,
  EXECUTOR,
  type Executor,
  FALLBACK_EXECUTOR,
  FallbackExecutor,
  getApiClient,
  getFallbackExecutor,
  query,
  resetApiClient,
  resetFallbackExecutor,
  runtime,
  Session,
  USAGE_TRACKER,
} from '../src/index.ts';

const KEY = 'sk-ant-ccflow-wiring-key-0123456789';
const MISSING_CLI = '/nonexistent/ccflow-test/claude';

let api: MessagesApiStandIn;
beforeAll(async () => {
  api = await MessagesApiStandIn.start();
});
afterAll(async () => {
  await api.close();
});
afterEach(() => {
  api.reset();
  runtime.reset(FALLBACK_EXECUTOR);
  runtime.reset(EXECUTOR);
  runtime.reset(USAGE_TRACKER);
});

function chain(executor: Executor): string[] {
  const names: string[] = [];
  for (let e: Executor | undefined = executor; e; e = (e as { inner?: Executor }).inner)
    names.push(e.constructor.name);
  return names;
}

function missingCliFallback(): FallbackExecutor {
  return new FallbackExecutor({
    cli: new CliExecutor({ cliPath: MISSING_CLI }),
    api: new APIClient({ apiKey: KEY, baseUrl: api.url, maxRetries: 0 }),
  });
}

it('CCFLOW_API_FALLBACK puts the process-wide FallbackExecutor in the default executor; off, the CLI', () => {
  expect(chain(createDefaultExecutor({ CCFLOW_API_FALLBACK: 'true' }))).toEqual([
    'UsageTrackingExecutor',
    'TracingExecutor',
    'RetryingExecutor',
    'RateLimitedExecutor',
    'FallbackExecutor',
  ]);
  expect(chain(createDefaultExecutor({}))).not.toContain('FallbackExecutor');
  expect(chain(createDefaultExecutor({ CCFLOW_API_FALLBACK: 'off' }))).not.toContain('FallbackExecutor');
  expect(() => createDefaultExecutor({ CCFLOW_API_FALLBACK: 'sometimes' })).toThrow(ConfigurationError);
});

it('wired: a query without a CLI is answered by the API, and its cost is tracked', async () => {
  runtime.set(FALLBACK_EXECUTOR, missingCliFallback());
  runtime.set(EXECUTOR, createDefaultExecutor({ CCFLOW_API_FALLBACK: '1' }));
  api.enqueue(reply.text('served by the API', { usage: { input_tokens: 100, output_tokens: 20 } }));
  const result = await collectQueryResult(query('hi', { model: 'sonnet' }));
  expect(result).toMatchObject({ text: 'served by the API', isError: false });
  expect(result.costUsd).toBeGreaterThan(0);
  expect(runtime.get(USAGE_TRACKER).totalCostUsd).toBe(result.costUsd);
});

it('sessions: a Session refuses the API client; over a fallback executor it keeps to the CLI', async () => {
  expect(() => new Session({ executor: new APIClient({ apiKey: KEY, baseUrl: api.url }) })).toThrow(
    /capabilities\.resume/,
  );
  const session = new Session({ executor: missingCliFallback() });
  let error: unknown;
  try {
    for await (const _ of session.sendMessage('hi'));
  } catch (e) {
    error = e;
  }
  expect(CliNotFoundError.isInstance(error)).toBe(true);
  expect(api.requests).toEqual([]);
  await session.close();
});

it('getApiClient and getFallbackExecutor are process-wide; the resets make new ones', async () => {
  const client = getApiClient();
  expect(getApiClient()).toBe(client);
  const fallback = getFallbackExecutor();
  expect(getFallbackExecutor()).toBe(fallback);
  expect(fallback.api).toBe(client);
  resetFallbackExecutor();
  expect(getFallbackExecutor()).not.toBe(fallback);
  await resetApiClient();
  expect(client.isAvailable).toBe(false);
  expect(getApiClient()).not.toBe(client);
});
