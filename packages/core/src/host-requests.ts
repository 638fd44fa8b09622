import type { ExecutionHost } from './executor.ts';
import { answerMcpMessage, inProcessMcpLaunch } from './in-process-mcp.ts';

/** What the host's callbacks add to the CLI's start: argv flags (never secrets) and `initialize` fields. */
export interface HostLaunch {
  args: string[];
  initialize: Record<string, unknown>;
}

/** The answer to one request from the CLI: its `response` payload, or an error message. */
export type HostAnswer = { response: Record<string, unknown> } | { error: string };

/**
 * The requests the CLI sends to us (`can_use_tool`, `hook_callback`, `mcp_message`), answered with the host's
 * callbacks. Built once per process: the hook callback ids it registers in `launch` are the ones it answers.
 */
export class HostRequests {
  readonly launch: HostLaunch;
  readonly #host: ExecutionHost | undefined;

  constructor(host: ExecutionHost | undefined) {
    this.#host = host;
    this.launch = inProcessMcpLaunch(host?.mcpServers);
  }

  /** Answers `request` (a `control_request`'s `request` object). Never throws, never hangs past its timeout. */
  async answer(request: Record<string, unknown>, init: { signal: AbortSignal }): Promise<HostAnswer> {
    if (request.subtype === 'mcp_message') return answerMcpMessage(this.#host?.mcpServers, request, init);
    return { error: `Unsupported control request subtype: ${String(request.subtype)}` };
  }
}
