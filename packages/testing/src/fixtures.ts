import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The transcripts in `fixtures/`: what the real CLI (the pinned version) printed on stdout in the kit's scenarios
 * (`scripts/scenarios.ts`), talking to the stand-in. Re-recorded by `pnpm --filter @ccflow/testing record-fixtures`.
 */
export const FIXTURE_NAMES = [
  'background-task',
  'error-401',
  'error-500',
  'error-529-retried',
  'hooks',
  'interrupted',
  'max-budget',
  'max-turns',
  'multi-turn-stdin',
  'rate-limit-allowed',
  'replay',
  'resume-missing',
  'stream-cut',
  'structured',
  'text',
  'text-partial',
  'thinking',
  'thinking-partial',
  'tool-bash',
  'tool-bash-partial',
  'tool-denied',
  'usage-limit',
] as const;

export type FixtureName = (typeof FIXTURE_NAMES)[number];

/** Beside `src/` and `dist/` alike, so this works from the sources and from the published package. */
const FIXTURES_DIR = new URL('../fixtures/', import.meta.url);

/** The absolute path of a recorded transcript (NDJSON), e.g. to replay it with the fault CLI or stream it. */
export function fixturePath(name: FixtureName): string {
  return fileURLToPath(new URL(`${name}.ndjson`, FIXTURES_DIR));
}

/** A recorded transcript's lines, parsed as JSON: what a `MockExecutor` run takes. */
export function readFixture(name: FixtureName): Record<string, unknown>[] {
  return readFileSync(fixturePath(name), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
