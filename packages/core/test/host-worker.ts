import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { FAULT_CLI_PATH, type FaultScript, faultEnv } from '@ccflow/testing';
import { CliExecutor } from '../src/cli-executor.ts';

// A host process for host-exit.test.ts: runs one execution of the fault CLI (which starts a sleeper in its own
// session, then hangs), prints the pids once both run, then ends the way it is told to.

const [mode, pidFile, dir] = process.argv.slice(2) as [string, string, string];
const script: FaultScript = {
  steps: [
    { spawnSleeper: { seconds: 60, pidFile } },
    {
      print:
        '{"type":"system","subtype":"init","session_id":"s","model":"m","tools":[],"mcp_servers":[],"cwd":"/","permissionMode":"default","apiKeySource":"none"}',
    },
    { hang: true },
  ],
};
const executor = new CliExecutor({
  cliPath: FAULT_CLI_PATH,
  env: { PATH: process.env.PATH, CCFLOW_TEST_DIR: dir, ...faultEnv(script) },
});

const children = () =>
  readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid;
      } catch {
        return false;
      }
    })
    .map(Number);

for await (const m of executor.execute({ prompt: 'run' })) {
  if (m.type !== 'system') continue;
  while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') await delay(10);
  const [cli] = children();
  process.stdout.write(`${JSON.stringify({ cli, sleeper: Number(readFileSync(pidFile, 'utf8')) })}\n`);
  if (mode === 'exit') process.exit(0);
  if (mode === 'throw') {
    // Thrown elsewhere than in this loop (which would end the execution on its way out, as a break does).
    setImmediate(() => {
      throw new Error('the host failed');
    });
  }
  // 'signal': wait for the test to send one.
}
