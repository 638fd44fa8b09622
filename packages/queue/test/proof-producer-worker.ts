// A producer process of the multi-process proof: `node proof-producer-worker.ts <redis-url> <queue> <name> <jobs> <seed>`.
// Runs the jobs at once, aborts about one in five at a random moment, and prints one JSON line per job as it ends.
import { AbortedError, CCFlowError } from '@ccflow/core';
import { seededRandom } from '@ccflow/testing';
import { QueueExecutor } from '../src/index.ts';

const [url, queueName, name, count, seed] = process.argv.slice(2) as [string, string, string, string, string];
const random = seededRandom(Number(seed));
const producer = new QueueExecutor({
  connection: url,
  queueName,
  attempts: 3,
  backoffMs: 50,
  checkIntervalMs: 500,
});

async function run(i: number) {
  const prompt = `${name}-${i}`;
  const controller = new AbortController();
  const abortAt = random() < 0.2 ? Math.floor(random() * 1500) : undefined;
  const timer =
    abortAt === undefined
      ? undefined
      : setTimeout(() => controller.abort(new AbortedError({ message: 'random abort' })), abortAt);
  const texts: string[] = [];
  let result: string | undefined;
  let outcome: string;
  try {
    for await (const m of producer.execute({ prompt, signal: controller.signal })) {
      if (m.type === 'text') texts.push(m.content);
      if (m.type === 'result') result = m.result ?? undefined;
    }
    outcome = 'ok';
  } catch (error) {
    outcome = CCFlowError.isInstance(error) ? error.code : `other: ${String(error)}`;
  }
  clearTimeout(timer);
  process.stdout.write(
    `${JSON.stringify({ prompt, outcome, texts, result, aborted: abortAt !== undefined })}\n`,
  );
}

await Promise.all(Array.from({ length: Number(count) }, (_, i) => run(i)));
await producer.close();
