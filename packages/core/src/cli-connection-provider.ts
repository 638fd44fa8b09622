import type { CliExecutorOptions } from './cli-executor.ts';
import type { ConnectionLease, ConnectionProvider, OpenRequest } from './connection.ts';

/**
 * The provider that spawns: every `open` starts a new CLI (`ClaudeConnection.open`), and releasing the lease ends it
 * (stdin closed, the CLI exits by itself or is stopped, its tree swept). A `Session` given this provider keeps one
 * process across its turns. Takes the same settings as `CliExecutor`.
 */
export class CliConnectionProvider implements ConnectionProvider {
  readonly specificationVersion = 'v1';
  readonly #settings: CliExecutorOptions;

  constructor(settings: CliExecutorOptions = {}) {
    this.#settings = settings;
  }

  async open(request: OpenRequest): Promise<ConnectionLease> {
    void this.#settings;
    void request;
    throw new Error('CliConnectionProvider: not yet implemented');
  }

  /** Ends every connection it opened that is still leased. */
  async [Symbol.asyncDispose](): Promise<void> {}
}
