import { accessSync, constants, readFileSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, delimiter, dirname, join } from 'node:path';
import { type CCFlowConfig, CONFIG, loadConfig } from './config.ts';
import { CliNotFoundError } from './errors.ts';
import { runtime } from './runtime.ts';

/**
 * The npm package `@anthropic-ai/claude-code` ships `bin/claude.exe` as a stub that its postinstall replaces with the
 * native binary (about 400 MB); without install scripts the stub stays, and it only exits 1.
 */
const STUB_MAX_BYTES = 1024 * 1024;
const PACKAGE = '@anthropic-ai/claude-code';

export interface FindCliOptions {
  /** An explicit path (`options.cliPath` or the executor's): used as is, never falling back to a search. */
  cliPath?: string;
  /** For `PATH`, and `CCFLOW_CLAUDE_CLI_PATH` when no `config` is given. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where `CCFLOW_CLAUDE_CLI_PATH` is read. Default `loadConfig(env)`, or `runtime.get(CONFIG)` without `env`. */
  config?: Pick<CCFlowConfig, 'claudeCliPath'>;
  /** Where the project's `@anthropic-ai/claude-code` is resolved from. Default `process.cwd()`. */
  cwd?: string;
}

/**
 * Finds the Claude Code CLI: the explicit path, then `CCFLOW_CLAUDE_CLI_PATH`, then `claude` on `PATH`, then the
 * project's installed `@anthropic-ai/claude-code`. Throws `CliNotFoundError` listing every place it looked.
 */
export function findCli(options: FindCliOptions = {}): string {
  const env = options.env ?? process.env;
  const config = options.config ?? (options.env ? loadConfig(options.env) : runtime.get(CONFIG));
  const explicit = options.cliPath ?? config.claudeCliPath;
  if (explicit !== undefined) {
    const from = options.cliPath !== undefined ? 'cliPath' : 'CCFLOW_CLAUDE_CLI_PATH';
    const problem = unusable(explicit);
    if (problem)
      throw new CliNotFoundError({
        message: `claude CLI not usable: ${from} ${explicit} ${problem}`,
        searched: [explicit],
      });
    return explicit;
  }

  const searched: string[] = [];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'claude');
    searched.push(candidate);
    if (!unusable(candidate)) return candidate;
  }

  const fromPackage = packageBin(options.cwd ?? process.cwd());
  searched.push(fromPackage.where);
  if (fromPackage.path && !unusable(fromPackage.path)) return fromPackage.path;

  throw new CliNotFoundError({
    message:
      `claude CLI not found (looked in: ${searched.join(', ') || 'nowhere: PATH is empty'}). ` +
      `Install ${PACKAGE} (allowing its postinstall), put claude on PATH, or set CCFLOW_CLAUDE_CLI_PATH.`,
    searched,
  });
}

/** The project's `@anthropic-ai/claude-code` bin, resolved as the project itself would. */
function packageBin(cwd: string): { path?: string; where: string } {
  const where = `${PACKAGE} resolved from ${cwd}`;
  try {
    const manifestPath = createRequire(join(cwd, 'package.json')).resolve(`${PACKAGE}/package.json`);
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      bin?: string | Record<string, string>;
    };
    const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin?.claude;
    if (!bin) return { where };
    const path = join(dirname(manifestPath), bin);
    return { path, where: path };
  } catch {
    return { where };
  }
}

/** Why `path` cannot be run as the CLI, or `undefined` when it can. */
function unusable(path: string): string | undefined {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return 'is not a file';
    size = stat.size;
    accessSync(path, constants.X_OK);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
  }
  if (size < STUB_MAX_BYTES && basename(realpathSync(path)) === 'claude.exe') {
    return `is the ${PACKAGE} install stub (its postinstall did not run)`;
  }
  return undefined;
}
