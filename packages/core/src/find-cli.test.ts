import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliNotFoundError } from './errors.ts';
import { findCli } from './find-cli.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-find-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function executable(path: string, bytes = 16): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, `#!/bin/sh\n${'#'.repeat(bytes)}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A project with `@anthropic-ai/claude-code` installed; its bin is a stub unless `bytes` says otherwise. */
function project(binBytes: number): string {
  const root = join(dir, 'project');
  const pkg = join(root, 'node_modules', '@anthropic-ai', 'claude-code');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(root, 'package.json'), '{"name":"p"}');
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({ name: '@anthropic-ai/claude-code', bin: { claude: 'bin/claude.exe' } }),
  );
  executable(join(pkg, 'bin', 'claude.exe'), binBytes);
  return root;
}

function notFound(f: () => unknown): CliNotFoundError {
  try {
    f();
  } catch (error) {
    expect(CliNotFoundError.isInstance(error)).toBe(true);
    return error as CliNotFoundError;
  }
  throw new Error('expected CliNotFoundError');
}

describe('findCli', () => {
  it('takes an explicit path first, then CCFLOW_CLAUDE_CLI_PATH', () => {
    const a = executable(join(dir, 'a', 'claude'));
    const b = executable(join(dir, 'b', 'claude'));
    const c = executable(join(dir, 'c', 'claude'));
    const env = { CCFLOW_CLAUDE_CLI_PATH: b, PATH: join(dir, 'c') };
    expect(findCli({ cliPath: a, env, cwd: dir })).toBe(a);
    expect(findCli({ env, cwd: dir })).toBe(b);
    expect(findCli({ env: { PATH: join(dir, 'c') }, cwd: dir })).toBe(c);
  });

  it('never falls back when the explicit path is unusable', () => {
    const onPath = executable(join(dir, 'bin', 'claude'));
    const e = notFound(() => findCli({ cliPath: join(dir, 'missing'), env: { PATH: join(dir, 'bin') } }));
    expect(e.message).toContain('does not exist');
    expect(e.searched).toEqual([join(dir, 'missing')]);
    writeFileSync(join(dir, 'plain'), 'x');
    expect(notFound(() => findCli({ env: { CCFLOW_CLAUDE_CLI_PATH: join(dir, 'plain') } })).message).toMatch(
      /CCFLOW_CLAUDE_CLI_PATH .*plain is not executable/,
    );
    expect(onPath).toBeTruthy();
  });

  it('searches PATH in order, skipping what is not an executable file', () => {
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'dir-named-claude', 'claude'), { recursive: true });
    writeFileSync(join(dir, 'noexec-claude'), 'x');
    const good = executable(join(dir, 'good', 'claude'));
    const PATH = ['', join(dir, 'empty'), join(dir, 'dir-named-claude'), join(dir, 'good')].join(':');
    expect(findCli({ env: { PATH }, cwd: dir })).toBe(good);
  });

  it("then the project's @anthropic-ai/claude-code, resolved from cwd through its package.json bin", () => {
    const root = project(2 * 1024 * 1024);
    expect(findCli({ env: { PATH: join(dir, 'empty') }, cwd: root })).toBe(
      join(root, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'),
    );
  });

  it('does not take the install stub for a CLI, and lists where it looked', () => {
    const root = project(100);
    const e = notFound(() => findCli({ env: { PATH: `${join(dir, 'x')}:${join(dir, 'y')}` }, cwd: root }));
    expect(e.searched).toEqual([
      join(dir, 'x', 'claude'),
      join(dir, 'y', 'claude'),
      join(root, 'node_modules', '@anthropic-ai', 'claude-code', 'bin', 'claude.exe'),
    ]);
    expect(e.message).toContain('CCFLOW_CLAUDE_CLI_PATH');
    expect(
      notFound(() =>
        findCli({ cliPath: join(root, 'node_modules/@anthropic-ai/claude-code/bin/claude.exe') }),
      ).message,
    ).toContain('install stub');
  });
});
