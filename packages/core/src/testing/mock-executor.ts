import { type Message, MessageParser } from '@ccflow/parser';
import {
  CLI_CAPABILITIES,
  type ExecuteRequest,
  type Executor,
  type ExecutorCapabilities,
} from '../executor.ts';

/**
 * One scripted execution: raw `stream-json` lines (read by the real parser), optionally followed by an error to
 * throw; or a function computing the messages from the request.
 */
export type MockRun =
  | readonly unknown[]
  | { lines: readonly unknown[]; thenThrow?: unknown; delayMs?: number }
  | ((request: ExecuteRequest) => AsyncIterable<Message>);

/**
 * An `Executor` that plays scripted runs in order, for testing code built on ccflow without a CLI.
 * Records every request; honours the abort signal between messages.
 */
export class MockExecutor implements Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities: ExecutorCapabilities;
  readonly requests: ExecuteRequest[] = [];
  readonly #runs: MockRun[];

  /** `capabilities`: what it claims to be able to do; default the CLI's. */
  constructor(runs: MockRun[] = [], capabilities: ExecutorCapabilities = CLI_CAPABILITIES) {
    this.#runs = [...runs];
    this.capabilities = capabilities;
  }

  enqueue(...runs: MockRun[]): this {
    this.#runs.push(...runs);
    return this;
  }

  get pending(): number {
    return this.#runs.length;
  }

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    this.requests.push(request);
    const run = this.#runs.shift();
    if (run === undefined)
      throw new Error(`MockExecutor: no scripted run left for request #${this.requests.length}`);
    if (typeof run === 'function') {
      yield* run(request);
      return;
    }
    const { lines, thenThrow, delayMs } =
      'lines' in run ? run : { lines: run, thenThrow: undefined, delayMs: 0 };
    const parser = new MessageParser();
    for (const line of lines) {
      request.signal?.throwIfAborted();
      if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      request.signal?.throwIfAborted();
      yield* parser.parse(structuredClone(line));
    }
    if (thenThrow !== undefined) throw thenThrow;
  }
}
