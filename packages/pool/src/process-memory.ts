import { readFileSync } from 'node:fs';

/**
 * The resident memory of a process in bytes (`VmRSS` of `/proc/<pid>/status`), or `undefined` where there is no
 * `/proc` (not Linux) or the process is gone. The process alone: what it started (MCP servers, tools) is not counted.
 */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s*(\d+)\s*kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
