import { CliExecutor, CliTimeoutError } from '@ccflow/core';
import type { Message } from '@ccflow/parser';
import { type RecordedRequest, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { describe, expect, it } from 'vitest';
import { APIClient, FallbackExecutor } from '../src/index.ts';

// The opt-in fallback after a CLI timeout, against the real CLI: the CLI and the SDK talk to the same stand-in,
// told apart by their user agents. Two CLI runs.

const sandbox = useClaudeSandbox();

const fromSdk = (r: RecordedRequest) => r.headers['user-agent']?.startsWith('Anthropic/JS') === true;

function fallback(): FallbackExecutor {
  return new FallbackExecutor({
    cli: new CliExecutor(sandbox.executorOptions),
    api: new APIClient({ apiKey: 'sk-ant-cli-test-key-0123456789', baseUrl: sandbox.api.url, maxRetries: 0 }),
    fallbackOnTimeout: true,
  });
}

async function collect(stream: AsyncIterable<Message>): Promise<{ messages: Message[]; error: unknown }> {
  const messages: Message[] = [];
  try {
    for await (const m of stream) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

describe('fallbackOnTimeout', () => {
  it('a CLI that times out before any output: the API answers, and the caller sees one clean run', async () => {
    // The CLI's request gets response headers, then nothing; the SDK's is answered.
    sandbox.api.enqueue((r) =>
      fromSdk(r) ? reply.text('from the API') : reply.text('never', { stallAfterEvents: 0 }),
    );
    sandbox.api.enqueue((r) =>
      fromSdk(r) ? reply.text('from the API') : reply.text('never', { stallAfterEvents: 0 }),
    );
    const { messages, error } = await collect(
      fallback().execute({ prompt: 'hi', options: { timeoutMs: 4000 } }),
    );
    expect(error).toBeUndefined();
    const requests = sandbox.api.messageRequests;
    expect(requests.some((r) => !fromSdk(r))).toBe(true);
    expect(requests.filter(fromSdk)).toHaveLength(1);
    // Only the API's messages: the CLI's init and its synthetic result were held back and dropped.
    const inits = messages.filter((m) => m.type === 'system' && m.subtype === 'init');
    expect(inits).toHaveLength(1);
    expect(inits[0]?.type === 'system' && inits[0].raw.ccflow_served_by).toBe('api');
    expect(messages.filter((m) => m.type === 'result')).toHaveLength(1);
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, result: 'from the API' });
  });

  it('never after the CLI streamed output: its timeout is the caller’s error, the API is not asked', async () => {
    sandbox.api.enqueue((r) =>
      fromSdk(r)
        ? reply.text('duplicate')
        : reply.text('The CLI began to answer', { stallAfterEvents: 4, deltaSize: 4 }),
    );
    const { messages, error } = await collect(
      fallback().execute({ prompt: 'hi', options: { timeoutMs: 4000, includePartial: true } }),
    );
    expect(CliTimeoutError.isInstance(error)).toBe(true);
    const streamed = messages
      .filter((m) => m.type === 'text')
      .map((m) => (m.type === 'text' ? m.content : ''));
    expect(streamed.join('')).toBe('The CLI began to answer'.slice(0, streamed.join('').length));
    expect(streamed.length).toBeGreaterThan(0);
    expect(sandbox.api.messageRequests.filter(fromSdk)).toEqual([]);
    expect(messages.at(-1)).toMatchObject({ type: 'result', raw: { ccflow_synthetic: true } });
  });
});
