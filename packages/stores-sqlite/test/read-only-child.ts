/**
 * Run by `bad-files.test.ts` as an unprivileged user (permissions do not bind root): opens the store at argv[2],
 * reads, tries a write, and prints what happened at each step as one JSON line.
 */
import { SessionStoreError } from '@ccflow/core';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';

const path = process.argv[2]!;
const report = (stage: string, error?: unknown): never => {
  const e = error as SessionStoreError | undefined;
  console.log(
    JSON.stringify({
      stage,
      storeError: e === undefined ? undefined : SessionStoreError.isInstance(e),
      path: e?.path,
      message: e?.message,
    }),
  );
  process.exit(0);
};

let store: SQLiteSessionStore;
try {
  store = new SQLiteSessionStore(path);
} catch (error) {
  report('open', error);
}
const count = await store!.count();
try {
  const now = new Date();
  await store!.save({
    sessionId: `written-${count}`,
    createdAt: now,
    updatedAt: now,
    status: 'active',
    model: undefined,
    systemPrompt: undefined,
    parentSessionId: undefined,
    projectId: undefined,
    turnCount: 0,
    totalInputTokens: 0,
    totalOutputTokens: 0,
    totalCacheReadTokens: 0,
    totalCacheWriteTokens: 0,
    totalThinkingTokens: 0,
    totalCostUsd: 0,
    tags: ['t'],
    metadata: {},
    options: {},
    lastError: undefined,
  });
} catch (error) {
  report(`save after reading ${count}`, error);
}
report('saved');
