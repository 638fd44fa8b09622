// A worker process of the multi-process proof: `node proof-worker.ts <redis-url> <queue>`. Each job streams `init`,
// then ten texts 50 ms apart, each tagged with this run (pid and run number), so the producers can tell runs apart.
import { mockLines } from '@ccflow/testing';
import { startWorker } from '../src/index.ts';
import { ScriptExecutor, sleep } from './script-executor.ts';

const [url, queueName] = process.argv.slice(2) as [string, string];
const executor = new ScriptExecutor(async function* (request, run, emit) {
  const tag = `${process.pid}.${run}`;
  process.stdout.write(`run ${tag} ${request.prompt}\n`);
  yield emit(mockLines.init());
  // Nothing but \`init\` for 300 ms: a run killed now has delivered nothing and is run again elsewhere.
  await sleep(300, request.signal);
  for (let i = 0; i < 10; i++) {
    await sleep(50, request.signal);
    yield emit(mockLines.text(`${request.prompt} ${i} ${tag}`));
  }
  yield emit(mockLines.result({ result: `${request.prompt} done ${tag}` }));
});
const worker = await startWorker({
  connection: url,
  queueName,
  executor,
  concurrency: 10,
  lockDurationMs: 1_000,
  stalledIntervalMs: 500,
  heartbeatMs: 250,
});
process.on('SIGTERM', () => {
  void worker.close().then(() => process.exit(0));
});
process.stdout.write('ready\n');
