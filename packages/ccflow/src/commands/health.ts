import { EXECUTOR, type Executor, runtime } from '@ccflow/core';
import { type AuthProbe, HealthChecker, type HealthStatus } from '@ccflow/reliability';
import { type Command, InvalidArgumentError } from 'commander';
import { type CliIO, colours, table } from './output.ts';

const PROBES: readonly AuthProbe[] = ['status', 'model', 'skip'];

/**
 * `ccflow health`: whether ccflow can run the CLI here (found, `claude --version`, credentials), through
 * `@ccflow/reliability`'s `HealthChecker`. `--probe model` also runs one small query through the configured path
 * (the process-wide executor: the CLI, or the API fallback when it is wired), which proves the API is reachable.
 * Exit 0 when healthy, 1 when a check failed.
 */
export function healthCommand(
  program: Command,
  io: CliIO & { executor?: Executor },
  done: (code: number) => void,
): void {
  program
    .command('health')
    .description('check that the CLI is found, answers, and has credentials (--probe model: one small query)')
    .option(
      '--probe <kind>',
      "status (the CLI's own account of its credentials, no model call), model (one small query), skip",
      probe,
    )
    .option('--timeout <ms>', 'the longest any one check may take (default 10000)', milliseconds)
    .option('--json', 'one JSON object')
    .action(async (o: { probe?: AuthProbe; timeout?: number; json?: boolean }) => {
      const env = io.env ?? process.env;
      const checker = new HealthChecker({
        env,
        authProbe: o.probe ?? 'status',
        ...(o.timeout === undefined ? {} : { timeoutMs: o.timeout }),
        ...(o.probe === 'model' ? { probeExecutor: io.executor ?? runtime.get(EXECUTOR) } : {}),
      });
      const status = await checker.check();
      if (o.json) io.stdout.write(`${JSON.stringify(status)}\n`);
      else io.stdout.write(table(['CHECK', 'OK', 'DETAIL'], rows(status), colours(io.stdout, env).bold));
      done(status.healthy ? 0 : 1);
    });
}

function rows(status: HealthStatus): string[][] {
  const ok = (b: boolean) => (b ? 'yes' : 'NO');
  const { cli, version, auth } = status;
  const authDetail = [auth.probe, auth.authMethod, auth.apiProvider, auth.apiKeySource]
    .filter(Boolean)
    .join(', ');
  return [
    ['cli', ok(cli.ok), cli.error ?? cli.path ?? ''],
    ['version', ok(version.ok), version.error ?? version.version ?? ''],
    ['credentials', ok(auth.ok), auth.error ?? authDetail],
  ];
}

function probe(value: string): AuthProbe {
  if (!(PROBES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`one of ${PROBES.join(', ')}`);
  }
  return value as AuthProbe;
}

function milliseconds(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('a positive number of milliseconds');
  return n;
}
