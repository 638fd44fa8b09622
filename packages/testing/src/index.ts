export { ClaudeBinaryNotFoundError, PINNED_CLAUDE_VERSION, resolveClaudeBinary } from './claude-binary.ts';
export {
  type ClaudeProcess,
  type ClaudeRun,
  ClaudeSandbox,
  type ClaudeSandboxOptions,
  type RunOptions,
  type SandboxExecutorOptions,
  STAND_IN_API_KEY,
} from './claude-sandbox.ts';
export { FAULT_CLI_PATH, type FaultScript, type FaultStep, faultEnv } from './fault-cli.ts';
export { FIXTURE_NAMES, type FixtureName, fixturePath, readFixture } from './fixtures.ts';
export { formatSse, messageEvents, type SseEvent } from './message-events.ts';
export {
  MessagesApiStandIn,
  type RecordedRequest,
  type Responder,
  type StandInOptions,
} from './messages-api-stand-in.ts';
export { type MockCapabilities, MockExecutor, type MockRequest, type MockRun } from './mock-executor.ts';
export { MOCK_SESSION_ID, mockLines } from './mock-lines.ts';
export { type PostgresServer, type StartPostgresOptions, startPostgres } from './postgres-server.ts';
export {
  bytesWritten,
  childrenWithEnv,
  childWithEnv,
  commOf,
  descendantsOf,
  fdCount,
  isGone,
  killAll,
  processesWithCmdline,
  processesWithEnv,
  until,
  zombieChildren,
} from './processes.ts';
export { type RedisServer, type StartRedisOptions, startRedis } from './redis-server.ts';
export {
  type ContentSpec,
  type ErrorReply,
  fakeSignature,
  type MessageReply,
  type Reply,
  reply,
  type StopReason,
  type UsageSpec,
} from './reply.ts';
export { seededRandom } from './seeded-random.ts';
export {
  GATEWAY_ENV,
  type RateLimitHeaders,
  rateLimitHeaders,
  textWithRateLimit,
  usageLimitReply,
} from './usage-limit.ts';
