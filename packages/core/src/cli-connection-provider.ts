import { ClaudeConnection, type ClaudeConnectionOptions } from './claude-connection.ts';
import type { ConnectionLease, ConnectionProvider, OpenRequest } from './connection.ts';

/** What a `CliConnectionProvider` is given: a `CliExecutor`'s settings, and the connections' control timeout. */
export type CliConnectionProviderOptions = Omit<ClaudeConnectionOptions, keyof OpenRequest>;

/**
 * The provider that spawns: every `open` starts a new CLI (`ClaudeConnection.open`, with these settings under the
 * request), and releasing the lease ends it (stdin closed, the CLI exits by itself or is stopped, its tree swept).
 * A `Session` given this provider keeps one process across its turns. Disposing it ends every connection still leased.
 */
export class CliConnectionProvider implements ConnectionProvider {
  readonly specificationVersion = 'v1';
  readonly #settings: CliConnectionProviderOptions;
  readonly #leased = new Set<ClaudeConnection>();

  constructor(settings: CliConnectionProviderOptions = {}) {
    this.#settings = settings;
  }

  async open(request: OpenRequest): Promise<ConnectionLease> {
    const connection = await ClaudeConnection.open({ ...this.#settings, ...request });
    this.#leased.add(connection);
    let released: Promise<void> | undefined;
    const release = () => {
      released ??= connection.close().finally(() => this.#leased.delete(connection));
      return released;
    };
    return { connection, release, [Symbol.asyncDispose]: release };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await Promise.all([...this.#leased].map((connection) => connection.close()));
  }
}
