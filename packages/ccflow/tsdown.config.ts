import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    mcp: 'src/mcp.ts',
    queue: 'src/queue.ts',
    postgres: 'src/postgres.ts',
    cli: 'src/cli.ts',
  },
  format: 'esm',
  dts: true,
  sourcemap: true,
  clean: true,
});
