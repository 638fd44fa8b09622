import { ConfigurationError } from '@ccflow/core';
import type { Command } from 'commander';
import { Interrupts } from './interrupts.ts';
import { positiveOption } from './number-option.ts';
import type { QueryIO } from './query.ts';

/**
 * `ccflow worker`: runs the jobs of a `QueueExecutor`'s queue (`@ccflow/queue`) on this machine's CLI, on a warm
 * pool of `--concurrency` processes, until Ctrl-C or SIGTERM, which finish the running jobs first (a second one ends
 * the process at once: its jobs are then found stalled and run elsewhere, or end with `WORKER_LOST` once output
 * reached the caller). Redis comes from `CCFLOW_QUEUE_URL`: a URL with a password never goes in argv.
 */
export function workerCommand(program: Command, io: QueryIO, done: (code: number) => void): void {
  program
    .command('worker')
    .description('run the jobs of a ccflow queue (BullMQ on Redis: $CCFLOW_QUEUE_URL) on this machine')
    .option('--redis <url>', 'the Redis server, without a password (default: $CCFLOW_QUEUE_URL)')
    .option('--queue <name>', 'the queue (default: the one QueueExecutor uses, "ccflow")')
    .option(
      '-c, --concurrency <n>',
      'jobs this worker runs at once (its warm CLI processes)',
      positiveOption,
      1,
    )
    .option(
      '--global-concurrency <n>',
      'jobs running at once across every worker of the queue',
      positiveOption,
    )
    .action(
      async (o: { redis?: string; queue?: string; concurrency: number; globalConcurrency?: number }) => {
        const url = redisUrl(o.redis, io.env ?? process.env);
        // Loaded here, not with the command: BullMQ and ioredis take a quarter of a second to import, which every
        // other subcommand (and --help) would pay.
        const { DEFAULT_QUEUE_NAME, startWorker } = await import('@ccflow/queue');
        const queueName = o.queue ?? DEFAULT_QUEUE_NAME;
        using interrupts = new Interrupts(io.signal);
        const worker = await startWorker({
          connection: url,
          queueName,
          concurrency: o.concurrency,
          ...(o.globalConcurrency === undefined ? {} : { globalConcurrency: o.globalConcurrency }),
        });
        io.stdout.write(
          `ccflow worker ${worker.id}: queue ${queueName}, ${o.concurrency} at once (Ctrl-C finishes running jobs)\n`,
        );
        await new Promise<void>((resolve) =>
          interrupts.signal.aborted
            ? resolve()
            : interrupts.signal.addEventListener('abort', () => resolve(), { once: true }),
        );
        await worker.close({ graceful: true });
        const { completed, failed } = worker.health();
        io.stdout.write(`ccflow worker ${worker.id}: stopped, ${completed} jobs done, ${failed} failed\n`);
        done(0);
      },
    );
}

/** `--redis`, else `CCFLOW_QUEUE_URL`; a password is refused on the command line, where every local user reads it. */
function redisUrl(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag !== undefined) {
    let password = '';
    try {
      password = new URL(flag).password;
    } catch {
      throw new ConfigurationError({ field: '--redis', problem: `not a URL: ${flag}` });
    }
    if (password !== '')
      throw new ConfigurationError({
        field: '--redis',
        problem: 'holds a password, which argv shows to every local user: set CCFLOW_QUEUE_URL instead',
      });
    return flag;
  }
  const url = env.CCFLOW_QUEUE_URL;
  if (url === undefined || url === '')
    throw new ConfigurationError({
      field: 'CCFLOW_QUEUE_URL',
      problem: 'not set: the Redis server of the queue',
    });
  return url;
}
