// A worker process of the queue bench: `worker-child.ts <redis-url> <queue> <delay-ms> <concurrency>`.
import { startWorker } from '@ccflow/queue';
import { FixedDelayExecutor } from './fixed-delay.ts';

const [url, queueName, delayMs, concurrency] = process.argv.slice(2) as [string, string, string, string];
const worker = await startWorker({
  connection: url,
  queueName,
  executor: new FixedDelayExecutor(Number(delayMs)),
  concurrency: Number(concurrency),
});
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
process.stdout.write('ready\n');
