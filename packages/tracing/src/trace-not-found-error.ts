import { CCFlowError } from '@ccflow/core';

/** The codes of `@ccflow/tracing`'s errors. */
export type TracingErrorCode = 'TRACE_NOT_FOUND' | 'PROJECT_NOT_FOUND';

/** A replay named a trace the trace store does not have. */
export class TraceNotFoundError extends CCFlowError {
  static override readonly code = 'TRACE_NOT_FOUND';
  declare readonly code: 'TRACE_NOT_FOUND';
  readonly traceId: string;
  constructor(init: { traceId: string }) {
    super({ message: `trace not found: ${init.traceId}` });
    this.traceId = init.traceId;
  }
}
