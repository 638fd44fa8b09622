import { readdirSync, readFileSync } from 'node:fs';

/**
 * Helpers that read `/proc` directly (not through the code under test) to see what a test left running: for tests
 * that claim "no process is left". Linux only.
 */

interface Stat {
  state: string;
  ppid: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/**
 * Gone: no longer in the process table, or a zombie that is not our child (it has ended; init, which may not reap
 * here, holds it). A zombie of ours is NOT gone: we failed to reap it.
 */
export function isGone(pid: number): boolean {
  const s = stat(pid);
  return s === undefined || (s.state === 'Z' && s.ppid !== process.pid);
}

/** The command name of a process (`/proc/<pid>/comm`), or undefined when gone. */
export function commOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Every process below `pid`, by parent pid. */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) children.set(s.ppid, [...(children.get(s.ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const visit = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      visit(c);
    }
  };
  visit(pid);
  return out;
}

/** Our own children that are zombies (exited, not reaped). */
export function zombieChildren(): number[] {
  return descendantsOf(process.pid).filter((pid) => {
    const s = stat(pid);
    return s?.ppid === process.pid && s.state === 'Z';
  });
}

/** Processes (other than us) whose environment contains `text`: everything a test's CLIs started carries it. */
export function processesWithEnv(text: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(text) && !isGone(pid)) out.push(pid);
    } catch {
      // gone, or not readable
    }
  }
  return out;
}

/** Our direct children among the processes whose environment contains `text`: the CLIs a test started. */
export function childrenWithEnv(text: string): number[] {
  return processesWithEnv(text).filter((pid) => stat(pid)?.ppid === process.pid);
}

/** Our direct child among the processes whose environment contains `text`. */
export function childWithEnv(text: string): number | undefined {
  return processesWithEnv(text).find((pid) => stat(pid)?.ppid === process.pid);
}

/** SIGKILLs each pid and its process group, ignoring those gone: a safety net after a failed test. */
export function killAll(pids: Iterable<number>): void {
  for (const pid of pids) {
    for (const target of [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

/** Open file descriptors of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Bytes a process has written (`wchar` of `/proc/<pid>/io`), or undefined when unreadable. */
export function bytesWritten(pid: number): number | undefined {
  try {
    const m = /^wchar:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Waits until `condition()` holds, polling; throws naming `what` after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Processes whose command line contains `text`. */
export function processesWithCmdline(text: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes(text) && !isGone(pid)) out.push(pid);
    } catch {
      // gone, or not readable
    }
  }
  return out;
}
