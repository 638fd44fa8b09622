import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: { index: 'src/index.ts', internal: 'src/internal.ts', mcp: 'src/mcp.ts' },
  format: 'esm',
  dts: true,
  sourcemap: true,
  clean: true,
});
