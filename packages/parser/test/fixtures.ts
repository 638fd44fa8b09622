import { readFileSync } from 'node:fs';
import { FIXTURE_NAMES, type FixtureName, fixturePath, readFixture } from '@ccflow/testing';

/** The transcripts recorded from the real CLI, kept in `@ccflow/testing`. */
export const fixtureNames: FixtureName[] = [...FIXTURE_NAMES].sort();

/** A transcript's bytes as the CLI printed them. */
export function fixture(name: FixtureName): Buffer {
  return readFileSync(fixturePath(name));
}

export function fixtureLines(name: FixtureName): Record<string, any>[] {
  return readFixture(name);
}
