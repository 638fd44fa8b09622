import { type Message, MessageParser } from '@ccflow/parser';

/**
 * A request as the mock records it: the shape of `@ccflow/core`'s `ExecuteRequest`, declared here so the kit does
 * not import core (core's tests check that every `ExecuteRequest` is one).
 */
export interface MockRequest {
  /** Text, or content blocks (text, images): the shape of core's `Prompt`. */
  prompt: string | readonly { readonly type: string }[];
  options?: Readonly<Record<string, unknown>>;
  signal?: AbortSignal;
  host?: { onStderr?: (chunk: string) => void };
}

/** What an executor can do beyond running a prompt: the shape of core's `ExecutorCapabilities`. */
export interface MockCapabilities {
  readonly resume: boolean;
  readonly tools: boolean;
  readonly host: boolean;
}

/** What the CLI can do, as core's `CliExecutor` declares it: everything. */
const CLI_CAPABILITIES: MockCapabilities = Object.freeze({ resume: true, tools: true, host: true });

/**
 * One scripted execution: raw `stream-json` lines (read by the real parser), optionally followed by an error to
 * throw; or a function computing the messages from the request.
 */
export type MockRun =
  | readonly unknown[]
  | { lines: readonly unknown[]; thenThrow?: unknown; delayMs?: number }
  | ((request: MockRequest) => AsyncIterable<Message>);

/**
 * An executor that plays scripted runs in order, for testing code built on ccflow without a CLI. It satisfies
 * core's `Executor` structurally, so it goes wherever one does. Records every request; honours the abort signal
 * between messages.
 */
export class MockExecutor {
  readonly specificationVersion = 'v1';
  readonly capabilities: MockCapabilities;
  readonly requests: MockRequest[] = [];
  readonly #runs: MockRun[];

  /** `capabilities`: what it claims to be able to do; default the CLI's. */
  constructor(runs: MockRun[] = [], capabilities: MockCapabilities = CLI_CAPABILITIES) {
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

  async *execute(request: MockRequest): AsyncGenerator<Message> {
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
