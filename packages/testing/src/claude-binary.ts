import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

/** The exact CLI version the test suite is written against. */
export const PINNED_CLAUDE_VERSION = '2.1.332';

export class ClaudeBinaryNotFoundError extends Error {
  override name = 'ClaudeBinaryNotFoundError';
}

/**
 * Finds the real `claude` binary for tests: `CCFLOW_CLAUDE_CLI_PATH`, then the pinned
 * `@anthropic-ai/claude-code` package, then `PATH`. Throws with what to do when none is usable.
 */
export function resolveClaudeBinary(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CCFLOW_CLAUDE_CLI_PATH;
  if (fromEnv) return checkBinary(fromEnv, 'CCFLOW_CLAUDE_CLI_PATH');

  const fromPackage = packageBinary();
  if (fromPackage) return checkBinary(fromPackage, `@anthropic-ai/claude-code@${PINNED_CLAUDE_VERSION}`);

  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'claude'))) return join(dir, 'claude');
  }
  throw new ClaudeBinaryNotFoundError(
    `claude CLI not found: install @anthropic-ai/claude-code@${PINNED_CLAUDE_VERSION} (an optional peer ` +
      'dependency of @ccflow/testing, needed only to run the real CLI), or set CCFLOW_CLAUDE_CLI_PATH to a claude binary',
  );
}

function packageBinary(): string | undefined {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@anthropic-ai/claude-code/package.json');
  } catch {
    return undefined;
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { bin?: Record<string, string> };
  const bin = manifest.bin?.claude;
  return bin ? join(dirname(manifestPath), bin) : undefined;
}

/** The npm package ships a tiny stub that its postinstall replaces with the native binary (about 400 MB). */
const STUB_MAX_BYTES = 1024 * 1024;

function checkBinary(path: string, source: string): string {
  if (!isExecutable(path))
    throw new ClaudeBinaryNotFoundError(`claude CLI from ${source} is not executable: ${path}`);
  if (statSync(path).size < STUB_MAX_BYTES && path.endsWith('claude.exe')) {
    throw new ClaudeBinaryNotFoundError(
      `claude CLI at ${path} is the install stub: the package's postinstall did not run. ` +
        'Allow it (pnpm-workspace.yaml onlyBuiltDependencies) and reinstall.',
    );
  }
  return path;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
