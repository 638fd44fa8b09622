import { readdirSync, readFileSync } from 'node:fs';

/** Test helpers that read `/proc` directly (not through the code under test) to see what is left running. */

function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0]!, ppid: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

/** Gone: no longer in the process table, or a zombie that is not our child (init holds it). */
export function isGone(pid: number): boolean {
  const s = stat(pid);
  return s === undefined || (s.state === 'Z' && s.ppid !== process.pid);
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
