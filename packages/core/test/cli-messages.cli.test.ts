import { randomUUID } from 'node:crypto';
import type { RateLimitEventMessage } from '@ccflow/parser';
import { GATEWAY_ENV, reply, usageLimitReply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { PermissionDeniedError, SessionNotFoundError, UsageLimitError } from '../src/errors.ts';
import type { CliAgentOptions } from '../src/options.ts';
import { streamToCallback } from '../src/query.ts';

const ask = (prompt: string, options: CliAgentOptions, executor: CliExecutor) =>
  streamToCallback(prompt, () => {}, options, { executor });

// What the CLI says, typed, against the real CLI: a usage limit, an unknown session, a refused tool. Six CLI runs.

const sandbox = useClaudeSandbox();
let executor: CliExecutor;

beforeAll(() => {
  executor = new CliExecutor(sandbox.executorOptions);
});

describe('a usage limit', () => {
  it('is UsageLimitError carrying the reset time the CLI printed in its rate_limit_event', async () => {
    // The CLI reads the rate-limit headers only for a subscription or a gateway login.
    const gateway = new CliExecutor({
      ...sandbox.executorOptions,
      env: { ...sandbox.executorOptions.env, ...GATEWAY_ENV },
    });
    const resetsAt = (Math.floor(Date.now() / 1000) + 2 * 3600) * 1000;
    sandbox.api.enqueue(usageLimitReply(resetsAt));
    const events: RateLimitEventMessage[] = [];
    const result = await streamToCallback(
      'hi',
      (m) => {
        if (m.type === 'rate_limit_event') events.push(m);
      },
      {},
      { executor: gateway },
    );
    expect(events).toMatchObject([{ status: 'rejected', resetsAt, rateLimitType: 'five_hour' }]);
    expect(UsageLimitError.isInstance(result.error)).toBe(true);
    const error = result.error as UsageLimitError;
    expect(error.resetsAt?.getTime()).toBe(resetsAt);
    expect(error).toMatchObject({ code: 'USAGE_LIMIT', rateLimitType: 'five_hour', isRetryable: true });
    expect(error.message).toBe(result.result?.result);
    expect(sandbox.api.messageRequests).toHaveLength(1);
  });
});

describe('a session the CLI does not know', () => {
  it('resume: SessionNotFoundError with the id, before any API call', async () => {
    const id = randomUUID();
    const result = await ask('hi', { resume: id }, executor);
    expect(SessionNotFoundError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'SESSION_NOT_FOUND', sessionId: id });
    expect(sandbox.api.messageRequests).toHaveLength(0);
  });

  it('resume and fork: the same', async () => {
    const id = randomUUID();
    const result = await ask('hi', { resume: id, forkSession: true }, executor);
    expect(result.error).toMatchObject({ code: 'SESSION_NOT_FOUND', sessionId: id });
  });
});

describe('a tool call the CLI refuses', () => {
  const denied = () =>
    sandbox.api.enqueue(
      reply.toolUse('Write', { file_path: 'denied.txt', content: 'x' }),
      reply.text('I could not write the file.'),
    );

  it('by default the turn goes on; the result lists the denial, typed', async () => {
    denied();
    const result = await ask('write', { permissionMode: 'default' }, executor);
    expect(result.error).toBeUndefined();
    expect(result.result?.permissionDenials).toEqual([
      {
        toolName: 'Write',
        toolUseId: expect.any(String),
        toolInput: expect.objectContaining({ content: 'x' }),
      },
    ]);
  });

  it('with strictPermissions it ends the run with PermissionDeniedError naming the tool', async () => {
    denied();
    const result = await ask('write', { permissionMode: 'default', strictPermissions: true }, executor);
    expect(PermissionDeniedError.isInstance(result.error)).toBe(true);
    expect(result.error).toMatchObject({ code: 'PERMISSION_DENIED', toolName: 'Write' });
    expect(result.error?.message).toMatch(/permission/);
    expect(result.text).not.toBe('I could not write the file.');
  });
});
