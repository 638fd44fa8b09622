import { CCFlowError } from '@ccflow/core';

/** A replay named a trace the trace store does not have. */
export class TraceNotFoundError extends CCFlowError {
  static override readonly code = 'TRACE_NOT_FOUND';
  constructor(readonly traceId: string) {
    super(`trace not found: ${traceId}`);
  }
}
