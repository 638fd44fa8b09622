import { randomUUID } from 'node:crypto';
import type { ProjectData } from '../project-store.ts';
import type { TraceData } from '../trace-store.ts';

/** A valid new trace (new ids, version 0, created and updated now, a successful empty turn, no optional fields), with `overrides` on top. */
export function traceFixture(overrides: Partial<TraceData> = {}): TraceData {
  const now = Date.now();
  return {
    traceId: randomUUID(),
    version: 0,
    sessionId: randomUUID(),
    projectId: undefined,
    parentTraceId: undefined,
    sequenceNumber: 1,
    prompt: '',
    context: undefined,
    response: '',
    thinking: '',
    toolCalls: [],
    messageStream: undefined,
    optionsSnapshot: {},
    model: undefined,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    thinkingTokens: 0,
    costUsd: 0,
    durationMs: 0,
    status: 'success',
    errorMessage: undefined,
    resumeAt: undefined,
    otelTraceId: undefined,
    otelSpanId: undefined,
    createdAt: new Date(now),
    updatedAt: new Date(now),
    metadata: {},
    ...overrides,
  };
}

/** A valid new top-level project (new id, version 0, created and updated now, no optional fields), with `overrides` on top. */
export function projectFixture(overrides: Partial<ProjectData> = {}): ProjectData {
  const now = Date.now();
  return {
    projectId: randomUUID(),
    version: 0,
    name: 'project',
    description: '',
    parentProjectId: undefined,
    metadata: {},
    createdAt: new Date(now),
    updatedAt: new Date(now),
    ...overrides,
  };
}

export function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}
