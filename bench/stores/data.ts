import type { SessionFilter, SessionState, SessionStatus } from '@ccflow/sessions';
import { seededRandom } from '@ccflow/testing';
import type { TraceData, TraceStatus } from '@ccflow/tracing';

/** 2025-01-01: every bench record is dated after it, over `SPAN_MS`. */
export const BASE_MS = Date.UTC(2025, 0, 1);
export const SPAN_MS = 100 * 24 * 3_600_000;
const PROJECTS = 10;

export const sessionId = (i: number) => `sess-${String(i).padStart(7, '0')}`;
export const traceId = (i: number) => `trace-${String(i).padStart(8, '0')}`;

/**
 * Session `i` of `n`, created in order over the span: 40% active, 40% closed, 10% error, 10% expired; opus 50%;
 * ten projects; tags `prod` (40%) or `dev`, `urgent` (25%), one of five teams.
 */
export function session(i: number, n: number): SessionState {
  const r = seededRandom(i + 1);
  const createdAt = BASE_MS + Math.floor((i / n) * SPAN_MS);
  const s = r();
  const status: SessionStatus = s < 0.4 ? 'active' : s < 0.8 ? 'closed' : s < 0.9 ? 'error' : 'expired';
  const m = r();
  const model = m < 0.5 ? 'claude-opus-4-1' : m < 0.85 ? 'claude-sonnet-4-5' : 'claude-haiku-4-5';
  const tags = [r() < 0.4 ? 'prod' : 'dev', `team-${i % 5}`];
  if (r() < 0.25) tags.push('urgent');
  return {
    sessionId: sessionId(i),
    title: undefined,
    version: 0,
    createdAt: new Date(createdAt),
    updatedAt: new Date(createdAt + Math.floor(r() * 3_600_000)),
    status,
    model,
    systemPrompt: 'You are a careful code reviewer.',
    parentSessionId: i % 20 === 0 && i > 0 ? sessionId(i - 1) : undefined,
    projectId: `project-${i % PROJECTS}`,
    turnCount: 1 + Math.floor(r() * 20),
    totalInputTokens: Math.floor(r() * 100_000),
    totalOutputTokens: Math.floor(r() * 20_000),
    totalCacheReadTokens: Math.floor(r() * 50_000),
    totalCacheWriteTokens: Math.floor(r() * 5_000),
    totalThinkingTokens: Math.floor(r() * 8_000),
    totalCostUsd: Math.round(r() * 500) / 100,
    tags,
    metadata: { user: `user-${i % 50}`, ticket: `ENG-${i}`, source: 'ci' },
    options: {
      model,
      permissionMode: 'default',
      allowedTools: ['Read', 'Grep', 'Bash(git:*)'],
      maxTurns: 20,
    },
    lastError: status === 'error' ? 'API Error: 529 overloaded' : undefined,
  };
}

const PROMPT = 'Review the change in src/parser.ts and list every place where an error could be swallowed.';
const RESPONSE =
  'Two places: the catch in decodeLine drops the cause, and the stream loop ignores a rejected write. ' +
  'Both should surface a typed error; here is a patch for each, with a test that fails before it.';

/** Trace `i` of `n` over `sessions` sessions: turn `i / sessions + 1` of session `i % sessions`, a minute apart. */
export function trace(i: number, sessions: number): TraceData {
  const s = i % sessions;
  const sequenceNumber = Math.floor(i / sessions) + 1;
  const createdAt = BASE_MS + Math.floor((s / sessions) * SPAN_MS) + sequenceNumber * 60_000;
  const r = seededRandom(i + 7);
  const x = r();
  const status: TraceStatus = x < 0.9 ? 'success' : x < 0.95 ? 'error' : 'cancelled';
  return {
    traceId: traceId(i),
    version: 0,
    sessionId: sessionId(s),
    projectId: `project-${s % PROJECTS}`,
    parentTraceId: undefined,
    sequenceNumber,
    prompt: PROMPT,
    context: undefined,
    response: RESPONSE,
    thinking: '',
    toolCalls: [
      { toolUseId: `toolu_${i}`, tool: 'Read', args: { file_path: 'src/parser.ts' }, result: 'ok' },
    ],
    messageStream: undefined,
    optionsSnapshot: { model: 'claude-opus-4-1', maxTurns: 20 },
    model: 'claude-opus-4-1',
    inputTokens: Math.floor(r() * 10_000),
    outputTokens: Math.floor(r() * 2_000),
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    thinkingTokens: 0,
    costUsd: Math.round(r() * 100) / 1000,
    durationMs: Math.floor(r() * 30_000),
    status,
    errorMessage: status === 'error' ? 'API Error: 500' : undefined,
    resumeAt: undefined,
    otelTraceId: undefined,
    otelSpanId: undefined,
    createdAt: new Date(createdAt),
    updatedAt: new Date(createdAt + 30_000),
    metadata: { attempt: 1 },
  };
}

/** The filtered pages the bench lists (limit 50), each matching well over 50 sessions at 1k sessions. */
export const SESSION_FILTERS: { name: string; filter: SessionFilter }[] = [
  { name: 'status=active', filter: { status: 'active' } },
  { name: 'projectId', filter: { projectId: 'project-7' } },
  { name: 'model+status', filter: { model: 'claude-opus-4-1', status: 'closed' } },
  { name: 'tags=[prod]', filter: { tags: ['prod'] } },
  { name: 'tags=[prod,urgent]', filter: { tags: ['prod', 'urgent'] } },
  {
    name: 'status+tag+dates',
    filter: {
      status: 'active',
      tags: ['dev'],
      createdAfter: new Date(BASE_MS + SPAN_MS * 0.3),
      createdBefore: new Date(BASE_MS + SPAN_MS * 0.7),
    },
  },
];
