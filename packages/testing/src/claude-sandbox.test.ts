import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ClaudeSandbox, STAND_IN_API_KEY } from './claude-sandbox.ts';

const BASE_URL = 'http://127.0.0.1:9';
const sandboxes: ClaudeSandbox[] = [];
const savedEnv = { ...process.env };

afterEach(() => {
  for (const box of sandboxes.splice(0)) box.close();
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
  Object.assign(process.env, savedEnv);
});

/** A sandbox that runs `/bin/sh` instead of `claude`: the runner's behaviour without the CLI's cost. */
function shellSandbox(env?: Record<string, string>): ClaudeSandbox {
  const box = new ClaudeSandbox({ baseUrl: BASE_URL, cliPath: '/bin/sh', ...(env ? { env } : {}) });
  sandboxes.push(box);
  return box;
}

/** Gone, or a zombie waiting for init to reap it (it no longer runs). */
function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') ?? true;
  } catch {
    return true;
  }
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ClaudeSandbox', () => {
  it('hard-kills the whole process group when the timer fires', async () => {
    const box = shellSandbox();
    const started = performance.now();
    const run = await box.run(['-c', 'sleep 30 & echo $!; sleep 30'], { timeoutMs: 300 });
    const elapsed = performance.now() - started;
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.exitCode).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(280);
    expect(elapsed).toBeLessThan(2000);
    const background = Number(run.stdout.trim());
    expect(Number.isInteger(background) && background > 0).toBe(true);
    await until(() => isGone(background));
  });

  it('does not time out a run that ends in time', async () => {
    const run = await shellSandbox().run(['-c', 'exit 3'], { timeoutMs: 5000 });
    expect(run).toMatchObject({ exitCode: 3, signal: null, timedOut: false });
  });

  it('writes stdin, closes it, and parses stdout lines', async () => {
    const run = await shellSandbox().run(['-c', 'cat; printf \'{"a":1}\\nnot json\\n\'; echo oops >&2'], {
      stdin: '{"from":"stdin"}\n',
    });
    expect(run.exitCode).toBe(0);
    expect(run.lines).toEqual([{ from: 'stdin' }, { a: 1 }, 'not json']);
    expect(run.stderr).toBe('oops\n');
  });

  it('builds the environment from scratch, with no ANTHROPIC_* of the parent but its own', async () => {
    process.env.ANTHROPIC_AUTH_TOKEN = 'x';
    process.env.ANTHROPIC_MODEL = 'parent-model';
    process.env.CLAUDE_CODE_USE_BEDROCK = '1';
    const box = shellSandbox();
    const anthropic = Object.keys(box.env)
      .filter((k) => k.startsWith('ANTHROPIC_'))
      .sort();
    expect(anthropic).toEqual(['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL']);
    expect(box.env.ANTHROPIC_API_KEY).toBe(STAND_IN_API_KEY);
    expect(box.env.ANTHROPIC_BASE_URL).toBe(BASE_URL);
    expect(box.env).not.toHaveProperty('CLAUDE_CODE_USE_BEDROCK');
    expect(box.env).toMatchObject({
      HOME: box.home,
      CLAUDE_CONFIG_DIR: box.configDir,
      TMPDIR: box.tmpDir,
      CLAUDE_CODE_MAX_RETRIES: '0',
    });

    // And the child sees exactly that, in the sandbox's project directory.
    const run = await box.run(['-c', 'env; echo "cwd=$(pwd)"']);
    expect(run.stdout).not.toContain('ANTHROPIC_AUTH_TOKEN');
    expect(run.stdout).not.toContain('parent-model');
    expect(run.stdout).toContain(`HOME=${box.home}\n`);
    expect(run.stdout).toContain(`cwd=${box.cwd}\n`);
  });

  it('lets options and run options add to the environment', async () => {
    const box = shellSandbox({ EXTRA: 'from-options', ANTHROPIC_API_KEY: 'override' });
    expect(box.env.ANTHROPIC_API_KEY).toBe('override');
    const run = await box.run(['-c', 'echo "$EXTRA $PER_RUN"'], { env: { PER_RUN: 'from-run' } });
    expect(run.stdout).toBe('from-options from-run\n');
  });

  it('keeps session files under its config dir, keyed by working directory', () => {
    const box = shellSandbox();
    expect(box.sessionFile('abc')).toBe(
      `${box.configDir}/projects/${box.cwd.replace(/[^a-zA-Z0-9]/g, '-')}/abc.jsonl`,
    );
  });

  it('gives a CliExecutor its CLI, its whole environment and its project directory, as plain data', () => {
    const box = shellSandbox({ EXTRA: '1' });
    const options = box.executorOptions;
    expect(options).toEqual({ cliPath: '/bin/sh', env: box.env, defaultOptions: { cwd: box.cwd } });
    expect(JSON.parse(JSON.stringify(options))).toEqual(options);
    options.env.EXTRA = 'changed';
    expect(box.env.EXTRA).toBe('1');
  });

  it('close() removes its root directory', async () => {
    const box = new ClaudeSandbox({ baseUrl: BASE_URL, cliPath: '/bin/sh' });
    for (const dir of [box.home, box.configDir, box.tmpDir, box.cwd]) {
      expect(dir.startsWith(box.root)).toBe(true);
      expect(existsSync(dir)).toBe(true);
    }
    box.close();
    expect(existsSync(box.root)).toBe(false);

    let root: string;
    {
      await using disposed = new ClaudeSandbox({ baseUrl: BASE_URL, cliPath: '/bin/sh' });
      root = disposed.root;
      expect(existsSync(root)).toBe(true);
    }
    expect(existsSync(root)).toBe(false);
  });
});
