/** What the bench reads from `/proc` (Linux): children, their CPU, and processes carrying the bench's marker. */
import { readdirSync, readFileSync } from 'node:fs';

/** `/proc/<pid>/stat` fields after the command name, which may hold spaces: index 0 is field 3 (`state`). */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // gone
  }
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((name) => name.charCodeAt(0) >= 0x30 && name.charCodeAt(0) <= 0x39)
    .map(Number);
}

/**
 * CPU time (user + system, ms) of this process's children that have ended and been waited for: `cutime` and
 * `cstime` of `/proc/self/stat`, in clock ticks (`clockTicks` a second: `getconf CLK_TCK`, 100 on Linux).
 * A CLI's own descendants count once the CLI has waited for them.
 */
export function childrenCpuMs(clockTicks: number): number {
  const f = statFields('self');
  if (!f) throw new Error('cannot read /proc/self/stat');
  return ((Number(f[13]) + Number(f[14])) * 1000) / clockTicks;
}

/** Live (or not yet reaped) children of `parent`. A scan of `/proc`: a few ms, so never inside a timed window. */
export function childrenOf(parent: number): number[] {
  return pids().filter((pid) => Number(statFields(pid)?.[1]) === parent);
}

/** Every process whose environment holds `name=value`: what the bench started, wherever it was reparented. */
export function processesMarked(name: string, value: string): number[] {
  const needle = Buffer.from(`${name}=${value}\0`);
  return pids().filter((pid) => {
    if (pid === process.pid) return false;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`);
      const at = environ.indexOf(needle);
      return at === 0 || (at > 0 && environ[at - 1] === 0);
    } catch {
      return false;
    }
  });
}
