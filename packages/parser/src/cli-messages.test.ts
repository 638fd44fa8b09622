import type { FixtureName } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import { fixture, fixtureLines } from '../test/fixtures.ts';
import { MessageParser } from './message-parser.ts';
import { type Message, MessageSchema } from './messages.ts';
import { parseTranscript } from './parse-messages.ts';

const parse = (name: FixtureName) => parseTranscript(fixture(name));
const find = <T extends Message['type']>(msgs: Message[], type: T) =>
  msgs.filter((m): m is Extract<Message, { type: T }> => m.type === type);
const systems = (msgs: Message[]) => msgs.filter((m) => m.type === 'system').map((m) => m.subtype);

describe('the newer messages, as the pinned CLI prints them', () => {
  it('usage limit: a rejected rate_limit_event (reset in ms), and a result that carries it', () => {
    const msgs = parse('usage-limit');
    const rawEvent = fixtureLines('usage-limit').find((l) => l.type === 'rate_limit_event')!;
    const resetsAt = rawEvent.rate_limit_info.resetsAt * 1000;
    const [event] = find(msgs, 'rate_limit_event');
    expect(event).toMatchObject({
      status: 'rejected',
      resetsAt,
      rateLimitType: 'five_hour',
      isUsingOverage: false,
    });
    const [result] = find(msgs, 'result');
    expect(result).toMatchObject({
      isError: true,
      apiErrorStatus: 429,
      apiError: 'usage_limit_reached',
      terminalReason: 'api_error',
      rateLimit: { status: 'rejected', resetsAt, rateLimitType: 'five_hour' },
    });
  });

  it('a status within limits reaches the result too; a later result does not inherit it', () => {
    const [result] = find(parse('rate-limit-allowed'), 'result');
    expect(result?.rateLimit).toMatchObject({ status: 'allowed' });
    expect(result).toMatchObject({ isError: false, terminalReason: 'completed' });
    expect(result?.ttftMs).toBeGreaterThan(0);
    const parser = new MessageParser();
    const lines = fixtureLines('rate-limit-allowed');
    const resultLine = lines.find((l) => l.type === 'result');
    const results = [...lines, resultLine].flatMap((l) => parser.parse(l)).filter((m) => m.type === 'result');
    expect(results.map((r) => r.rateLimit?.status)).toEqual(['allowed', undefined]);
  });

  it('background task: background_tasks_changed and the task_* lifecycle', () => {
    const msgs = parse('background-task');
    expect(systems(msgs)).toEqual([
      'init',
      'background_tasks_changed',
      'task_started',
      'task_updated',
      'task_notification',
      'background_tasks_changed',
      'init',
    ]);
    const tasks = msgs.filter((m) => m.type === 'system' && m.subtype.startsWith('task_'));
    const taskId = (tasks[0] as { taskId: string }).taskId;
    expect(tasks).toMatchObject([
      { subtype: 'task_started', taskId, description: 'bg', toolUseId: expect.any(String) },
      { subtype: 'task_updated', taskId, status: 'completed' },
      { subtype: 'task_notification', taskId, status: 'completed', summary: expect.stringContaining('bg') },
    ]);
    const changes = msgs.filter((m) => m.type === 'system' && m.subtype === 'background_tasks_changed');
    expect(changes).toMatchObject([
      { tasks: [{ taskId, taskType: 'local_bash', description: 'bg' }] },
      { tasks: [] },
    ]);
  });

  it('replay: the echoed user line says isReplay; others do not', () => {
    const users = find(parse('replay'), 'user');
    expect(users).toMatchObject([{ isReplay: true, content: 'Echo me' }]);
    expect(find(parse('tool-bash'), 'user').map((u) => u.isReplay)).toEqual([false]);
  });

  it('results: terminal reason, time to first token, and typed permission denials', () => {
    const [denied] = find(parse('tool-denied'), 'result');
    expect(denied?.permissionDenials).toEqual([
      {
        toolName: 'Write',
        toolUseId: expect.stringMatching(/^toolu_/),
        toolInput: expect.objectContaining({ content: 'x' }),
      },
    ]);
    expect(find(parse('max-turns'), 'result')[0]?.terminalReason).toBe('max_turns');
  });
});

describe('the newer messages the stand-in cannot make the CLI print (shapes of the Agent SDK types)', () => {
  const one = (value: Record<string, unknown>) => {
    const out = new MessageParser().parse({ uuid: 'u', session_id: 's', ...value });
    for (const m of out) expect(MessageSchema.safeParse(m).success).toBe(true);
    return out;
  };

  it('tool_progress (elapsed in ms), tool_use_summary, auth_status', () => {
    expect(
      one({
        type: 'tool_progress',
        tool_use_id: 't',
        tool_name: 'Task',
        parent_tool_use_id: null,
        elapsed_time_seconds: 2.5,
        task_id: 'k',
      }),
    ).toMatchObject([
      { type: 'tool_progress', toolUseId: 't', toolName: 'Task', elapsedMs: 2500, taskId: 'k' },
    ]);
    expect(
      one({ type: 'tool_use_summary', summary: 'Read 2 files', preceding_tool_use_ids: ['a', 'b'] }),
    ).toMatchObject([{ type: 'tool_use_summary', summary: 'Read 2 files', precedingToolUseIds: ['a', 'b'] }]);
    expect(one({ type: 'auth_status', isAuthenticating: true, output: ['Opening browser'] })).toMatchObject([
      { type: 'auth_status', isAuthenticating: true, output: ['Opening browser'], error: undefined },
    ]);
  });

  it('system: compact_boundary, informational, notification', () => {
    expect(
      one({
        type: 'system',
        subtype: 'compact_boundary',
        compact_metadata: { trigger: 'auto', pre_tokens: 180_000, post_tokens: 12_000 },
      }),
    ).toMatchObject([
      { subtype: 'compact_boundary', trigger: 'auto', preTokens: 180_000, postTokens: 12_000 },
    ]);
    expect(
      one({ type: 'system', subtype: 'informational', content: 'Note', level: 'warning' }),
    ).toMatchObject([{ subtype: 'informational', content: 'Note', level: 'warning' }]);
    expect(
      one({ type: 'system', subtype: 'notification', key: 'k', text: 'Heads up', priority: 'high' }),
    ).toMatchObject([{ subtype: 'notification', key: 'k', text: 'Heads up', priority: 'high' }]);
  });

  it('a rate_limit_event without a status is an invalid_message error, kept whole', () => {
    expect(one({ type: 'rate_limit_event', rate_limit_info: {} })).toMatchObject([
      { type: 'error', code: 'invalid_message', raw: { type: 'rate_limit_event' } },
    ]);
  });
});
