import { defineConfig } from 'vitest/config';

/** Tests run against sources: the `@ccflow/source` export condition points every package at `src/`. */
const resolve = { conditions: ['@ccflow/source'] };
// No 'import' here: Node is given these conditions too, and with it a require() inside a CommonJS package picks a
// dual package's ESM build (pg's require('pg-pool') then gets a module namespace, not the class).
const ssr = { resolve: { conditions: ['@ccflow/source', 'node', 'default'] } };

export default defineConfig({
  resolve,
  ssr,
  test: {
    reporters: ['default', './scripts/count-reporter.ts'],
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/*.test.ts'],
          exclude: ['**/*.cli.test.ts', '**/*.pack.test.ts', '**/node_modules/**'],
          testTimeout: 20_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // Tests that run the real `claude` binary: each costs ~1.5 s of CPU, so they run one file at a time,
        // after the unit tests, never beside them.
        resolve,
        ssr,
        test: {
          name: 'cli',
          include: ['packages/*/test/**/*.cli.test.ts', 'examples/*/*.cli.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
      {
        // The packages as users install them: builds, packs and installs them into fresh projects
        // (about two minutes here, a third of it typechecking).
        resolve,
        ssr,
        test: {
          name: 'pack',
          include: ['packages/*/test/**/*.pack.test.ts'],
          testTimeout: 120_000,
          // Installing compiles better-sqlite3 if pnpm's store holds no build of it (about 150 s here).
          hookTimeout: 600_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
