import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

/**
 * API reports (api-extractor) of every public package's entry points, checked in under `packages/<dir>/etc/`, so
 * every change to the public surface shows in review. Reads the built `.d.mts` files: build first.
 *
 * `pnpm api:update` rewrites the reports; the pack tests compare them (`checkApiReport`).
 */

export const WORKSPACE_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ApiEntry {
  /** The package's name. */
  name: string;
  /** The package's directory. */
  dir: string;
  /** `.`, `./testing`, ... */
  subpath: string;
  /** The checked-in report's file name. */
  reportFileName: string;
}

/** Every entry point with types of every public package. */
export function apiEntries(): ApiEntry[] {
  const entries: ApiEntry[] = [];
  for (const dirName of readdirSync(join(WORKSPACE_ROOT, 'packages')).sort()) {
    const dir = join(WORKSPACE_ROOT, 'packages', dirName);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (manifest.private) continue;
    for (const [subpath, target] of Object.entries<unknown>(manifest.exports ?? {})) {
      if (typeof target !== 'object' || target === null || !('types' in target)) continue;
      const base = manifest.name.replace(/^@ccflow\//, '');
      const suffix = subpath === '.' ? '' : `-${subpath.slice(2).replaceAll('/', '-')}`;
      entries.push({ name: manifest.name, dir, subpath, reportFileName: `${base}${suffix}` });
    }
  }
  return entries;
}

/** Where the checked-in report of `entry` is. */
export function reportPath(entry: ApiEntry): string {
  return join(entry.dir, 'etc', `${entry.reportFileName}.api.md`);
}

/**
 * Runs api-extractor on `entry`. With `update`, writes the report in place; without, leaves the checked-in report
 * alone and returns the one the build gives, for comparison.
 */
export function extractApiReport(entry: ApiEntry, update: boolean): { report: string; problems: string[] } {
  const manifest = JSON.parse(readFileSync(join(entry.dir, 'package.json'), 'utf8'));
  const types = manifest.exports[entry.subpath].types as string;
  const scratch = mkdtempSync(join(tmpdir(), 'ccflow-api-'));
  const reportFolder = update ? join(entry.dir, 'etc') : scratch;
  mkdirSync(reportFolder, { recursive: true });
  const problems: string[] = [];
  try {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: entry.dir,
        newlineKind: 'lf',
        mainEntryPointFilePath: join(entry.dir, types),
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              lib: ['es2023', 'esnext.disposable'],
              types: ['node'],
              module: 'esnext',
              moduleResolution: 'bundler',
              target: 'es2022',
              skipLibCheck: true,
            },
          },
        },
        apiReport: {
          enabled: true,
          reportFolder,
          reportTempFolder: join(scratch, 'temp'),
          reportFileName: entry.reportFileName,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          // Undocumented members and TSDoc syntax are for review, not errors; what the compiler says is.
          // A type a main entry uses but does not export is flagged in its report; a subpath's types come from the
          // main entry, which api-extractor cannot see, so there it would only be noise.
          extractorMessageReporting: {
            default: { logLevel: ExtractorLogLevel.None },
            'ae-forgotten-export': {
              logLevel: ExtractorLogLevel.None,
              addToApiReportFile: entry.subpath === '.',
            },
          },
          tsdocMessageReporting: { default: { logLevel: ExtractorLogLevel.None } },
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
        },
      },
      configObjectFullPath: join(entry.dir, 'api-extractor.json'),
      packageJsonFullPath: join(entry.dir, 'package.json'),
    });
    const result = Extractor.invoke(config, {
      localBuild: true,
      messageCallback: (message) => {
        if (message.category === 'Compiler') problems.push(message.formatMessageWithLocation(entry.dir));
        message.handled = true;
      },
    });
    if (!result.succeeded) problems.push(`api-extractor failed on ${entry.name} ${entry.subpath}`);
    return { report: readFileSync(join(reportFolder, `${entry.reportFileName}.api.md`), 'utf8'), problems };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const update = process.argv.includes('--update');
  let failed = false;
  for (const entry of apiEntries()) {
    const { report, problems } = extractApiReport(entry, update);
    for (const problem of problems) console.error(problem);
    failed ||= problems.length > 0;
    if (!update) {
      let checkedIn = '';
      try {
        checkedIn = readFileSync(reportPath(entry), 'utf8');
      } catch {}
      if (checkedIn !== report) {
        console.error(`${entry.name} ${entry.subpath}: API changed; run pnpm api:update and review the diff`);
        failed = true;
      }
    }
  }
  process.exitCode = failed ? 1 : 0;
}
