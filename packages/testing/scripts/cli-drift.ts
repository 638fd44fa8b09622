/**
 * What a Claude Code CLI says that ccflow does not model yet. Compares a CLI (the pinned one, or `--cli <path>`)
 * with the committed surface in `cli-surface/`:
 * - its `--help`: flags added or removed, and changed lines;
 * - the messages it prints in the fixture scenarios (`scenarios.ts`): kinds (`type`, or `system/<subtype>`) the
 *   parser does not type (it gives them as `unknown` / `unknown_system`), kinds new or gone, and top-level fields
 *   added or removed per kind.
 * Run: pnpm --filter @ccflow/testing cli-drift [--cli <path>] [--update]
 * Exits 1 when anything differs. `--update` rewrites the committed surface, once ccflow models what changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MessageParser } from '@ccflow/parser';
import { ClaudeSandbox, resolveClaudeBinary } from '../src/index.ts';
import { runScenario, scenarios } from './scenarios.ts';

/** Per message kind, the top-level fields seen; stored as `kind: field field ...` lines under a version line. */
type Kinds = Map<string, Set<string>>;

function writeKinds(version: string, kinds: Kinds): string {
  const rows = [...kinds].sort(([a], [b]) => a.localeCompare(b));
  return `${version}\n${rows.map(([k, f]) => `${k}: ${[...f].sort().join(' ')}`).join('\n')}\n`;
}

function readKinds(text: string): { version: string; kinds: Kinds } {
  const [version = '', ...rows] = text.split('\n').filter(Boolean);
  const kinds: Kinds = new Map();
  for (const row of rows) {
    const at = row.indexOf(': ');
    kinds.set(row.slice(0, at), new Set(row.slice(at + 2).split(' ')));
  }
  return { version, kinds };
}

/**
 * The help's entries (options and commands, at two spaces' indent), each with its description on one line, so
 * that a new wrap width is not a change.
 */
function helpEntries(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let key: string | undefined;
  for (const line of text.split('\n')) {
    const entry = /^ {2}(\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (entry) {
      key = (entry[1] as string).trim();
      out.set(key, entry[2] ?? '');
    } else if (key !== undefined && /^ {3,}\S/.test(line)) {
      out.set(key, `${out.get(key)} ${line.trim()}`.trim());
    } else {
      key = undefined;
    }
  }
  return out;
}

const { values } = parseArgs({ options: { cli: { type: 'string' }, update: { type: 'boolean' } } });
const cliPath = values.cli ?? resolveClaudeBinary();
const dir = join(import.meta.dirname, '..', 'cli-surface');
const helpPath = join(dir, 'help.txt');
const messagesPath = join(dir, 'messages.txt');

const cli = (args: string[]) => {
  const box = new ClaudeSandbox({ baseUrl: 'http://127.0.0.1:9', cliPath });
  try {
    return spawnSync(cliPath, args, { env: box.env, cwd: box.cwd, encoding: 'utf8' }).stdout;
  } finally {
    box.close();
  }
};

const version = cli(['--version']).trim();
const help = cli(['--help']);
const kinds: Kinds = new Map();
const unmodeled = new Set<string>();
for (const [name, scenario] of Object.entries(scenarios)) {
  const run = await runScenario(scenario, cliPath);
  const parser = new MessageParser();
  for (const text of run.stdout.split('\n')) {
    if (text.trim() === '') continue;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(text);
    } catch {
      continue;
    }
    const kind = line.type === 'system' ? `system/${String(line.subtype)}` : String(line.type);
    const fields = kinds.get(kind) ?? new Set<string>();
    for (const field of Object.keys(line)) fields.add(field);
    kinds.set(kind, fields);
    const [parsed] = parser.parse(line);
    if (parsed?.type === 'unknown' || parsed?.type === 'unknown_system')
      unmodeled.add(`${kind} (in ${name})`);
  }
  process.stderr.write(`${name}: ${run.lines} lines\n`);
}
if (values.update) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(helpPath, help);
  writeFileSync(messagesPath, writeKinds(version, kinds));
  console.log(`wrote the surface of ${version} to ${dir}`);
  process.exit(0);
}

const drift: string[] = [];
const known = readKinds(readFileSync(messagesPath, 'utf8'));
const minus = <T>(a: Iterable<T>, b: Iterable<T>) => {
  const bs = new Set(b);
  return [...a].filter((x) => !bs.has(x));
};

const entries = helpEntries(help);
const knownEntries = helpEntries(readFileSync(helpPath, 'utf8'));
for (const e of minus(entries.keys(), knownEntries.keys())) drift.push(`--help: new ${e}: ${entries.get(e)}`);
for (const e of minus(knownEntries.keys(), entries.keys())) drift.push(`--help: gone ${e}`);
for (const [e, text] of entries) {
  const before = knownEntries.get(e);
  if (before !== undefined && before !== text) drift.push(`--help: ${e} now says: ${text}`);
}
for (const kind of unmodeled) drift.push(`messages: ${kind} is not typed by the parser`);
for (const kind of minus(kinds.keys(), known.kinds.keys()))
  drift.push(`messages: new kind ${kind} (${[...(kinds.get(kind) ?? [])].join(', ')})`);
for (const kind of minus(known.kinds.keys(), kinds.keys()))
  drift.push(`messages: kind no longer seen ${kind}`);
for (const [kind, fields] of kinds) {
  const before = known.kinds.get(kind);
  if (before === undefined) continue;
  for (const f of minus(fields, before)) drift.push(`messages: ${kind} has a new field ${f}`);
  for (const f of minus(before, fields)) drift.push(`messages: ${kind} no longer has ${f}`);
}

console.log(`claude ${version} against the committed surface of ${known.version}:`);
console.log(drift.length === 0 ? 'no drift' : drift.map((d) => `  ${d}`).join('\n'));
process.exitCode = drift.length === 0 ? 0 : 1;
