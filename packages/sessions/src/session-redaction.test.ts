import { CliExecutionError } from '@ccflow/core';
import { MockExecutor, mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { loadSession } from './load-session.ts';
import { MemorySessionStore } from './memory-session-store.ts';
import { Session } from './session.ts';

const secretOptions = {
  env: { MY_SECRET: 'options-env-secret' },
  systemPrompt: 'Call the API with sk-ant-api03-system-prompt-key.',
  settings: JSON.stringify({ env: { S: 'settings-env-secret' }, theme: 'dark' }),
  mcpServers: { db: { command: 'db-mcp', args: ['--api-key=mcp-arg-secret', '--ro'] } },
};

describe('Session: what the store keeps holds no secret', () => {
  it('options, system prompt, metadata and the last error are redacted; the rest is kept', async () => {
    const store = new MemorySessionStore();
    const executor = new MockExecutor();
    const session = new Session({
      options: secretOptions,
      executor,
      store,
      metadata: { owner: 'ada', apiToken: 'metadata-token-secret' },
    });
    executor.enqueue({
      lines: [mockLines.init({ sessionId: session.sessionId })],
      thenThrow: new CliExecutionError({
        message: 'CLI exited 1: MY_SECRET=options-env-secret rejected',
        exitCode: 1,
      }),
    });
    await expect(async () => {
      for await (const _ of session.sendMessage('hi'));
    }).rejects.toThrow(CliExecutionError);

    const stored = await store.load(session.sessionId);
    expect(JSON.stringify(stored)).not.toMatch(
      /options-env-secret|system-prompt-key|settings-env|mcp-arg|metadata-token/,
    );
    expect(stored).toMatchObject({
      systemPrompt: 'Call the API with [redacted].',
      lastError: 'CLI exited 1: MY_SECRET=[redacted] rejected',
      metadata: { owner: 'ada', apiToken: '[redacted]' },
      options: {
        settings: JSON.stringify({ theme: 'dark' }),
        mcpServers: { db: { command: 'db-mcp', args: ['--api-key=[redacted]', '--ro'] } },
      },
    });
    // The turn itself had the secrets.
    expect(executor.requests[0]?.options).toMatchObject({ env: secretOptions.env });
  });

  it('a loaded session runs with the stored options and the secrets given again', async () => {
    const store = new MemorySessionStore();
    const first = new Session({ options: secretOptions, executor: new MockExecutor(), store });
    await store.save(first.state);
    const executor = new MockExecutor([[mockLines.init({ sessionId: first.sessionId }), mockLines.result()]]);
    const loaded = await loadSession(first.sessionId, store, {
      executor,
      options: { env: secretOptions.env },
    });
    for await (const _ of loaded!.sendMessage('again'));
    expect(executor.requests[0]?.options).toMatchObject({
      env: secretOptions.env,
      settings: JSON.stringify({ theme: 'dark' }),
    });
  });

  it('redaction.enabled false stores text verbatim; env maps are still never stored', async () => {
    const store = new MemorySessionStore();
    const session = new Session({
      options: { ...secretOptions, redaction: { enabled: false } },
      executor: new MockExecutor(),
      store,
    });
    await session.close();
    const stored = await store.load(session.sessionId);
    expect(stored?.systemPrompt).toBe(secretOptions.systemPrompt);
    expect(stored?.options.mcpServers?.db).toMatchObject({ args: ['--api-key=mcp-arg-secret', '--ro'] });
    expect(stored?.options).not.toHaveProperty('env');
    expect(stored?.options).not.toHaveProperty('redaction');
    expect(JSON.stringify(stored)).not.toContain('settings-env-secret');
  });
});
