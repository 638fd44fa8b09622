import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type PackedPackage, WORKSPACE_ROOT } from './workspace-packs.ts';

const run = promisify(execFile);

/** What a user's program imports and does; the same statements run as ESM and CommonJS and are typechecked. */
export interface ConsumerProgram {
  /** `@ccflow` packages (or `ccflow`) the project depends on; nothing else of ours is installed directly. */
  readonly dependencies: readonly string[];
  readonly imports: ReadonlyArray<{ readonly from: string; readonly names: readonly string[] }>;
  /** Statements of an async function; they print one JSON line. Plain JavaScript that also typechecks. */
  readonly body: string;
}

/** A fresh project outside the workspace with packed packages installed, as a user's project would have them. */
export class ConsumerProject {
  private constructor(readonly dir: string) {}

  /**
   * Installs `program.dependencies` from their tarballs with pnpm, from the store the workspace uses. Every
   * `@ccflow` package resolves to its tarball (they are not on the registry yet); everything else resolves from
   * the packages' own ranges, except `nativePins` (see `nativeBuildPins`).
   */
  static async install(
    dir: string,
    program: ConsumerProgram,
    packs: readonly PackedPackage[],
    nativePins: Record<string, string>,
  ): Promise<ConsumerProject> {
    await mkdir(dir, { recursive: true });
    const tarball = (name: string) => `file:${packs.find((pack) => pack.name === name)!.tarball}`;
    const rootManifest = JSON.parse(await readFile(join(WORKSPACE_ROOT, 'package.json'), 'utf8'));
    const manifest = {
      name: 'ccflow-consumer',
      private: true,
      dependencies: {
        ...Object.fromEntries(program.dependencies.map((name) => [name, tarball(name)])),
        '@types/node': rootManifest.devDependencies['@types/node'],
      },
      pnpm: {
        overrides: {
          ...Object.fromEntries(packs.map((pack) => [pack.name, tarball(pack.name)])),
          ...nativePins,
        },
        onlyBuiltDependencies: ['better-sqlite3'],
      },
    };
    await writeFile(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeProgram(dir, program);
    const { stdout: store } = await run('pnpm', ['store', 'path'], { cwd: WORKSPACE_ROOT });
    // `CI=true` makes pnpm default to a frozen lockfile, which a fresh project does not have.
    await run(
      'pnpm',
      ['install', '--no-frozen-lockfile', '--prefer-offline', `--store-dir=${store.trim()}`],
      {
        cwd: dir,
        env: userEnv(),
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    return new ConsumerProject(dir);
  }

  /** Runs the program as `check.mjs` (`import`) or `check.cjs` (`require`) and parses the JSON it prints. */
  async run(kind: 'esm' | 'cjs', args: readonly string[] = []): Promise<unknown> {
    const { stdout } = await run(process.execPath, [kind === 'esm' ? 'check.mjs' : 'check.cjs', ...args], {
      cwd: this.dir,
      env: userEnv(),
    });
    return JSON.parse(stdout);
  }

  /** Typechecks `check.mts` and `check.cts` with `module`/`moduleResolution: nodenext`, libraries included. */
  async typecheck(): Promise<void> {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    try {
      await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: this.dir, env: userEnv() });
    } catch (error) {
      const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
      throw new Error(`tsc found errors in ${this.dir}:\n${stdout}${stderr}`);
    }
  }

  /** Names of the `@ccflow` packages installed, one entry per installed copy. */
  async installedCopies(): Promise<string[]> {
    const entries = await readdir(join(this.dir, 'node_modules/.pnpm'));
    return entries
      .filter((entry) => entry.startsWith('@ccflow+') || entry.startsWith('ccflow@'))
      .map((entry) => entry.replace('+', '/').replace(/(.)@.*/, '$1'))
      .sort();
  }

  /** Runs an installed package's command, e.g. `ccflow --help`. */
  async bin(name: string, args: readonly string[]): Promise<string> {
    const { stdout } = await run(join(this.dir, 'node_modules/.bin', name), args, {
      cwd: this.dir,
      env: userEnv(),
    });
    return stdout;
  }
}

/**
 * better-sqlite3's dependency graph as the workspace's lockfile resolved it. pnpm keeps a native build in its
 * store per dependency graph, so a consumer resolving one newer transitive package (e.g. `tar-fs`) would compile
 * SQLite again (about 150 s here); pinned to the workspace's graph, the build is reused (about 3 s).
 */
export async function nativeBuildPins(): Promise<Record<string, string>> {
  const { stdout } = await run(
    'pnpm',
    ['list', '--prod', '--json', '--depth=Infinity', '--filter=@ccflow/stores-sqlite'],
    { cwd: WORKSPACE_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  interface Node {
    version: string;
    dependencies?: Record<string, Node>;
  }
  const pins: Record<string, string> = {};
  const visit = (name: string, node: Node) => {
    pins[name] = node.version;
    for (const [child, childNode] of Object.entries(node.dependencies ?? {})) visit(child, childNode);
  };
  const [project] = JSON.parse(stdout) as Array<{ dependencies: Record<string, Node> }>;
  visit('better-sqlite3', project!.dependencies['better-sqlite3']!);
  return pins;
}

/** The environment without what `pnpm test` adds for the workspace's own scripts (`npm_config_*` and kin). */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|pnpm_)/i.test(key)));
}

async function writeProgram(dir: string, program: ConsumerProgram): Promise<void> {
  const esmImports = program.imports.map(
    ({ from, names }) => `import { ${names.join(', ')} } from '${from}';`,
  );
  const cjsImports = program.imports.map(
    ({ from, names }) => `const { ${names.join(', ')} } = require('${from}');`,
  );
  const main = `async function main() {\n${program.body}\n}\n\nvoid main();\n`;
  // TypeScript compiles an ES `import` in a `.cts` file to `require`, which is how a CommonJS TS user writes it.
  await writeFile(join(dir, 'check.mts'), `${esmImports.join('\n')}\n\n${main}`);
  await writeFile(join(dir, 'check.cts'), `${esmImports.join('\n')}\n\n${main}`);
  await writeFile(join(dir, 'check.mjs'), `${esmImports.join('\n')}\n\n${main}`);
  await writeFile(join(dir, 'check.cjs'), `${cjsImports.join('\n')}\n\n${main}`);
  const tsconfig = {
    compilerOptions: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2022',
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    },
    files: ['check.mts', 'check.cts'],
  };
  await writeFile(join(dir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
}
