/**
 * Run by `bad-files.test.ts` as an unprivileged user (permissions do not bind root): opens the store at argv[2],
 * reads, tries a write, and prints what happened at each step as one JSON line.
 */
import { StoreError } from '@ccflow/sessions';
import { stateFixture } from '@ccflow/sessions/testing';
import { SQLiteSessionStore } from '../src/sqlite-session-store.ts';

const path = process.argv[2]!;
const report = (stage: string, error?: unknown): never => {
  const e = error as StoreError | undefined;
  console.log(
    JSON.stringify({
      stage,
      storeError: e === undefined ? undefined : StoreError.isInstance(e),
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
  await store!.save(stateFixture({ sessionId: `written-${count}`, tags: ['t'] }));
} catch (error) {
  report(`save after reading ${count}`, error);
}
report('saved');
