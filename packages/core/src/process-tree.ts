import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';

/** One process, as seen in a snapshot of the system's process table. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  /** One-letter state (`Z` for a zombie), when known. */
  state: string;
  /** When it started (Linux: clock ticks since boot), to tell a process from a later one reusing its pid. */
  start: string;
}

/** An environment variable every process of one CLI's tree inherits, to find its orphans after reparenting. */
export interface ProcessMarker {
  name: string;
  value: string;
}

export const hasProc = (() => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
})();

/** Every process: from `/proc` on Linux, else from `ps`. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  return hasProc ? listFromProc() : listFromPs();
}

/** Every process, from `/proc`, synchronously (empty where there is no `/proc`). */
export function listFromProc(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) < 0x30 || entry.charCodeAt(0) > 0x39) continue;
    const info = readProcStat(Number(entry));
    if (info) out.push(info);
  }
  return out;
}

/** Parses `/proc/<pid>/stat`; the command name may contain spaces and parentheses, so fields follow the last `)`. */
export function readProcStat(pid: number): ProcessInfo | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5): state, ppid, pgrp, session, ..., starttime (field 22).
  return { pid, state: fields[0]!, ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19]! };
}

/** The `ps` fallback where there is no `/proc` (macOS, BSD): no environment markers there. */
export async function listFromPs(): Promise<ProcessInfo[]> {
  const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart=']);
  const out: ProcessInfo[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*\S)\s*$/.exec(line);
    if (m) out.push({ pid: +m[1]!, ppid: +m[2]!, pgid: +m[3]!, state: m[4]![0]!, start: m[5]! });
  }
  return out;
}

export interface TreeQuery {
  /** A running process whose descendants (by parent pid) belong to the tree; leave out once it has exited. */
  root?: number;
  /** On Linux: every process carrying this in its environment belongs to the tree, with its descendants. */
  marker?: ProcessMarker;
  /** The root's start time: processes started before it cannot carry its marker and are not read. */
  since?: string;
}

/**
 * The processes of one CLI's tree (never the root itself): its descendants by parent pid, and, on Linux, every
 * process carrying the tree's marker in its environment, with their descendants. The marker finds the tools that
 * were orphaned (reparented to init) when the CLI died, which parent pids no longer lead to.
 */
export function treeOf(all: readonly ProcessInfo[], query: TreeQuery): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of all) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const found = new Map<number, ProcessInfo>();
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      if (found.has(child.pid) || child.pid === query.root) continue;
      found.set(child.pid, child);
      visit(child.pid);
    }
  };
  if (query.root !== undefined) visit(query.root);
  if (query.marker && hasProc) {
    const needle = `\0${query.marker.name}=${query.marker.value}\0`;
    const since = query.since === undefined ? Number.NEGATIVE_INFINITY : Number(query.since);
    for (const p of all) {
      if (found.has(p.pid) || p.pid === query.root || p.pid === process.pid || Number(p.start) < since)
        continue;
      if (carries(p.pid, needle)) {
        found.set(p.pid, p);
        visit(p.pid);
      }
    }
  }
  return [...found.values()];
}

function carries(pid: number, needle: string): boolean {
  try {
    return `\0${readFileSync(`/proc/${pid}/environ`, 'latin1')}`.includes(needle);
  } catch {
    return false;
  }
}

/**
 * Whether `p` still runs: present in `now` with the same start time and not a zombie. A zombie that is not our child
 * counts as gone: it has ended, and only its parent (or init, which may not reap here) can remove it.
 */
export function stillRunning(p: ProcessInfo, now: ReadonlyMap<number, ProcessInfo>): boolean {
  const current = now.get(p.pid);
  return current !== undefined && current.start === p.start && current.state !== 'Z' && current.state !== 'X';
}

/** Sends `signal` to each pid that is still there (never to ourselves or init). */
export function signalAll(pids: Iterable<number>, signal: NodeJS.Signals): void {
  for (const pid of pids) if (pid > 1 && pid !== process.pid) send(pid, signal);
}

/** Sends `signal` to whole process groups, never to `ownGroup` (ours). */
export function signalGroups(
  pgids: Iterable<number>,
  signal: NodeJS.Signals,
  ownGroup: number | undefined,
): void {
  for (const pgid of new Set(pgids)) if (pgid > 1 && pgid !== ownGroup) send(-pgid, signal);
}

function send(target: number, signal: NodeJS.Signals): void {
  try {
    process.kill(target, signal);
  } catch {
    // gone already, or not ours to signal
  }
}
