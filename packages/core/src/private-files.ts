import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where the values that must not appear in argv are written, for the CLI to read by path. */
export interface SecretFiles {
  /** Writes `content` to a new file readable by its owner only and returns its path. */
  write(name: string, content: string): string;
}

/**
 * Files only this user can read (mode 0600, in a directory of mode 0700), for one CLI process: its system prompt,
 * MCP servers, settings and agents, which in argv any local user could read in `/proc/<pid>/cmdline` and which
 * argv limits to 128 KiB. The directory is made on the first write and removed with `remove()`.
 */
export class PrivateFiles implements SecretFiles {
  #dir: string | undefined;

  write(name: string, content: string): string {
    this.#dir ??= mkdtempSync(join(tmpdir(), 'ccflow-'));
    const path = join(this.#dir, name);
    writeFileSync(path, content, { mode: 0o600, flag: 'wx' });
    return path;
  }

  /** The directory, once something was written. */
  get dir(): string | undefined {
    return this.#dir;
  }

  /** Removes the files; safe to call more than once, and synchronous, so it can run as the process exits. */
  remove(): void {
    if (this.#dir === undefined) return;
    rmSync(this.#dir, { recursive: true, force: true });
    this.#dir = undefined;
  }
}
