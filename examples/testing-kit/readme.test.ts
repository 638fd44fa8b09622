import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

// The kit's README shows these files as they are, so what it teaches is what this suite runs.
const readme = readFileSync(new URL('../../packages/testing/README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);

it.each(['summarize.ts', 'summarize.test.ts', 'summarize.cli.test.ts'])(
  "@ccflow/testing's README shows %s as it is",
  (file) => {
    expect(blocks).toContain(readFileSync(new URL(file, import.meta.url), 'utf8'));
  },
);
