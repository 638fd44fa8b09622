import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigurationError } from '@ccflow/core';

/** Where to look for the CLI's session files. */
export interface CliSessionFilesOptions {
  /** The CLI's config directory. Default: `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
  configDir?: string;
  /** Only the sessions run in this working directory. Default: every project. */
  cwd?: string;
}

/** The CLI's longest project directory name before it cuts the name and adds a hash (as the CLI does). */
const MAX_PROJECT_NAME = 200;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The CLI's config directory: `configDir`, else `$CLAUDE_CONFIG_DIR`, else `~/.claude`. */
export function cliConfigDir(configDir?: string): string {
  return resolve(configDir ?? (process.env.CLAUDE_CONFIG_DIR || join(homedir(), '.claude')));
}

/** `<configDir>/projects`: one directory per working directory the CLI ran in. */
export function cliProjectsDir(configDir?: string): string {
  return join(cliConfigDir(configDir), 'projects');
}

/**
 * The name of the directory the CLI keeps a working directory's sessions in: every character that is not an ASCII
 * letter or digit becomes `-`; a name over 200 characters is cut to 200 and followed by `-` and a hash of the path
 * (the CLI's own rule, checked on the pinned CLI). The path is taken as the CLI sees it: absolute, links resolved.
 */
export function cliProjectDirName(cwd: string): string {
  const path = realPath(resolve(cwd));
  const name = path.replace(/[^a-zA-Z0-9]/g, '-');
  if (name.length <= MAX_PROJECT_NAME) return name;
  let hash = 0;
  for (let i = 0; i < path.length; i++) hash = ((hash << 5) - hash + path.charCodeAt(i)) | 0;
  return `${name.slice(0, MAX_PROJECT_NAME)}-${Math.abs(hash).toString(36)}`;
}

/** Where the CLI keeps the sessions it ran in `cwd`. */
export function cliProjectDir(cwd: string, configDir?: string): string {
  return join(cliProjectsDir(configDir), cliProjectDirName(cwd));
}

/** A CLI session id is a UUID; anything else is refused before it reaches a path. */
export function checkCliSessionId(sessionId: string): void {
  if (typeof sessionId !== 'string' || !UUID.test(sessionId))
    throw new ConfigurationError({
      field: 'sessionId',
      problem: `is not a CLI session id (a UUID): ${sessionId}`,
    });
}

export function isCliSessionId(name: string): boolean {
  return UUID.test(name);
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
