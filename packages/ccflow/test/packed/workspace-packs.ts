import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The monorepo root, found from this file. */
export const WORKSPACE_ROOT = resolve(import.meta.dirname, '../../../..');

/** A package as `pnpm pack` wrote it: the tarball, the packed file list, and the tarball unpacked. */
export interface PackedPackage {
  readonly name: string;
  readonly tarball: string;
  /** Paths inside the package, e.g. `dist/index.mjs`. */
  readonly files: readonly string[];
  /** The unpacked package directory (what `node_modules/<name>` of a user holds). */
  readonly dir: string;
  /** The packed `package.json`, after pnpm replaced `workspace:` specifiers. */
  readonly manifest: Record<string, any>;
}

/** Names of the workspace's public packages (those under `packages/` that are not `private`). */
export async function publicPackageNames(): Promise<string[]> {
  const names: string[] = [];
  for (const dir of await readdir(join(WORKSPACE_ROOT, 'packages'))) {
    const manifest = JSON.parse(
      await readFile(join(WORKSPACE_ROOT, 'packages', dir, 'package.json'), 'utf8'),
    );
    if (!manifest.private) names.push(manifest.name);
  }
  return names.sort();
}

/** Builds the public packages (turbo, so an unchanged package is not rebuilt) and packs each into `outDir`. */
export async function buildAndPack(outDir: string): Promise<PackedPackage[]> {
  const names = await publicPackageNames();
  const filters = names.map((name) => `--filter=${name}`);
  await run('pnpm', ['exec', 'turbo', 'run', 'build', ...filters, '--output-logs=errors-only'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
  });
  const { stdout } = await run(
    'pnpm',
    ['--recursive', ...filters, 'pack', '--json', '--pack-destination', outDir],
    { cwd: WORKSPACE_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  const packs: Array<{ name: string; filename: string; files: Array<{ path: string }> }> = JSON.parse(stdout);
  return Promise.all(
    packs.map(async (pack) => {
      const dir = join(outDir, 'unpacked', pack.name);
      await mkdir(dir, { recursive: true });
      await run('tar', ['-xzf', pack.filename, '-C', dir, '--strip-components=1']);
      return {
        name: pack.name,
        tarball: pack.filename,
        files: pack.files.map((file) => file.path),
        dir,
        manifest: JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')),
      };
    }),
  );
}
