import type { ExecuteRequest, Executor } from '@ccflow/core';
import { type Message, MessageParser } from '@ccflow/parser';
import { mockLines } from '@ccflow/testing';

/**
 * The model stood in for by a fixed delay (I/O-bound, like a CLI waiting on the API): `init`, then `texts` texts
 * spread over `delayMs`, then a result. The same messages every run.
 */
export class FixedDelayExecutor implements Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities = { resume: true, tools: true, host: false };

  constructor(
    readonly delayMs: number,
    readonly texts = 5,
  ) {}

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const parser = new MessageParser();
    yield* parser.parse(mockLines.init());
    for (let i = 0; i < this.texts; i++) {
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs / this.texts));
      yield* parser.parse(
        mockLines.text(`A sentence of about sixty characters of model output, number ${i}.`),
      );
    }
    yield* parser.parse(mockLines.result({ result: `done: ${String(request.prompt).slice(0, 40)}` }));
  }
}
