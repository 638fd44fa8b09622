import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClaudeBinaryNotFoundError, resolveClaudeBinary } from './claude-binary.ts';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ccflow-binary-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function file(name: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\nexit 0\n');
  chmodSync(path, mode);
  return path;
}

describe('resolveClaudeBinary', () => {
  it('rejects CCFLOW_CLAUDE_CLI_PATH pointing at a file that is not executable, naming the variable', () => {
    const path = file('claude', 0o644);
    expect(() => resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: path })).toThrow(ClaudeBinaryNotFoundError);
    expect(() => resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: path })).toThrow(/CCFLOW_CLAUDE_CLI_PATH/);
  });

  it('rejects CCFLOW_CLAUDE_CLI_PATH pointing at nothing or at a directory', () => {
    expect(() => resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: join(dir, 'missing') })).toThrow(
      ClaudeBinaryNotFoundError,
    );
    expect(() => resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: dir })).toThrow(ClaudeBinaryNotFoundError);
  });

  it('returns an executable CCFLOW_CLAUDE_CLI_PATH as is', () => {
    const path = file('my-claude', 0o755);
    expect(resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: path })).toBe(path);
  });

  it('rejects the install stub (a small claude.exe)', () => {
    const path = file('claude.exe', 0o755);
    expect(() => resolveClaudeBinary({ CCFLOW_CLAUDE_CLI_PATH: path })).toThrow(/install stub/);
  });

  it('finds the pinned package binary by default', () => {
    const path = resolveClaudeBinary({ PATH: '' });
    expect(['claude', 'claude.exe']).toContain(basename(path));
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).isFile()).toBe(true);
  });
});
