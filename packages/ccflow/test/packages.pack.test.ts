import { execFile } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseMessages } from '@ccflow/parser';
import { fixturePath, readFixture } from '@ccflow/testing';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiEntries, extractApiReport, reportPath } from '../../../scripts/api-reports.ts';
import { type ConsumerProgram, ConsumerProject, nativeBuildPins } from './packed/consumer-project.ts';
import {
  buildAndPack,
  type PackedPackage,
  publicPackageNames,
  WORKSPACE_ROOT,
} from './packed/workspace-packs.ts';

// The packages as users get them: built, packed with pnpm, linted, and installed into fresh projects outside the
// workspace (ESM import, require, and a `nodenext` typecheck of each).

const run = promisify(execFile);
const names = await publicPackageNames();
const rootManifest = JSON.parse(await readFile(join(WORKSPACE_ROOT, 'package.json'), 'utf8'));

let work: string;
let packs: PackedPackage[];
let nativePins: Record<string, string>;
const packOf = (name: string) => packs.find((pack) => pack.name === name)!;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'ccflow-packed-'));
  packs = await buildAndPack(join(work, 'tarballs'));
  nativePins = await nativeBuildPins();
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe.each(names)('packed %s', (name) => {
  it('passes publint, suggestions included', async () => {
    const bytes = await readFile(packOf(name).tarball);
    const tarball = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
    expect(messages.map((message) => formatMessage(message, pkg, { color: false }))).toEqual([]);
  });

  // ESM only, for Node >= 20.19, which `require()`s ESM: the `esm-only` profile leaves out `node10` and
  // `node16` from CommonJS (where TypeScript before 5.8 refuses to `require` ESM); the consumer projects below
  // check `require` with today's TypeScript and Node.
  it('has types that resolve as they should (arethetypeswrong, esm-only profile)', async () => {
    const attw = join(WORKSPACE_ROOT, 'node_modules/.bin/attw');
    const args = [
      packOf(name).tarball,
      '--profile',
      'esm-only',
      '--format',
      'ascii',
      '--no-color',
      '--no-emoji',
    ];
    const problems = await run(attw, args).then(
      () => '',
      (error: { stdout: string; stderr: string }) => error.stdout + error.stderr,
    );
    expect(problems).toBe('');
  });

  it('declares runtime dependencies as ranges, internal ones included, and the OpenTelemetry API as a peer', () => {
    const { manifest } = packOf(name);
    for (const [dependency, spec] of Object.entries<string>(manifest.dependencies ?? {})) {
      expect(spec, dependency).toMatch(/^[\^~]\d/);
      if (names.includes(dependency))
        expect(spec, dependency).toBe(`^${packOf(dependency).manifest.version}`);
    }
    expect(manifest.dependencies?.['@opentelemetry/api']).toBeUndefined();
    expect(manifest.peerDependencies?.['@opentelemetry/api'] ?? '~1.9.1').toBe('~1.9.1');
  });

  it('ships what its manifest points at: exports with types, bin, README; Node engine of the workspace', () => {
    const { manifest, files } = packOf(name);
    const packed = (target: string) => files.includes(target.replace(/^\.\//, ''));
    expect(manifest.type).toBe('module');
    expect(manifest.engines).toEqual(rootManifest.engines);
    expect(files).toContain('README.md');
    for (const [subpath, entry] of Object.entries<string | Record<string, string>>(manifest.exports)) {
      if (typeof entry === 'string') {
        expect(packed(entry), `${subpath} → ${entry}`).toBe(true);
        continue;
      }
      expect(Object.keys(entry), subpath).toEqual(['@ccflow/source', 'types', 'default']);
      for (const target of Object.values(entry)) expect(packed(target), `${subpath} → ${target}`).toBe(true);
    }
    for (const target of Object.values<string>(manifest.bin ?? {})) expect(packed(target), target).toBe(true);
  });

  it('marks as side-effect free no module that has one, and names no file it lacks', async () => {
    const { manifest, files, dir } = packOf(name);
    const patterns: string[] | false = manifest.sideEffects;
    expect(patterns === false || Array.isArray(patterns), 'sideEffects').toBe(true);
    if (patterns === false) return;
    const marked = (file: string) => patterns.some((pattern) => globToRegExp(pattern).test(`./${file}`));
    for (const pattern of patterns) {
      expect(
        files.some((file) => globToRegExp(pattern).test(`./${file}`)),
        pattern,
      ).toBe(true);
    }
    // `ccflow` installs its default executor on import; a bundler drops any module not marked here.
    for (const file of files.filter((file) => file.endsWith('.mjs'))) {
      const code = await readFile(join(dir, file), 'utf8');
      if (/^installDefaults\(\)/m.test(code)) expect(marked(file), file).toBe(true);
    }
  });
});

/** webpack's `sideEffects` globs: `*` within a path segment, `**` across segments. */
function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*\/?/g, '\0')
    .replace(/\*/g, '[^/]*')
    .replace(/\0/g, '(?:.*/)?');
  return new RegExp(`^${source}$`);
}

// The public surface, reviewed: each entry point's API report (api-extractor) must match the one checked in under
// `packages/*/etc/`. After a deliberate change: `pnpm api:update`, and the diff shows in review.
describe.each(apiEntries().map((entry) => [`${entry.name} ${entry.subpath}`, entry] as const))(
  'the API of %s',
  (_, entry) => {
    it('matches its checked-in report', async () => {
      const { report, problems } = extractApiReport(entry, false);
      expect(problems).toEqual([]);
      const checkedIn = await readFile(reportPath(entry), 'utf8').catch(() => '(no report checked in)');
      expect(report, `${reportPath(entry)} is out of date: run pnpm api:update`).toBe(checkedIn);
    });
  },
);

describe('a fresh project with @ccflow/parser alone', () => {
  const program: ConsumerProgram = {
    dependencies: ['@ccflow/parser'],
    imports: [
      { from: 'node:fs', names: ['createReadStream'] },
      { from: '@ccflow/parser', names: ['parseMessages'] },
    ],
    body: `  const types = [];
  for await (const message of parseMessages(createReadStream(process.argv[2] ?? ''))) types.push(message.type);
  console.log(JSON.stringify(types));`,
  };
  // A transcript the real CLI printed.
  const transcript = fixturePath('text');
  let project: ConsumerProject;
  let expected: string[];

  beforeAll(async () => {
    project = await ConsumerProject.install(join(work, 'parser'), program, packs, nativePins);
    expected = [];
    for await (const message of parseMessages(createReadStream(transcript))) expected.push(message.type);
  });

  it('installs no other package of ours', async () => {
    expect(await project.installedCopies()).toEqual(['@ccflow/parser']);
  });

  it('parses a CLI transcript as the workspace does, imported and required', async () => {
    expect(expected.at(-1)).toBe('result');
    expect(await project.run('esm', [transcript])).toEqual(expected);
    expect(await project.run('cjs', [transcript])).toEqual(expected);
  });

  it('typechecks with moduleResolution nodenext, as ESM and CommonJS', async () => {
    await project.typecheck();
  });
});

describe('a fresh project with @ccflow/core alone', () => {
  const program: ConsumerProgram = {
    dependencies: ['@ccflow/core'],
    imports: [{ from: '@ccflow/core', names: ['ConfigurationError', 'loadConfig'] }],
    body: `  let rejected = 'nothing';
  try {
    loadConfig({ CCFLOW_MAX_CONCURRENT_REQUESTS: 'many' }).maxConcurrentRequests;
  } catch (error) {
    rejected = ConfigurationError.isInstance(error) ? 'ConfigurationError' : String(error);
  }
  const config = loadConfig({ CCFLOW_MAX_CONCURRENT_REQUESTS: '3' });
  console.log(JSON.stringify({ rejected, maxConcurrentRequests: config.maxConcurrentRequests }));`,
  };
  let project: ConsumerProject;

  beforeAll(async () => {
    project = await ConsumerProject.install(join(work, 'core'), program, packs, nativePins);
  });

  it('installs core with the parser only', async () => {
    expect(await project.installedCopies()).toEqual(['@ccflow/core', '@ccflow/parser']);
  });

  it('validates configuration, imported and required', async () => {
    const expected = { rejected: 'ConfigurationError', maxConcurrentRequests: 3 };
    expect(await project.run('esm')).toEqual(expected);
    expect(await project.run('cjs')).toEqual(expected);
  });

  it('typechecks with moduleResolution nodenext, as ESM and CommonJS', async () => {
    await project.typecheck();
  });
});

describe('a fresh project with ccflow whole', () => {
  const program: ConsumerProgram = {
    dependencies: ['ccflow'],
    imports: [
      { from: 'ccflow', names: ['SQLiteSessionStore', 'createDefaultExecutor', 'query', 'startUiServer'] },
      { from: 'ccflow/queue', names: ['QueueExecutor', 'startWorker'] },
      { from: 'ccflow/postgres', names: ['PostgresTraceStore'] },
    ],
    body: `  const store = new SQLiteSessionStore(process.argv[2] ?? '');
  const sessions = await store.count();
  await store.close();
  const ui = await startUiServer({ dbPath: process.argv[2] ?? '', port: 0 });
  const served = [];
  for (const path of ['', 'assets/ui.js', 'assets/ui.css']) served.push((await fetch(ui.url + path)).status);
  await ui.close();
  const scaleOut = [typeof QueueExecutor, typeof startWorker, typeof PostgresTraceStore];
  console.log(JSON.stringify({ sessions, query: typeof query, createDefaultExecutor: typeof createDefaultExecutor, ui: served, scaleOut }));`,
  };
  let project: ConsumerProject;

  beforeAll(async () => {
    project = await ConsumerProject.install(join(work, 'ccflow'), program, packs, nativePins);
  });

  it('installs one copy of every package but the test kit', async () => {
    expect(await project.installedCopies()).toEqual(
      names.filter((name) => name !== '@ccflow/testing').sort(),
    );
  });

  it('opens a SQLite store (the native addon is built) and serves the ui with its assets, imported and required', async () => {
    const expected = {
      sessions: 0,
      query: 'function',
      createDefaultExecutor: 'function',
      ui: [200, 200, 200],
      scaleOut: ['function', 'function', 'function'],
    };
    expect(await project.run('esm', [join(work, 'esm.db')])).toEqual(expected);
    expect(await project.run('cjs', [join(work, 'cjs.db')])).toEqual(expected);
  });

  it('typechecks with moduleResolution nodenext, as ESM and CommonJS', async () => {
    await project.typecheck();
  });

  it('runs the ccflow command', async () => {
    expect(await project.bin('ccflow', ['--help'])).toMatch(
      /^Usage: ccflow \[options\] \[command\]\n[\s\S]*\n {2}query /,
    );
  });
});

describe('a fresh project testing its code with @ccflow/testing, without the CLI', () => {
  const program: ConsumerProgram = {
    // The parser is the kit's peer: a registry gives pnpm and npm the one core depends on; tarballs cannot.
    dependencies: ['@ccflow/core', '@ccflow/parser', '@ccflow/testing'],
    imports: [
      { from: '@ccflow/core', names: ['querySimple'] },
      {
        from: '@ccflow/testing',
        names: ['ClaudeBinaryNotFoundError', 'MockExecutor', 'readFixture', 'resolveClaudeBinary'],
      },
    ],
    body: `  const executor = new MockExecutor([readFixture('text')]);
  const answer = await querySimple('Say hi', {}, { executor });
  let cli = 'found';
  try {
    resolveClaudeBinary({ PATH: '' });
  } catch (error) {
    cli = error instanceof ClaudeBinaryNotFoundError ? error.message : String(error);
  }
  console.log(JSON.stringify({ answer, prompts: executor.requests.map((request) => request.prompt), cli }));`,
  };
  let project: ConsumerProject;

  beforeAll(async () => {
    project = await ConsumerProject.install(join(work, 'testing'), program, packs, nativePins);
  });

  it('installs core, the parser and the kit once each, and not the CLI (an optional peer)', async () => {
    expect(await project.installedCopies()).toEqual(['@ccflow/core', '@ccflow/parser', '@ccflow/testing']);
    const installed = await readdir(join(project.dir, 'node_modules/.pnpm'));
    expect(installed.filter((entry) => entry.startsWith('@anthropic-ai+claude-code'))).toEqual([]);
  });

  it('replays a recorded transcript through the mock executor under core, imported and required', async () => {
    const expected = {
      answer: readFixture('text').at(-1)?.result,
      prompts: ['Say hi'],
      cli: expect.stringContaining('install @anthropic-ai/claude-code@'),
    };
    expect(await project.run('esm')).toEqual(expected);
    expect(await project.run('cjs')).toEqual(expected);
  });

  it("typechecks with moduleResolution nodenext: the kit's mock is core's Executor", async () => {
    await project.typecheck();
  });
});
