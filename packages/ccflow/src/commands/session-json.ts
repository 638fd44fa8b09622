import type { CliSessionInfo, SessionMetadata, SessionState } from '@ccflow/sessions';

/** The stable JSON of a stored session: its metadata, dates as ISO strings (no stored options). */
export function storeJson(m: SessionMetadata | SessionState) {
  return {
    sessionId: m.sessionId,
    title: m.title ?? null,
    status: m.status,
    model: m.model ?? null,
    projectId: m.projectId ?? null,
    parentSessionId: m.parentSessionId ?? null,
    tags: m.tags,
    turnCount: m.turnCount,
    totalInputTokens: m.totalInputTokens,
    totalOutputTokens: m.totalOutputTokens,
    totalCostUsd: m.totalCostUsd,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
  };
}

/** The stable JSON of a CLI session file's info. */
export function cliJson(i: CliSessionInfo) {
  return {
    sessionId: i.sessionId,
    title: i.title ?? null,
    customTitle: i.customTitle ?? null,
    firstPrompt: i.firstPrompt ?? null,
    tag: i.tag ?? null,
    cwd: i.cwd ?? null,
    gitBranch: i.gitBranch ?? null,
    filePath: i.filePath,
    sizeBytes: i.sizeBytes,
    createdAt: i.createdAt.toISOString(),
    updatedAt: i.updatedAt.toISOString(),
  };
}
