export { MockExecutor, type MockRun } from './mock-executor.ts';
export { MOCK_SESSION_ID, mockLines } from './mock-lines.ts';
