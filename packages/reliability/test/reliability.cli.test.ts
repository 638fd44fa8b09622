import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliExecutor } from '@ccflow/core';
import {
  ClaudeSandbox,
  MessagesApiStandIn,
  PINNED_CLAUDE_VERSION,
  reply,
  resolveClaudeBinary,
} from '@ccflow/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CombinedLimiter } from '../src/combined-limiter.ts';
import { HealthChecker } from '../src/health-check.ts';
import { MemoryCircuitBreaker } from '../src/memory-circuit-breaker.ts';
import { createReliableExecutor } from '../src/reliable-executor.ts';
import { collect, shape } from './collect.ts';

/**
 * The real claude CLI (pinned) against the loopback stand-in, for what only it can show: its `--version` and
 * `auth status` as the health check reads them, and that a turn failing at the API before any output is retried
 * while one failing after output is not. Kept few: each turn costs about 1.5 s of CPU.
 */

let api: MessagesApiStandIn;
let box: ClaudeSandbox;

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
});

afterAll(async () => {
  box.close();
  await api.close();
});

beforeEach(() => api.reset());

describe('HealthChecker with the real CLI', () => {
  it('finds it, reads its version, and reads its credentials without a model call', async () => {
    const cliPath = resolveClaudeBinary();
    const status = await new HealthChecker({ cliPath, env: box.env, cwd: box.cwd }).check();
    expect(status).toMatchObject({
      healthy: true,
      cli: { ok: true, path: cliPath },
      version: { ok: true, version: PINNED_CLAUDE_VERSION },
      auth: { ok: true, authMethod: 'api_key', apiProvider: 'firstParty', apiKeySource: 'ANTHROPIC_API_KEY' },
    });
    expect(status.version.durationMs).toBeLessThan(5000);
    expect(api.requests).toHaveLength(0);

    const noKey = await new HealthChecker({
      cliPath,
      env: { ...box.env, ANTHROPIC_API_KEY: '' },
      cwd: box.cwd,
    }).check();
    expect(noKey.healthy).toBe(false);
    expect(noKey.version.ok).toBe(true);
    expect(noKey.auth).toMatchObject({ ok: false, authMethod: 'none' });
    expect(noKey.auth.error).toMatch(/no credentials/);
  });
});

describe('the reliable executor over the real CLI', () => {
  const setup = () => {
    const breaker = new MemoryCircuitBreaker({}, 'cli');
    const limiter = new CombinedLimiter({ rate: 10, maxConcurrent: 1 });
    const executor = createReliableExecutor({
      inner: new CliExecutor({ cliPath: box.cliPath, env: box.env }),
      limiter,
      breaker,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
      tracing: false,
    });
    return { executor, breaker, limiter };
  };

  it('a turn that fails at the API (529) before any output is retried: the caller sees one clean run', async () => {
    const { executor, breaker, limiter } = setup();
    api.enqueue(reply.overloaded(), reply.text('Hello after a retry'));
    const r = await collect(executor.execute({ prompt: 'Say hello', options: { cwd: box.cwd } }));
    expect(r.error).toBeUndefined();
    expect(shape(r.messages)).toEqual(['system/init', 'assistant', 'text:Hello after a retry', 'result']);
    expect(api.messageRequests).toHaveLength(2);
    expect(breaker.getStats()).toMatchObject({ totalFailures: 1, totalSuccesses: 1, state: 'closed' });
    expect(limiter.getStats().acquired).toBe(2);
  });

  it('a turn that fails after output (text and a tool run) is not retried: the tool ran once', async () => {
    const { executor, breaker } = setup();
    const file = join(box.cwd, 'side-effect.txt');
    api.enqueue(
      reply.message([
        { type: 'text', text: 'Writing the file.' },
        { type: 'tool_use', name: 'Bash', input: { command: `echo ran >> ${file}` } },
      ]),
      reply.overloaded(),
    );
    const r = await collect(
      executor.execute({
        prompt: 'Write the file',
        options: { cwd: box.cwd, permissionMode: 'bypassPermissions' },
      }),
    );
    expect(r.error).toBeUndefined();
    const s = shape(r.messages);
    expect(s.slice(0, 3)).toEqual(['system/init', 'assistant', 'text:Writing the file.']);
    expect(s).toContain('tool_result');
    expect(r.messages.at(-1)).toMatchObject({ type: 'result', isError: true, apiErrorStatus: 529 });
    expect(api.messageRequests).toHaveLength(2);
    expect(readFileSync(file, 'utf8')).toBe('ran\n');
    expect(breaker.getStats().totalFailures).toBe(1);
  });
});
