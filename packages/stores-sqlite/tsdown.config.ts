import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: 'esm',
  dts: true,
  sourcemap: true,
  clean: true,
  // A native addon: it must be loaded from the user's node_modules, never bundled.
  external: ['better-sqlite3'],
});
