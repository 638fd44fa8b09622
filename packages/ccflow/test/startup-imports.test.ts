import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// What `ccflow` loads when it starts. The Anthropic SDK and BullMQ with ioredis cost more to import than the rest
// of ccflow together, so they load only for the work that needs them: an API fallback call, a queue worker.

const run = promisify(execFile);

/** Logs every package specifier the process resolves, one per line on stdout, from Node's module hooks thread. */
const HOOKS = `export async function resolve(specifier, context, next) {
  if (!/^[./]|^node:|^file:|^data:/.test(specifier)) console.log('resolve ' + specifier);
  return next(specifier, context);
}`;
const REGISTER = `import { register } from 'node:module';
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`;

/** The packages `ccflow <args>` (from the sources) resolves. */
async function resolved(args: string[]): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      `data:text/javascript,${encodeURIComponent(REGISTER)}`,
      '--import',
      'tsx',
      '--conditions=@ccflow/source',
      join(import.meta.dirname, 'ui-server-worker.ts'),
      ...args,
    ],
    { cwd: import.meta.dirname, env: { ...process.env, NO_COLOR: '1' } },
  );
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('resolve '))
    .map((l) => l.slice('resolve '.length));
}

describe('ccflow at start-up', () => {
  it('loads neither the Anthropic SDK nor BullMQ and ioredis for --help (and the log sees what it does load)', async () => {
    const loaded = await resolved(['--help']);
    expect(loaded).toEqual(expect.arrayContaining(['@ccflow/core', 'commander'])); // the log works
    const heavy = loaded.filter((s) => /^(@anthropic-ai\/sdk|bullmq|ioredis)(\/|$)/.test(s));
    expect(heavy).toEqual([]);
  });
});
