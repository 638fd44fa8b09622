import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '@ccflow/parser';
import {
  descendantsOf,
  FAULT_CLI_PATH,
  type FaultScript,
  faultEnv,
  fdCount,
  fixturePath,
  isGone,
  killAll,
  processesWithEnv,
  seededRandom,
  until,
  zombieChildren,
} from '@ccflow/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { CliTimeoutError } from '../src/errors.ts';

/**
 * 200 executions of the fault CLI, stopped by aborts at random points and by short timeouts, some with a detached
 * sleeper (a tool in its own session), some ignoring SIGINT and SIGTERM. Afterwards nothing of any tree may run, no
 * child of ours may be a zombie, and file descriptors and handles are back where they started.
 */

const RUNS = 200;
const CONCURRENCY = 6;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-leaks-'));
});
afterAll(() => {
  killAll(processesWithEnv(dir));
  rmSync(dir, { recursive: true, force: true });
});

/** Open handles by kind: `ProcessWrap` per child, `PipeWrap` per pipe, `Timeout` per timer. */
function handles(): { [kind: string]: number } {
  const count: { [kind: string]: number } = { ProcessWrap: 0, PipeWrap: 0, Timeout: 0 };
  for (const kind of process.getActiveResourcesInfo()) count[kind] = (count[kind] ?? 0) + 1;
  return count;
}

it(`${RUNS} aborted and timed-out executions leave no process, zombie, descriptor or handle behind`, async () => {
  const seed = Number(process.env.CCFLOW_LEAKS_SEED ?? Date.now() % 1_000_000);
  const rand = seededRandom(seed);
  const baseline = { fds: fdCount(), handles: handles(), children: descendantsOf(process.pid) };
  const sleeperFiles: string[] = [];
  const outcomes = { aborted: 0, timedOut: 0, beforeStart: 0 };

  const one = async (i: number) => {
    // Every tenth run aborts only once its sleeper is running, so orphan-prone trees are exercised even under load.
    const afterSleeper = i % 10 === 0;
    const sleeper = afterSleeper || rand() < 0.4;
    const stubborn = rand() < 0.25; // ignores SIGINT and SIGTERM: only SIGKILL ends it
    const pidFile = join(dir, `sleeper-${i}.pid`);
    if (sleeper) sleeperFiles.push(pidFile);
    const steps: FaultScript['steps'] = [{ replay: fixturePath('text'), lines: [0, 1] }];
    if (sleeper) steps.push({ spawnSleeper: { seconds: 60, pidFile } });
    steps.push({ replay: fixturePath('tool-bash'), lines: [0, 8], delayMs: 15 }, { hang: true });
    const script: FaultScript = {
      steps,
      ...(stubborn
        ? { onSigint: 'ignore', ignoreSigterm: true }
        : { onSigint: rand() < 0.5 ? 'result' : 'exit' }),
    };
    const ex = new CliExecutor({
      cliPath: FAULT_CLI_PATH,
      stopGraceMs: 100,
      env: { PATH: process.env.PATH, CCFLOW_TEST_DIR: dir, ...faultEnv(script) },
    });
    const controller = new AbortController();
    const abort = i % 2 === 0;
    const reason = new Error(`abort ${i}`);
    // Some aborts land while the CLI is still being started, most while it streams.
    const at = rand() < 0.15 ? 0 : rand() * 250;
    const timer = !abort
      ? undefined
      : afterSleeper
        ? setInterval(() => existsSync(pidFile) && controller.abort(reason), 5)
        : setTimeout(() => controller.abort(reason), at);
    const messages: Message[] = [];
    let error: unknown;
    try {
      const options = abort ? {} : { timeoutMs: 30 + Math.floor(rand() * 200) };
      for await (const m of ex.execute({ prompt: `run ${i}`, options, signal: controller.signal }))
        messages.push(m);
    } catch (e) {
      error = e;
    }
    clearTimeout(timer);
    clearInterval(timer);
    if (abort) expect(error).toBe(reason);
    else expect(error).toBeInstanceOf(CliTimeoutError);
    if (messages.length === 0) outcomes.beforeStart++;
    else {
      expect(messages.at(-1)).toMatchObject({ type: 'result', raw: { ccflow_synthetic: true } });
      if (abort) outcomes.aborted++;
      else outcomes.timedOut++;
    }
  };

  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < RUNS) await one(next++);
    }),
  );

  const sleepers = sleeperFiles.filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')));
  // The test must have exercised orphan-prone trees: at least the runs that waited for theirs.
  expect(sleepers.length, `seed ${seed}`).toBeGreaterThanOrEqual(RUNS / 10);
  expect(
    sleepers.filter((pid) => !isGone(pid)),
    `seed ${seed}`,
  ).toEqual([]);
  expect(processesWithEnv(dir), `seed ${seed}`).toEqual([]);
  expect(zombieChildren(), `seed ${seed}`).toEqual([]);
  expect(descendantsOf(process.pid), `seed ${seed}`).toEqual(baseline.children);
  // A closed child's handle goes away on the next turn of the event loop: allow it a moment.
  const settled = () => {
    const now = handles();
    return (
      fdCount() === baseline.fds &&
      now.ProcessWrap === baseline.handles.ProcessWrap &&
      now.PipeWrap === baseline.handles.PipeWrap &&
      now.Timeout! <= baseline.handles.Timeout!
    );
  };
  await until(settled, 2000, 'descriptors and handles back to baseline').catch(() => {});
  expect({ fds: fdCount(), handles: handles() }, `seed ${seed}`).toMatchObject({
    fds: baseline.fds,
    handles: { ProcessWrap: baseline.handles.ProcessWrap, PipeWrap: baseline.handles.PipeWrap },
  });
  expect(handles().Timeout).toBeLessThanOrEqual(baseline.handles.Timeout!);
  expect(outcomes.aborted + outcomes.timedOut + outcomes.beforeStart).toBe(RUNS);
  expect(outcomes.aborted).toBeGreaterThan(50);
  expect(outcomes.timedOut).toBeGreaterThan(50);
}, 60_000);
