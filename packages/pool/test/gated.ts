import { type Message, MessageParser } from '@ccflow/parser';
import { MockExecutor, type MockRequest, mockLines } from '@ccflow/testing';

type Outcome = 'success' | 'error-result';

/**
 * A `MockExecutor` whose runs, named by their prompt, print the CLI's `init` and then wait until the test releases
 * them (a success, or the CLI's error result), or until their signal aborts (then they throw its reason, as
 * executors do). Records the order runs start in and their signals.
 */
export class Gated {
  readonly executor: MockExecutor;
  readonly started: string[] = [];
  readonly signals = new Map<string, AbortSignal>();
  readonly #outcomes = new Map<string, Outcome>();
  readonly #waiting = new Map<string, (outcome: Outcome) => void>();

  constructor(runs = 50) {
    this.executor = new MockExecutor(Array.from({ length: runs }, () => (r: MockRequest) => this.#run(r)));
  }

  /** Lets the run of `prompt` end (now, or as soon as it starts). */
  release(prompt: string, outcome: Outcome = 'success'): void {
    const waiting = this.#waiting.get(prompt);
    if (waiting) waiting(outcome);
    else this.#outcomes.set(prompt, outcome);
  }

  get running(): string[] {
    return [...this.#waiting.keys()];
  }

  async *#run(request: MockRequest): AsyncGenerator<Message> {
    const prompt = String(request.prompt);
    this.started.push(prompt);
    if (request.signal) this.signals.set(prompt, request.signal);
    const parser = new MessageParser();
    yield* parser.parse(mockLines.init());
    const outcome = await this.#gate(prompt, request.signal);
    if (outcome === 'error-result') {
      yield* parser.parse(
        mockLines.result({ subtype: 'error_during_execution', isError: true, result: `failed: ${prompt}` }),
      );
      return;
    }
    yield* parser.parse(mockLines.text(`answer to ${prompt}`));
    yield* parser.parse(mockLines.result({ result: `answer to ${prompt}` }));
  }

  #gate(prompt: string, signal: AbortSignal | undefined): Promise<Outcome> {
    const early = this.#outcomes.get(prompt);
    if (early) return Promise.resolve(early);
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Outcome>((resolve, reject) => {
      const done = () => {
        this.#waiting.delete(prompt);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        done();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.set(prompt, (outcome) => {
        done();
        resolve(outcome);
      });
    });
  }
}

/** Lets pending callbacks (a task's start after another's end) run. */
export const settle = () => new Promise((r) => setImmediate(r));
