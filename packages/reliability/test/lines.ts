import { mockLines } from '@ccflow/testing';

/**
 * Raw stream-json lines this package's tests need beyond `mockLines`, in the shape the real CLI (2.1.332) prints
 * them: its retry notices, its notice for an API error, failed results, and ccflow's synthetic result.
 */
export const lines = {
  status: () => ({
    type: 'system',
    subtype: 'status',
    status: 'requesting',
    session_id: 's',
    uuid: 'u-status',
  }),
  apiRetry: (attempt: number, errorStatus = 529) => ({
    type: 'system',
    subtype: 'api_retry',
    attempt,
    max_retries: 2,
    retry_delay_ms: 500,
    error_status: errorStatus,
    error: 'overloaded',
    session_id: 's',
    uuid: `u-retry-${attempt}`,
  }),
  /** The assistant line the CLI prints for an API error (model `<synthetic>`, `error` set). */
  apiErrorNotice: (status = 529) => ({
    ...mockLines.text(`API Error: ${status} Overloaded. This is a server-side issue, usually temporary.`),
    error: status === 429 ? 'rate_limit' : 'unknown',
  }),
  /** The CLI's result for a turn that failed at the API: subtype success, is_error, api_error_status. */
  apiErrorResult: (status = 529) =>
    mockLines.result({ isError: true, apiErrorStatus: status, result: `API Error: ${status}` }),
  /** What ccflow's executor yields before throwing when the CLI gave no result. */
  syntheticResult: (reason = 'claude did not finish') => ({
    ...mockLines.result({ isError: true, subtype: 'error_during_execution', errors: [reason] }),
    result: null,
    ccflow_synthetic: true,
  }),
  streamEvent: () => ({
    type: 'stream_event',
    event: { type: 'message_start', message: { id: 'msg_1', model: 'claude-sonnet-mock' } },
    parent_tool_use_id: null,
    session_id: 's',
    uuid: 'u-stream',
  }),
};
