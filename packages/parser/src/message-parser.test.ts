import { type FixtureName, PINNED_CLAUDE_VERSION } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureLines, fixtureNames } from '../test/fixtures.ts';
import { collectText, collectThinking } from './collect.ts';
import { MessageParser } from './message-parser.ts';
import { type Message, MessageSchema } from './messages.ts';
import { parseTranscript } from './parse-messages.ts';

const parse = (name: FixtureName) => parseTranscript(fixture(name));
const ofType = <T extends Message['type']>(msgs: Message[], type: T) =>
  msgs.filter((m): m is Extract<Message, { type: T }> => m.type === type);

describe('MessageParser on transcripts recorded from the real CLI', () => {
  it.each(fixtureNames)('%s: every message matches the schema, every line is kept', (name) => {
    const msgs = parse(name);
    for (const m of msgs)
      expect(MessageSchema.safeParse(m).success, JSON.stringify(m).slice(0, 200)).toBe(true);
    const lineLevel = msgs.filter((m) => 'raw' in m);
    expect(lineLevel.map((m) => (m as { raw: unknown }).raw)).toEqual(fixtureLines(name));
    expect(ofType(msgs, 'error')).toEqual([]);
    expect(ofType(msgs, 'unknown')).toEqual([]);
    expect(ofType(msgs, 'unknown_system')).toEqual([]);
  });

  it('init: session, model, tools and the rest, with unknown fields kept in raw', () => {
    const [init] = parse('text');
    expect(init).toMatchObject({ type: 'system', subtype: 'init', apiKeySource: 'ANTHROPIC_API_KEY' });
    if (init?.type !== 'system' || init.subtype !== 'init') throw new Error('no init');
    expect(init.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(init.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(init.tools).toContain('Bash');
    expect(init.claudeCodeVersion).toBe(PINNED_CLAUDE_VERSION);
    expect(init.permissionMode).toBe('default');
    expect(init.raw.capabilities).toBeInstanceOf(Array);
  });

  it('text: one assistant line, one text view, the result', () => {
    const msgs = parse('text');
    const [assistant] = ofType(msgs, 'assistant');
    const expected = 'Hello from the stand-in. Ünïcødé ✓ 日本語 🚀';
    expect(assistant?.textContent).toBe(expected);
    expect(ofType(msgs, 'text')).toEqual([
      expect.objectContaining({ content: expected, partial: false, messageId: assistant?.messageId }),
    ]);
    const [result] = ofType(msgs, 'result');
    expect(result).toMatchObject({ subtype: 'success', isError: false, result: expected, numTurns: 1 });
    expect(result?.usage.inputTokens).toBeGreaterThan(0);
    expect(result?.totalCostUsd).toBeGreaterThan(0);
    expect(Object.values(result?.modelUsage ?? {})[0]).toHaveProperty('costUSD');
    expect(msgs.every((m) => m.type === 'error' || m.sessionId === result?.sessionId)).toBe(true);
  });

  it('partial messages: text is given once, as deltas, and matches the whole block', () => {
    const msgs = parse('text-partial');
    const views = ofType(msgs, 'text');
    expect(views.length).toBeGreaterThan(1);
    expect(views.every((v) => v.partial)).toBe(true);
    expect(collectText(msgs)).toBe(ofType(msgs, 'assistant')[0]?.textContent);
    expect(ofType(msgs, 'stream_event').length).toBeGreaterThan(views.length);
    expect(ofType(msgs, 'stop')).toEqual([expect.objectContaining({ stopReason: 'end_turn' })]);
  });

  it('thinking: whole blocks carry the signature; streamed thinking equals the whole block', () => {
    const whole = parse('thinking');
    expect(ofType(whole, 'thinking')).toEqual([
      expect.objectContaining({
        content: 'Let me think about 2+2. It is 4.',
        partial: false,
        signature: expect.any(String),
      }),
    ]);
    expect(ofType(whole, 'system').filter((m) => m.subtype === 'thinking_tokens').length).toBeGreaterThan(0);

    const streamed = parse('thinking-partial');
    expect(collectThinking(streamed)).toBe('Let me think about 2+2 carefully. It is 4.');
    expect(ofType(streamed, 'thinking').every((t) => t.partial)).toBe(true);
    expect(collectText(streamed)).toBe('The answer is 4.');
  });

  it('tool use: the call and its result are linked by id and name, with the structured result', () => {
    for (const name of ['tool-bash', 'tool-bash-partial'] as const) {
      const msgs = parse(name);
      const [use] = ofType(msgs, 'tool_use');
      const [result] = ofType(msgs, 'tool_result');
      expect(use).toMatchObject({ tool: 'Bash', args: { command: 'echo hi-from-tool' } });
      expect(result).toMatchObject({
        toolUseId: use?.toolUseId,
        tool: 'Bash',
        result: 'hi-from-tool',
        isError: false,
      });
      expect(result?.structured).toMatchObject({ stdout: 'hi-from-tool', interrupted: false });
      expect(collectText(msgs)).toBe('The tool printed hi-from-tool.');
    }
  });

  it('a denied tool: permission_denied and an error tool result', () => {
    const msgs = parse('tool-denied');
    const denied = ofType(msgs, 'system').find((m) => m.subtype === 'permission_denied');
    expect(denied).toMatchObject({ toolName: 'Write', message: expect.stringContaining('permission') });
    expect(ofType(msgs, 'tool_result')[0]).toMatchObject({ tool: 'Write', isError: true });
  });

  it('structured output arrives as the StructuredOutput tool call and on the result', () => {
    const msgs = parse('structured');
    expect(ofType(msgs, 'tool_use')[0]).toMatchObject({ tool: 'StructuredOutput', args: { answer: 4 } });
    const [result] = ofType(msgs, 'result');
    expect(result?.structuredOutput).toEqual({ answer: 4 });
    expect(JSON.parse(result?.result ?? 'null')).toEqual({ answer: 4 });
  });

  it('API errors: the result is an error even with subtype success, and the notice is not model text', () => {
    for (const [name, status] of [
      ['error-401', 401],
      ['error-500', 500],
    ] as const) {
      const msgs = parse(name);
      const [result] = ofType(msgs, 'result');
      expect(result).toMatchObject({ subtype: 'success', isError: true, apiErrorStatus: status });
      expect(ofType(msgs, 'assistant')[0]?.error).toBeTruthy();
      expect(collectText(msgs)).toBe('');
    }
    expect(ofType(parse('stream-cut'), 'result')[0]).toMatchObject({ isError: true });
  });

  it('the CLI retrying an API call is one message per attempt', () => {
    const retries = ofType(parse('error-529-retried'), 'system').filter((m) => m.subtype === 'api_retry');
    expect(retries).toEqual([
      expect.objectContaining({ attempt: 1, maxRetries: 2, errorStatus: 529, error: 'overloaded' }),
      expect.objectContaining({ attempt: 2, maxRetries: 2, errorStatus: 429, error: 'rate_limit' }),
    ]);
  });

  it('limits and failures: every error subtype is an error result', () => {
    expect(ofType(parse('max-turns'), 'result')[0]).toMatchObject({
      subtype: 'error_max_turns',
      isError: true,
    });
    expect(ofType(parse('max-budget'), 'result')[0]).toMatchObject({
      subtype: 'error_max_budget_usd',
      isError: true,
      errors: [expect.stringContaining('budget')],
    });
    expect(ofType(parse('resume-missing'), 'result')[0]).toMatchObject({
      subtype: 'error_during_execution',
      isError: true,
    });
    const interrupted = parse('interrupted');
    expect(ofType(interrupted, 'result')[0]).toMatchObject({
      subtype: 'error_during_execution',
      isError: true,
    });
    expect(collectText(interrupted)).toBe('This stream stal');
  });

  it('hook events', () => {
    const hooks = ofType(parse('hooks'), 'system').filter((m) => m.subtype.startsWith('hook_'));
    expect(hooks).toEqual([
      expect.objectContaining({
        subtype: 'hook_started',
        hookEvent: 'PreToolUse',
        hookName: 'PreToolUse:Bash',
      }),
      expect.objectContaining({
        subtype: 'hook_response',
        hookEvent: 'PreToolUse',
        exitCode: 0,
        outcome: 'success',
        stdout: 'pre-tool-hook-ran\n',
      }),
    ]);
  });

  it('several turns on one process: one result per turn', () => {
    const msgs = parse('multi-turn-stdin');
    expect(ofType(msgs, 'result').map((r) => r.result)).toEqual(['First answer.', 'Second answer.']);
    expect(collectText(msgs)).toBe('First answer.Second answer.');
  });

  it("a turn's cost is what the CLI reports for the turn; total_cost_usd stays the running total", () => {
    const results = ofType(parse('multi-turn-stdin'), 'result');
    const [first, second] = results;
    // Two turns on one process: the second result's total includes the first turn.
    expect(second!.totalCostUsd).toBeGreaterThan(first!.totalCostUsd);
    expect(first!.turnCostUsd).toBe(first!.totalCostUsd);
    expect(second!.turnCostUsd).toBeCloseTo(second!.totalCostUsd - first!.totalCostUsd, 12);
    // Without the per-turn figure (an older CLI), the running total is all there is.
    const [older] = new MessageParser().parse({ type: 'result', subtype: 'success', total_cost_usd: 0.2 }, 1);
    expect(older).toMatchObject({ totalCostUsd: 0.2, turnCostUsd: 0.2 });
  });
});

describe('MessageParser on lines the CLI might print one day', () => {
  const one = (value: unknown) => new MessageParser().parse(value, 7);

  it('unknown types and system subtypes keep the raw object', () => {
    expect(one({ type: 'control_response', response: { ok: 1 }, session_id: 's' })).toEqual([
      { type: 'unknown', rawType: 'control_response', sessionId: 's', raw: expect.any(Object) },
    ]);
    expect(one({ foo: 1 })).toEqual([{ type: 'unknown', rawType: undefined, raw: { foo: 1 } }]);
    expect(one({ type: 'system', subtype: 'session_state_changed', uuid: 'u' })).toEqual([
      {
        type: 'unknown_system',
        subtype: 'session_state_changed',
        uuid: 'u',
        raw: { type: 'system', subtype: 'session_state_changed', uuid: 'u' },
      },
    ]);
  });

  it('JSON of the wrong shape becomes an error message with the line number and raw value', () => {
    for (const value of [
      42,
      null,
      'str',
      [1],
      { type: 'assistant' },
      { type: 'user', message: {} },
      { type: 'result' },
    ]) {
      const [m] = one(value);
      expect(m).toMatchObject({ type: 'error', code: 'invalid_message', line: 7, raw: value });
    }
    expect(one({ type: 'system', subtype: 'init' })[0]).toMatchObject({
      type: 'error',
      code: 'invalid_message',
    });
    expect(one({ type: 'stream_event', event: 'x' })[0]).toMatchObject({
      type: 'error',
      code: 'invalid_message',
    });
  });

  it('wrongly typed fields get neutral values instead of throwing', () => {
    const [result] = one({
      type: 'result',
      subtype: 'success',
      usage: 'x',
      num_turns: 'two',
      total_cost_usd: null,
    });
    expect(result).toMatchObject({ isError: false, numTurns: 0, totalCostUsd: 0, usage: { inputTokens: 0 } });
    const msgs = one({
      type: 'assistant',
      message: { content: [1, null, { type: 'text', text: 5 }, { type: 'new_block' }] },
    });
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({
      type: 'assistant',
      textContent: '',
      content: [{ type: 'text' }, { type: 'new_block' }],
    });
  });

  it('an error result with is_error false and a non-success subtype is still an error', () => {
    expect(one({ type: 'result', subtype: 'error_max_turns', is_error: false })[0]).toMatchObject({
      isError: true,
    });
  });
});
