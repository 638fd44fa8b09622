import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, HostCallbackError } from './errors.ts';
import type { ExecutionHost } from './executor.ts';
import type { HookMatchers } from './hooks.ts';
import { HOST_SPAN, HostRequests } from './host-requests.ts';

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

const live = () => ({ signal: new AbortController().signal });
const hostRequests = (host: ExecutionHost) => new HostRequests(host, { tracer });
const spans = (name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === name);
const never = () => new Promise<never>(() => {});

const bash = (command: string) => ({
  subtype: 'can_use_tool',
  tool_name: 'Bash',
  input: { command, description: 'run it' },
  tool_use_id: 'toolu_1',
});

describe('launch', () => {
  it('adds nothing without callbacks', () => {
    expect(new HostRequests(undefined).launch).toEqual({ args: [], initialize: {} });
    expect(new HostRequests({ onStderr: () => {} }).launch).toEqual({ args: [], initialize: {} });
  });

  it('asks the CLI for permission questions on stdio when canUseTool is set', () => {
    const { launch } = new HostRequests({ canUseTool: async () => ({ behavior: 'allow' }) });
    expect(launch.args).toEqual(['--permission-prompt-tool=stdio']);
  });

  it('registers each hook under its own callback id, with the timeout in whole seconds and onFailure', () => {
    const hooks: HookMatchers = {
      PreToolUse: [
        {
          matcher: 'Bash',
          hooks: [async () => ({}), async () => ({})],
          timeoutMs: 2_500,
          onFailure: 'block',
        },
        { hooks: [async () => ({})] },
      ],
      Stop: [{ hooks: [async () => ({})], timeoutMs: 1_000 }],
    };
    expect(new HostRequests({ hooks }).launch).toEqual({
      args: [],
      initialize: {
        hooks: {
          PreToolUse: [
            { matcher: 'Bash', hookCallbackIds: ['hook_0', 'hook_1'], timeout: 3, onFailure: 'block' },
            { hookCallbackIds: ['hook_2'], timeout: 60 },
          ],
          Stop: [{ hookCallbackIds: ['hook_3'], timeout: 1 }],
        },
      },
    });
  });

  it('refuses an unknown hook event, with the nearest name', () => {
    const error = (() => {
      try {
        new HostRequests({ hooks: { PreToolUSe: [{ hooks: [async () => ({})] }] } as HookMatchers });
      } catch (e) {
        return e;
      }
    })();
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: 'hooks.PreToolUSe' });
    expect((error as Error).message).toContain('did you mean PreToolUse?');
  });

  it('refuses matchers without an array of callbacks', () => {
    expect(() => new HostRequests({ hooks: { Stop: {} } as never })).toThrow(/hooks\.Stop: must be an array/);
    expect(() => new HostRequests({ hooks: { Stop: [{ hooks: async () => ({}) }] } as never })).toThrow(
      /hooks\.Stop\[0\]\.hooks: must be an array of functions/,
    );
  });

  it('refuses timeouts that are not a positive number of ms a timer can wait', () => {
    for (const timeoutMs of [0, -1, Number.NaN, 2 ** 31, Infinity]) {
      expect(() => new HostRequests({ hooks: { Stop: [{ hooks: [async () => ({})], timeoutMs }] } })).toThrow(
        /hooks\.Stop\[0\]\.timeoutMs: must be a number of ms above 0/,
      );
    }
    expect(() => new HostRequests({ canUseToolTimeoutMs: 0 })).toThrow(/canUseToolTimeoutMs/);
    expect(() => new HostRequests({ canUseToolTimeoutMs: Infinity })).not.toThrow();
  });
});

describe('can_use_tool', () => {
  it("hands the callback the tool, its input and the CLI's context, and answers its allow with the input back", async () => {
    let seen: unknown[] = [];
    const requests = hostRequests({
      canUseTool: async (toolName, input, ctx) => {
        seen = [toolName, input, ctx];
        return { behavior: 'allow' };
      },
    });
    const suggestions = [
      {
        type: 'addRules',
        rules: [{ toolName: 'Bash', ruleContent: 'ls:*' }],
        behavior: 'allow',
        destination: 'session',
      },
    ];
    const answer = await requests.answer(
      {
        ...bash('ls'),
        permission_suggestions: suggestions,
        blocked_path: '/etc',
        decision_reason: 'outside the project',
        display_name: 'Bash',
      },
      live(),
    );
    expect(answer).toEqual({
      response: { behavior: 'allow', updatedInput: { command: 'ls', description: 'run it' } },
    });
    expect(seen[0]).toBe('Bash');
    expect(seen[1]).toEqual({ command: 'ls', description: 'run it' });
    expect(seen[2]).toMatchObject({
      suggestions,
      toolUseId: 'toolu_1',
      blockedPath: '/etc',
      decisionReason: 'outside the project',
      displayName: 'Bash',
    });
    expect((seen[2] as { signal: AbortSignal }).signal.aborted).toBe(false);
    const [span] = spans(HOST_SPAN.permission);
    expect(span?.attributes).toMatchObject({
      [HOST_SPAN.toolName]: 'Bash',
      [HOST_SPAN.toolCallId]: 'toolu_1',
      [HOST_SPAN.decision]: 'allow',
      [HOST_SPAN.inputUpdated]: false,
    });
    expect(span?.status.code).not.toBe(SpanStatusCode.ERROR);
  });

  it('answers an edited input, permission updates and a deny as given', async () => {
    const edited = hostRequests({
      canUseTool: () => ({
        behavior: 'allow',
        updatedInput: { command: 'echo safe' },
        updatedPermissions: [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }],
      }),
    });
    expect(await edited.answer(bash('rm -rf /'), live())).toEqual({
      response: {
        behavior: 'allow',
        updatedInput: { command: 'echo safe' },
        updatedPermissions: [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }],
      },
    });
    const denied = hostRequests({
      canUseTool: async () => ({ behavior: 'deny', message: 'not here', interrupt: true }),
    });
    expect(await denied.answer(bash('rm -rf /'), live())).toEqual({
      response: { behavior: 'deny', message: 'not here', interrupt: true },
    });
    expect(spans(HOST_SPAN.permission).map((s) => s.attributes[HOST_SPAN.decision])).toEqual([
      'allow',
      'deny',
    ]);
    expect(spans(HOST_SPAN.permission)[0]?.attributes[HOST_SPAN.inputUpdated]).toBe(true);
  });

  it('runs the callback inside its span, itself inside the context the request is answered in', async () => {
    let active: string | undefined;
    const requests = hostRequests({
      canUseTool: async () => {
        active = trace.getActiveSpan()?.spanContext().spanId;
        return { behavior: 'allow' };
      },
    });
    const turn = tracer.startSpan('turn');
    await context.with(trace.setSpan(context.active(), turn), () => requests.answer(bash('ls'), live()));
    turn.end();
    const [span] = spans(HOST_SPAN.permission);
    expect(active).toBe(span?.spanContext().spanId);
    expect(span?.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
  });

  const failures: [string, ExecutionHost['canUseTool'], string, RegExp][] = [
    [
      'throws synchronously',
      () => {
        throw new Error('boom');
      },
      'threw',
      /canUseTool for Bash threw: boom/,
    ],
    ['rejects', async () => Promise.reject(new TypeError('nope')), 'threw', /threw: nope/],
    [
      'returns a misspelt field (the edit would be lost)',
      async () => ({ behavior: 'allow', updatedinput: { command: 'echo safe' } }) as never,
      'invalid',
      /returned an invalid answer/,
    ],
    ['returns a deny without a message', async () => ({ behavior: 'deny' }) as never, 'invalid', /message/],
    ['returns nothing', async () => undefined as never, 'invalid', /invalid answer/],
    ['never answers', never, 'timeout', /did not answer within 50 ms/],
  ];
  for (const [what, canUseTool, failure, message] of failures) {
    it(`denies when the callback ${what}, and records a HostCallbackError on the span`, async () => {
      const requests = hostRequests({ canUseTool, canUseToolTimeoutMs: 50 });
      const answer = await requests.answer(bash('ls'), live());
      expect(answer).toEqual({
        response: { behavior: 'deny', message: expect.stringMatching(/^Permission denied/) },
      });
      const [span] = spans(HOST_SPAN.permission);
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.status.message).toMatch(message);
      expect(span?.attributes).toMatchObject({
        [HOST_SPAN.decision]: 'deny',
        [HOST_SPAN.failure]: failure,
        [HOST_SPAN.errorType]: HostCallbackError.code,
      });
      expect(span?.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({
        'exception.type': HostCallbackError.code,
      });
    });
  }

  it('aborts the signal of a callback that timed out', async () => {
    let signal: AbortSignal | undefined;
    const requests = hostRequests({
      canUseTool: (_t, _i, ctx) => {
        signal = ctx.signal;
        return never();
      },
      canUseToolTimeoutMs: 20,
    });
    await requests.answer(bash('ls'), live());
    expect(signal?.aborted).toBe(true);
    expect(HostCallbackError.isInstance(signal?.reason)).toBe(true);
  });

  it('waits as long as it takes with an Infinity timeout', async () => {
    const requests = hostRequests({
      canUseTool: () => new Promise((resolve) => setTimeout(() => resolve({ behavior: 'allow' }), 30)),
      canUseToolTimeoutMs: Infinity,
    });
    expect(await requests.answer(bash('ls'), live())).toMatchObject({ response: { behavior: 'allow' } });
  });

  it('stops waiting when the CLI withdraws the question, and aborts the callback', async () => {
    let signal: AbortSignal | undefined;
    const requests = hostRequests({
      canUseTool: (_t, _i, ctx) => {
        signal = ctx.signal;
        return never();
      },
      canUseToolTimeoutMs: Infinity,
    });
    const cancel = new AbortController();
    const answer = requests.answer(bash('ls'), { signal: cancel.signal });
    await new Promise((r) => setTimeout(r, 5));
    cancel.abort();
    expect(await answer).toEqual({ error: expect.any(String) });
    expect(signal?.aborted).toBe(true);
    expect(spans(HOST_SPAN.permission)[0]?.attributes[HOST_SPAN.failure]).toBe('cancelled');
  });

  it('keeps secrets out of the error it records', async () => {
    const secret = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789';
    const requests = hostRequests({
      canUseTool: () => {
        throw new Error(`vault said no to ${secret}`);
      },
    });
    await requests.answer(bash('ls'), live());
    expect(JSON.stringify(spans(HOST_SPAN.permission)[0]?.events)).not.toContain(secret);
    expect(spans(HOST_SPAN.permission)[0]?.status.message).not.toContain(secret);
  });
});

describe('hook_callback', () => {
  const preToolUse = (id: string) => ({
    subtype: 'hook_callback',
    callback_id: id,
    tool_use_id: 'toolu_9',
    input: {
      hook_event_name: 'PreToolUse',
      session_id: 's',
      transcript_path: '/t',
      cwd: '/',
      tool_name: 'Bash',
      tool_input: { command: 'ls' },
      tool_use_id: 'toolu_9',
    },
  });

  it('calls the callback its id names, with the input and tool use id, and answers its output', async () => {
    const calls: string[] = [];
    const requests = hostRequests({
      hooks: {
        PreToolUse: [
          {
            hooks: [
              async () => {
                calls.push('first');
                return {};
              },
              async (input, toolUseId) => {
                calls.push(`second ${input.tool_name} ${toolUseId}`);
                return {
                  hookSpecificOutput: {
                    hookEventName: 'PreToolUse',
                    permissionDecision: 'deny',
                    permissionDecisionReason: 'no Bash today',
                  },
                };
              },
            ],
          },
        ],
      },
    });
    expect(await requests.answer(preToolUse('hook_1'), live())).toEqual({
      response: {
        hookSpecificOutput: {
          hookEventName: 'PreToolUse',
          permissionDecision: 'deny',
          permissionDecisionReason: 'no Bash today',
        },
      },
    });
    expect(calls).toEqual(['second Bash toolu_9']);
    const [span] = spans(HOST_SPAN.hook);
    expect(span?.attributes).toMatchObject({
      [HOST_SPAN.hookEvent]: 'PreToolUse',
      [HOST_SPAN.hookCallbackId]: 'hook_1',
      [HOST_SPAN.toolName]: 'Bash',
      [HOST_SPAN.toolCallId]: 'toolu_9',
      [HOST_SPAN.hookDecision]: 'deny',
    });
  });

  it('passes outputs of other events through, and notes a stop', async () => {
    const requests = hostRequests({
      hooks: {
        Stop: [{ hooks: [() => ({ continue: false, stopReason: 'enough', systemMessage: 'bye' })] }],
        SessionStart: [
          {
            hooks: [
              () => ({ hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'x' } }),
            ],
          },
        ],
      },
    });
    const stop = { subtype: 'hook_callback', callback_id: 'hook_0', input: { hook_event_name: 'Stop' } };
    expect(await requests.answer(stop, live())).toEqual({
      response: { continue: false, stopReason: 'enough', systemMessage: 'bye' },
    });
    const start = {
      subtype: 'hook_callback',
      callback_id: 'hook_1',
      input: { hook_event_name: 'SessionStart' },
    };
    expect(await requests.answer(start, live())).toEqual({
      response: { hookSpecificOutput: { hookEventName: 'SessionStart', additionalContext: 'x' } },
    });
    expect(spans(HOST_SPAN.hook)[0]?.attributes[HOST_SPAN.hookContinue]).toBe(false);
  });

  const failures: [string, () => unknown, string][] = [
    [
      'throws',
      () => {
        throw new Error('hook broke');
      },
      'threw',
    ],
    [
      'misspells permissionDecision (a deny that would do nothing)',
      () => ({ hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecison: 'deny' } }),
      'invalid',
    ],
    ['names another event', () => ({ hookSpecificOutput: { hookEventName: 'Stop' } }), 'invalid'],
    ['returns a string', () => 'deny', 'invalid'],
  ];
  for (const [what, hook, failure] of failures) {
    it(`answers an error when the callback ${what} (the CLI applies onFailure), recorded on the span`, async () => {
      const requests = hostRequests({
        hooks: { PreToolUse: [{ hooks: [hook as never], timeoutMs: 50 }] },
      });
      const answer = await requests.answer(preToolUse('hook_0'), live());
      expect(answer).toEqual({ error: expect.stringMatching(/^PreToolUse for Bash /) });
      const [span] = spans(HOST_SPAN.hook);
      expect(span?.status.code).toBe(SpanStatusCode.ERROR);
      expect(span?.attributes).toMatchObject({
        [HOST_SPAN.failure]: failure,
        [HOST_SPAN.errorType]: HostCallbackError.code,
      });
    });
  }

  it('leaves a callback that does not answer to the CLI: aborted and recorded at its timeout, answered once the CLI withdraws the request', async () => {
    let signal: AbortSignal | undefined;
    const requests = hostRequests({
      hooks: {
        PreToolUse: [
          {
            hooks: [
              (_input, _id, ctx) => {
                signal = ctx.signal;
                return never();
              },
            ],
            timeoutMs: 50,
          },
        ],
      },
    });
    const cli = new AbortController();
    const started = Date.now();
    const answer = requests.answer(preToolUse('hook_0'), { signal: cli.signal });
    await vi.waitUntil(() => signal?.aborted, { timeout: 1_000 });
    expect(HostCallbackError.isInstance(signal?.reason)).toBe(true);
    setTimeout(() => cli.abort(), 100);
    expect(await answer).toEqual({ error: 'PreToolUse for Bash did not answer within 50 ms' });
    const [span] = spans(HOST_SPAN.hook);
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.attributes).toMatchObject({ [HOST_SPAN.failure]: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('answers a callback that does not answer itself when the CLI does not withdraw the request', async () => {
    vi.useFakeTimers();
    try {
      const requests = hostRequests({ hooks: { Stop: [{ hooks: [never], timeoutMs: 1_500 }] } });
      let answer: unknown;
      void requests
        .answer(
          { subtype: 'hook_callback', callback_id: 'hook_0', input: { hook_event_name: 'Stop' } },
          live(),
        )
        .then((a) => {
          answer = a;
        });
      // the CLI's limit is 2 s (whole seconds), then 2 s of grace
      await vi.advanceTimersByTimeAsync(3_900);
      expect(answer).toBeUndefined();
      await vi.advanceTimersByTimeAsync(200);
      expect(answer).toEqual({ error: 'Stop did not answer within 1500 ms' });
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers an error for an id it never registered', async () => {
    expect(await hostRequests({}).answer(preToolUse('hook_7'), live())).toEqual({
      error: 'no hook callback registered as hook_7',
    });
  });
});

describe('other requests', () => {
  it('answers an error for a subtype it does not know, and never throws', async () => {
    expect(await hostRequests({}).answer({ subtype: 'elicitation' }, live())).toEqual({
      error: 'Unsupported control request subtype: elicitation',
    });
    expect(await hostRequests({}).answer({ subtype: 'can_use_tool', tool_name: 'Bash' }, live())).toEqual({
      error: 'canUseTool is not set',
    });
  });
});
