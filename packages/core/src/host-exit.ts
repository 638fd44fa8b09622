import {
  hasProc,
  listFromProc,
  type ProcessMarker,
  signalAll,
  signalGroups,
  treeOf,
} from './process-tree.ts';

/** A CLI tree to end if this process ends first. */
export interface SupervisedTree {
  pid: number;
  marker?: ProcessMarker;
  /** The CLI's start time (see `ProcessInfo.start`). */
  start?: string;
  /** Runs once the tree is killed (removes the files made for it). */
  cleanup?: () => void;
}

const live = new Set<SupervisedTree>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Ends `tree` (the CLI and every process carrying its marker) if this process exits while it runs: on a normal
 * exit, `process.exit()`, an uncaught error, and SIGINT, SIGTERM or SIGHUP when nothing else handles them (the
 * signal is then raised again, so the process ends as it would have). The CLI runs in its own process group, so
 * without this it would outlive us. Returns the function that stops supervising it.
 *
 * Not covered: SIGKILL of this process, which runs no code (the CLI's stdin then closes, but the CLI finishes the
 * turn in progress before it exits).
 */
export function superviseUntilHostExit(tree: SupervisedTree): () => void {
  if (live.size === 0) install();
  live.add(tree);
  return () => {
    if (live.delete(tree) && live.size === 0) uninstall();
  };
}

/** Kills every supervised tree, synchronously: at exit there is no later. */
function killAll(): void {
  const trees = [...live];
  live.clear();
  const all = hasProc ? listFromProc() : [];
  for (const tree of trees) {
    const members = treeOf(all, { root: tree.pid, marker: tree.marker, since: tree.start });
    signalGroups([tree.pid], 'SIGKILL', undefined);
    signalAll([tree.pid, ...members.map((p) => p.pid)], 'SIGKILL');
    try {
      tree.cleanup?.();
    } catch {
      // at exit, the other trees still need killing
    }
  }
}

function onExit(): void {
  killAll();
}

function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles it: the process goes on, and so do its queries.
  if (process.listenerCount(signal) > 1) return;
  killAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  process.on('exit', onExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  process.off('exit', onExit);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
