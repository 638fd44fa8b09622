export { MemoryProjectStore, type MemoryProjectStoreOptions } from './memory-project-store.ts';
export { MemoryTraceStore } from './memory-trace-store.ts';
export {
  Project,
  type ProjectEnv,
  type ProjectOptions,
  type ProjectSessionOptions,
  type Replay,
  type ReplayOptions,
} from './project.ts';
export { ProjectNotFoundError } from './project-not-found-error.ts';
export type { ProjectData, ProjectFilter, ProjectStore } from './project-store.ts';
export { TraceNotFoundError, type TracingErrorCode } from './trace-not-found-error.ts';
export {
  TRACE_ID_ATTRIBUTE,
  TraceRecorder,
  type TraceRecorderOptions,
  type TracingSendOptions,
} from './trace-recorder.ts';
export {
  type ToolCallRecord,
  TRACE_STATUSES,
  type TraceData,
  type TraceFilter,
  type TraceModelUsage,
  type TraceStatus,
  type TraceStore,
} from './trace-store.ts';
export { type ModelSummary, summarizeTraces, type TraceSummary } from './trace-summary.ts';
export { createTracingSession, TracingSession, type TracingSessionOptions } from './tracing-session.ts';
