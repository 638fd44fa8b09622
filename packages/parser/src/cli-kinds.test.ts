import { describe, expect, it } from 'vitest';
import { fixture } from '../test/fixtures.ts';
import { MessageParser } from './message-parser.ts';
import { MessageSchema } from './messages.ts';
import { parseTranscript } from './parse-messages.ts';

// The kinds the CLI prints beyond turns and results, in the shapes of the pinned CLI and its Agent SDK's
// `SDKMessage` union. Each is typed and schema-valid; kinds this parser does not know still pass through whole.

const base = { uuid: 'u-1', session_id: 's-1' };
const one = (line: Record<string, unknown>) => {
  const [m] = new MessageParser().parse({ ...base, ...line }, 1);
  expect(MessageSchema.safeParse(m).success, JSON.stringify(m)).toBe(true);
  return m;
};

describe('kinds the CLI prints', () => {
  it('rate_limit_event: status, the reset time in ms, which limit', () => {
    const resetsAt = 1_796_353_145;
    expect(
      one({
        type: 'rate_limit_event',
        rate_limit_info: { status: 'rejected', resetsAt, rateLimitType: 'five_hour', utilization: 1 },
      }),
    ).toMatchObject({
      type: 'rate_limit_event',
      status: 'rejected',
      resetsAtMs: resetsAt * 1000,
      rateLimitType: 'five_hour',
      utilization: 1,
      sessionId: 's-1',
    });
  });

  it('system/compact_boundary, the task_* subtypes and background_tasks_changed', () => {
    expect(
      one({
        type: 'system',
        subtype: 'compact_boundary',
        compact_metadata: { trigger: 'auto', pre_tokens: 150_000 },
      }),
    ).toMatchObject({ subtype: 'compact_boundary', trigger: 'auto', preTokens: 150_000 });
    expect(
      one({
        type: 'system',
        subtype: 'task_started',
        task_id: 't1',
        tool_use_id: 'toolu_1',
        description: 'Explore',
      }),
    ).toMatchObject({ subtype: 'task_started', taskId: 't1', toolUseId: 'toolu_1', description: 'Explore' });
    expect(
      one({
        type: 'system',
        subtype: 'task_progress',
        task_id: 't1',
        description: 'Explore',
        usage: { total_tokens: 900, tool_uses: 3, duration_ms: 1200 },
      }),
    ).toMatchObject({ taskId: 't1', usage: { totalTokens: 900, toolUses: 3, durationMs: 1200 } });
    expect(
      one({ type: 'system', subtype: 'task_updated', task_id: 't1', patch: { status: 'killed' } }),
    ).toMatchObject({ subtype: 'task_updated', status: 'killed' });
    expect(
      one({
        type: 'system',
        subtype: 'task_notification',
        task_id: 't1',
        status: 'completed',
        output_file: '/tmp/o',
        summary: 'Found 3 files',
      }),
    ).toMatchObject({ subtype: 'task_notification', status: 'completed', summary: 'Found 3 files' });
    expect(
      one({
        type: 'system',
        subtype: 'background_tasks_changed',
        tasks: [{ task_id: 't1', task_type: 'local_agent', description: 'Explore' }],
      }),
    ).toMatchObject({ tasks: [{ task_id: 't1', description: 'Explore' }] });
  });

  it('system/informational and system/notification', () => {
    expect(
      one({ type: 'system', subtype: 'informational', content: 'Tip', level: 'suggestion' }),
    ).toMatchObject({
      subtype: 'informational',
      content: 'Tip',
      level: 'suggestion',
    });
    expect(
      one({ type: 'system', subtype: 'notification', key: 'k', text: 'Heads up', priority: 'high' }),
    ).toMatchObject({ subtype: 'notification', key: 'k', text: 'Heads up', priority: 'high' });
  });

  it('tool_progress (elapsed in ms), tool_use_summary and auth_status', () => {
    expect(
      one({
        type: 'tool_progress',
        tool_use_id: 'toolu_1',
        tool_name: 'Bash',
        parent_tool_use_id: null,
        elapsed_time_seconds: 2.5,
      }),
    ).toMatchObject({ type: 'tool_progress', toolName: 'Bash', elapsedMs: 2500, parentToolUseId: null });
    expect(
      one({ type: 'tool_use_summary', summary: 'Read 2 files', preceding_tool_use_ids: ['a', 'b'] }),
    ).toMatchObject({ summary: 'Read 2 files', precedingToolUseIds: ['a', 'b'] });
    expect(one({ type: 'auth_status', isAuthenticating: true, output: ['Opening browser'] })).toMatchObject({
      type: 'auth_status',
      isAuthenticating: true,
      output: ['Opening browser'],
    });
  });

  it('the replay flag on user lines', () => {
    const replay = { type: 'user', isReplay: true, message: { role: 'user', content: 'again' } };
    expect(one(replay)).toMatchObject({ type: 'user', isReplay: true });
    expect(one({ ...replay, isReplay: undefined })).toMatchObject({ isReplay: false });
  });

  it("a result's terminal_reason, ttft_ms and permission_denials, as the real CLI printed them", () => {
    const [denied] = parseTranscript(fixture('tool-denied')).filter((m) => m.type === 'result');
    expect(denied).toMatchObject({
      terminalReason: 'completed',
      permissionDenials: [
        { toolName: 'Write', toolUseId: expect.any(String), toolInput: expect.any(Object) },
      ],
    });
    const [text] = parseTranscript(fixture('text')).filter((m) => m.type === 'result');
    expect(text?.type === 'result' && text.ttftMs).toBeGreaterThan(0);
  });

  it('kinds it does not know still pass through whole', () => {
    const line = { type: 'conversation_reset', reason: 'x', nested: { a: [1] } };
    expect(one(line)).toEqual({
      type: 'unknown',
      rawType: 'conversation_reset',
      sessionId: 's-1',
      uuid: 'u-1',
      raw: { ...base, ...line },
    });
    const system = { type: 'system', subtype: 'memory_recall', memories: ['m'] };
    expect(one(system)).toMatchObject({
      type: 'unknown_system',
      subtype: 'memory_recall',
      raw: { ...base, ...system },
    });
  });
});
