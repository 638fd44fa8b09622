import type { ExecuteRequest, Executor } from '@ccflow/core';
import { type Message, MessageParser } from '@ccflow/parser';

/** What a scripted run does: the request, the run's number on this executor, and a way to emit raw CLI lines. */
export type Script = (
  request: ExecuteRequest,
  run: number,
  emit: (line: unknown) => Message[],
) => AsyncGenerator<Message[], void, unknown>;

/** An executor whose runs are a script of raw `stream-json` lines (parsed by the real parser), for queue tests. */
export class ScriptExecutor implements Executor {
  readonly specificationVersion = 'v1';
  readonly capabilities = { resume: true, tools: true, host: false };
  runs = 0;
  readonly signals: AbortSignal[] = [];

  constructor(readonly script: Script) {}

  async *execute(request: ExecuteRequest): AsyncGenerator<Message> {
    const run = ++this.runs;
    if (request.signal) this.signals.push(request.signal);
    const parser = new MessageParser();
    for await (const batch of this.script(request, run, (line) => parser.parse(line))) yield* batch;
  }
}

export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const m of stream) out.push(m);
  return out;
}
