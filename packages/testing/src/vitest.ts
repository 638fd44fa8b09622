import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ClaudeSandbox, type SandboxExecutorOptions } from './claude-sandbox.ts';
import { MessagesApiStandIn } from './messages-api-stand-in.ts';

export interface ClaudeSandboxFixture {
  readonly api: MessagesApiStandIn;
  readonly box: ClaudeSandbox;
  /** `box.executorOptions`: `new CliExecutor(sandbox.executorOptions)`. */
  readonly executorOptions: SandboxExecutorOptions;
}

/**
 * For a test file of real-CLI tests: starts a stand-in and a sandbox pointed at it before the file's tests, resets
 * the stand-in before each test, and closes both after the file. Read the fields inside tests or hooks.
 */
export function useClaudeSandbox(): ClaudeSandboxFixture {
  let api: MessagesApiStandIn | undefined;
  let box: ClaudeSandbox | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useClaudeSandbox: read its fields inside tests or hooks');
    return value;
  };
  beforeAll(async () => {
    api = await MessagesApiStandIn.start();
    box = new ClaudeSandbox({ baseUrl: api.url });
  });
  afterAll(async () => {
    box?.close();
    await api?.close();
  });
  beforeEach(() => api?.reset());
  return {
    get api() {
      return started(api);
    },
    get box() {
      return started(box);
    },
    get executorOptions() {
      return started(box).executorOptions;
    },
  };
}

export {
  type FilterExample,
  type PageFilter,
  type RecordStore,
  type RecordStoreConformanceSpec,
  type RecordStoreTester,
  recordStoreConformance,
  type StoredRecord,
  type StoreErrorChecks,
} from './record-store-conformance.ts';
