import type { ChildProcess } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import {
  listProcesses,
  type ProcessInfo,
  type ProcessMarker,
  signalAll,
  signalGroups,
  stillRunning,
  treeOf,
} from './process-tree.ts';
import { settlesWithin } from './settles-within.ts';

export interface StopTreeOptions {
  /** The CLI: our child, in its own process group. */
  child: ChildProcess;
  /** Settles once the child has exited and been reaped (its `exit` event). */
  exited: Promise<unknown>;
  /** The child's start time, from its process snapshot (see `ProcessInfo.start`). */
  start?: string;
  /** The environment marker the child's tree carries, to find orphans. */
  marker?: ProcessMarker;
  /** How long the CLI gets to stop by itself after SIGINT. */
  graceMs: number;
  /** Called with the SIGINT, to ask the CLI to stop in other ways too (e.g. closing its stdin). */
  interrupt?: () => void;
}

/** How long SIGTERMed processes get before SIGKILL, at most. */
const TERM_GRACE_MAX_MS = 1000;
/** How long to wait for SIGKILLed processes to disappear. */
const KILL_WAIT_MS = 2000;
const POLL_MS = 20;

/**
 * Ends a CLI and every process it started, leaving no orphan. The CLI runs its tools in their own sessions, so a
 * signal to the CLI or its group misses them; but SIGINT is the CLI's own graceful stop, which ends its tools. So:
 *
 * 1. snapshot the tree, SIGINT the CLI (and `interrupt`), give it `graceMs` to exit;
 * 2. snapshot again, SIGTERM every process of the tree still running and their groups, wait briefly;
 * 3. snapshot again, SIGKILL whatever still runs; wait for the child to be reaped.
 *
 * Every process seen in any snapshot is followed to its end. Also sweeps the orphans of a CLI that already exited.
 */
export async function stopTree(options: StopTreeOptions): Promise<void> {
  const { child } = options;
  const pid = child.pid;
  if (pid === undefined) return;
  const running = () => child.exitCode === null && child.signalCode === null;
  const known = new Map<number, ProcessInfo>();
  let ownGroup: number | undefined;

  /** Adds the tree's current processes to `known`; returns the whole process table by pid. */
  const snapshot = async (): Promise<Map<number, ProcessInfo>> => {
    const all = await listProcesses();
    const query = { root: running() ? pid : undefined, marker: options.marker, since: options.start };
    for (const p of treeOf(all, query)) if (!known.has(p.pid)) known.set(p.pid, p);
    const now = new Map(all.map((p) => [p.pid, p]));
    ownGroup ??= now.get(process.pid)?.pgid;
    return now;
  };
  const survivors = (now: Map<number, ProcessInfo>) =>
    [...known.values()].filter((p) => stillRunning(p, now));

  await snapshot();
  if (running()) {
    child.kill('SIGINT');
    options.interrupt?.();
    await settlesWithin(options.exited, options.graceMs);
  }

  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    const alive = survivors(await snapshot());
    if (alive.length === 0 && !running()) break;
    const groups = alive.map((p) => p.pgid);
    if (running()) {
      child.kill(signal);
      groups.push(pid);
    }
    signalAll(
      alive.map((p) => p.pid),
      signal,
    );
    signalGroups(groups, signal, ownGroup);
    const waitMs = signal === 'SIGTERM' ? Math.min(options.graceMs, TERM_GRACE_MAX_MS) : KILL_WAIT_MS;
    await until(async () => !running() && survivors(await snapshot()).length === 0, waitMs);
  }
  await settlesWithin(options.exited, KILL_WAIT_MS);
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done()) && performance.now() < deadline) await delay(POLL_MS);
}
