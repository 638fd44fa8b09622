import type { BatchItem } from './batch-input.ts';
import { batchRecord, type OrderedWriter } from './batch-results.ts';
import type { BatchRunner } from './batch-runner.ts';
import type { Progress } from './progress.ts';

/**
 * Runs `items`, at most `concurrency` at once, until all ran or `signal` aborts; a prompt the abort cut short is not
 * written. A runner that throws (a store that failed, say) stops the batch: no prompt starts after it, and the error
 * is thrown once every prompt under way has ended and been written, so the output is never written after its file
 * is closed.
 */
export async function runAll(
  items: readonly BatchItem[],
  concurrency: number,
  runner: BatchRunner,
  signal: AbortSignal,
  writer: OrderedWriter,
  progress: Progress,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && !signal.aborted && failure === undefined) {
      const index = next++;
      const item = items[index] as BatchItem;
      progress.started();
      let result: Awaited<ReturnType<BatchRunner>>;
      try {
        result = await runner(item.prompt, item.options, signal);
      } catch (error) {
        failure ??= { error };
        progress.stopped();
        return;
      }
      if (result.isError && signal.aborted) {
        progress.stopped();
        continue;
      }
      const record = batchRecord(item, result);
      progress.finished(record);
      writer.put(index, record);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}
