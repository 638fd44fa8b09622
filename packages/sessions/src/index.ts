export { deleteCliSession, renameCliSession, tagCliSession } from './cli-session-edits.ts';
export {
  type CliSessionFile,
  cliSessionFiles,
  findCliSessionFile,
  getCliSessionInfo,
  type ListCliSessionsOptions,
  listCliSessions,
} from './cli-session-files.ts';
export type { CliSessionInfo } from './cli-session-info.ts';
export {
  type CliSessionFilesOptions,
  cliConfigDir,
  cliProjectDir,
  cliProjectDirName,
  cliProjectsDir,
} from './cli-session-paths.ts';
export {
  type CliSubagentInfo,
  listCliSubagents,
  type ReadCliSessionOptions,
  readCliSessionMessages,
} from './cli-session-reader.ts';
export { SESSION_MANAGER } from './default-manager.ts';
export { SessionBusyError, SessionClosedError, type SessionsErrorCode } from './errors.ts';
export {
  IMPORTED_FROM_CLI,
  type ImportCliSessionsOptions,
  type ImportCliSessionsResult,
  importCliSessions,
} from './import-cli-sessions.ts';
export { type LoadSessionOptions, loadSession, resumeSession } from './load-session.ts';
export { MemorySessionStore } from './memory-session-store.ts';
export { type SendOptions, Session, type SessionOptions, type SessionStats } from './session.ts';
export { type CreateSessionOptions, SessionManager, type SessionManagerOptions } from './session-manager.ts';
export {
  SESSION_STATUSES,
  type SessionFilter,
  type SessionMetadata,
  type SessionState,
  type SessionStatus,
  type SessionStore,
  type StoredOptions,
} from './session-store.ts';
export { storableOptions } from './storable-options.ts';
export {
  StoreClosedError,
  StoreConflictError,
  StoreError,
  type StoreErrorCode,
  StoreInputError,
} from './store-errors.ts';
export { ToonSavings } from './toon-savings.ts';
export type { SessionFork, TurnEnd, TurnObserver, TurnStart, TurnWatch } from './turn-observer.ts';
