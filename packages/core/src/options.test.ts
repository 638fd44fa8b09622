import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.ts';
import {
  type CliAgentOptions,
  CliAgentOptionsSchema,
  PERMISSION_MODES,
  resolveOptions,
  withoutRemovedOptions,
} from './options.ts';

/** The error `resolveOptions` throws for these options. */
function refusal(options: unknown): ConfigurationError {
  try {
    resolveOptions(options as CliAgentOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolveOptions: defaults', () => {
  it('applies the defaults and leaves the rest unset', () => {
    const o = resolveOptions();
    expect(o).toEqual({
      ultrathink: false,
      dangerouslySkipPermissions: false,
      strictMcp: false,
      forkSession: false,
      continueSession: false,
      noSessionPersistence: false,
      includePartial: false,
      strict: false,
      toon: {
        delimiter: ',',
        indent: 2,
        lengthMarker: false,
        encodeContext: true,
        trackSavings: true,
      },
    });
    expect(o.model).toBeUndefined();
    expect(o.settingSources).toBeUndefined(); // buildCliArgs passes none
    expect(resolveOptions({})).toEqual(o);
  });

  it('fills in MCP server defaults (stdio by default)', () => {
    const o = resolveOptions({
      mcpServers: {
        fs: { command: 'npx' },
        remote: { transport: 'http', url: 'https://mcp.example.com/mcp' },
      },
    });
    expect(o.mcpServers).toEqual({
      fs: { transport: 'stdio', command: 'npx', args: [], env: {} },
      remote: { transport: 'http', url: 'https://mcp.example.com/mcp', headers: {} },
    });
  });

  it('fills in partial toon config', () => {
    expect(resolveOptions({ toon: { delimiter: '|' } }).toon).toMatchObject({ delimiter: '|', indent: 2 });
  });

  it('passes already resolved options through unchanged', () => {
    const o = resolveOptions({ model: 'opus', allowedTools: ['Bash(git *)'], settingSources: ['project'] });
    expect(resolveOptions(o)).toEqual(o);
  });

  it('accepts every documented value kind', () => {
    const o = resolveOptions({
      model: 'opus',
      fallbackModel: 'sonnet',
      effort: 'xhigh',
      ultrathink: true,
      maxTokens: 4096,
      betas: ['context-1m-2025-08-07'],
      systemPrompt: '',
      appendSystemPrompt: 'x',
      jsonSchema: { type: 'object' },
      permissionMode: 'manual',
      dangerouslySkipPermissions: true,
      allowedTools: ['Bash(git *)'],
      disallowedTools: ['Write'],
      tools: [],
      agent: 'reviewer',
      agents: { reviewer: { description: 'd', prompt: 'p', extra: 1 } },
      strictMcp: true,
      sessionId: '7f8a9c3e-2b1d-4e5f-8a6b-1c2d3e4f5a6b',
      resume: 'abc',
      forkSession: true,
      noSessionPersistence: true,
      maxTurns: 1,
      maxBudgetUsd: 0.01,
      timeoutMs: 1000,
      idleTimeoutMs: 500,
      maxRetries: 0,
      cliPath: '/usr/bin/claude',
      cwd: '/tmp',
      addDirs: ['/data'],
      env: { A: '1' },
      settings: '{"model":"x"}',
      settingSources: ['user', 'project', 'local'],
      includePartial: true,
      extraArgs: ['--include-hook-events', '--name=a b'],
      debug: 'api,hooks',
      strict: true,
      context: { user: 'x' },
    });
    expect(o.agents?.reviewer).toMatchObject({ extra: 1 }); // unknown agent fields are kept for the CLI
  });
});

describe('resolveOptions: refusals name the field', () => {
  it.each<[string, unknown, string]>([
    ['model', { model: '' }, 'model'],
    ['effort', { effort: 'huge' }, 'effort'],
    ['maxTurns', { maxTurns: 0 }, 'maxTurns'],
    ['maxTurns', { maxTurns: 1.5 }, 'maxTurns'],
    ['maxBudgetUsd', { maxBudgetUsd: -1 }, 'maxBudgetUsd'],
    ['maxTokens', { maxTokens: 0 }, 'maxTokens'],
    ['maxRetries', { maxRetries: 21 }, 'maxRetries'],
    ['timeoutMs', { timeoutMs: 0 }, 'timeoutMs'],
    ['sessionId', { sessionId: 'not-a-uuid' }, 'sessionId'],
    ['allowedTools', { allowedTools: ['Read', ''] }, 'allowedTools.1'],
    ['disallowedTools', { disallowedTools: ['Bash(a,b)'] }, 'disallowedTools.0'],
    ['tools', { tools: 'Bash' }, 'tools'],
    ['settingSources', { settingSources: ['user', 'global'] }, 'settingSources.1'],
    ['env', { env: { A: 1 } }, 'env.A'],
    ['debug', { debug: '' }, 'debug'],
    ['toon', { toon: { delimiter: ';' } }, 'toon.delimiter'],
    ['agents', { agents: { r: { description: 'd' } } }, 'agents.r.prompt'],
    ['mcpServers url', { mcpServers: { db: { transport: 'sse', url: 'not a url' } } }, 'mcpServers.db.url'],
    ['mcpServers command', { mcpServers: { fs: { command: '' } } }, 'mcpServers.fs.command'],
    [
      'mcpServers transport',
      { mcpServers: { x: { transport: 'ws', url: 'ws://x' } } },
      'mcpServers.x.transport',
    ],
  ])('%s', (_name, options, field) => {
    const error = refusal(options);
    expect(error.field).toBe(field);
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.code).toBe('CONFIGURATION_ERROR');
    expect(error.cause).toBeDefined();
  });

  it('explains why a comma is refused in a tool pattern', () => {
    expect(refusal({ allowedTools: ['Bash(git add a,b)'] }).message).toMatch(/comma/);
  });

  it("refuses permissionMode 'delegate', naming the modes the CLI accepts", () => {
    const error = refusal({ permissionMode: 'delegate' });
    expect(error.field).toBe('permissionMode');
    expect(error.message).toMatch(/'delegate' is not a permission mode/);
    for (const mode of PERMISSION_MODES) expect(error.message).toContain(mode);
    expect(refusal({ permissionMode: 'yolo' }).message).toBe(
      `permissionMode: must be one of ${PERMISSION_MODES.join(', ')}`,
    );
  });

  it('refuses forkSession without a session to fork from', () => {
    const error = refusal({ forkSession: true });
    expect(error.field).toBe('forkSession');
    expect(error.message).toMatch(/resume or continueSession/);
    expect(resolveOptions({ forkSession: true, resume: 'abc' }).forkSession).toBe(true);
    expect(resolveOptions({ forkSession: true, continueSession: true }).forkSession).toBe(true);
  });

  it('refuses sessionId with resume or continueSession unless forking (the CLI refuses it too)', () => {
    const sessionId = '7f8a9c3e-2b1d-4e5f-8a6b-1c2d3e4f5a6b';
    expect(refusal({ sessionId, resume: 'abc' }).field).toBe('sessionId');
    expect(refusal({ sessionId, continueSession: true }).message).toMatch(/forkSession/);
    expect(resolveOptions({ sessionId, resume: 'abc', forkSession: true }).sessionId).toBe(sessionId);
  });

  it('refuses a non-object', () => {
    expect(refusal('opus').field).toBe('options');
  });

  it.each<[string, unknown]>([
    ['null', null],
    ['a string', 'opus'],
    ['an array', [{ model: 'opus' }]],
    ['a number', 3],
  ])('refuses %s instead of options, saying what it got', (what, options) => {
    expect(refusal(options).message).toBe(`options: must be an object of options, got ${what}`);
  });
});

describe('resolveOptions: unknown names are refused, with the nearest known one', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['a misspelt limit', { maxBudgetUSD: 0.01 }, 'maxBudgetUSD', 'did you mean maxBudgetUsd?'],
    ["the reference's snake_case", { max_turns: 3 }, 'max_turns', 'did you mean maxTurns?'],
    ['a typo', { modle: 'opus' }, 'modle', 'did you mean model?'],
    ['a toon field', { toon: { delimter: '|' } }, 'toon.delimter', 'did you mean delimiter?'],
    [
      'an MCP server field',
      { mcpServers: { db: { transport: 'http', url: 'https://x.example/mcp', header: {} } } },
      'mcpServers.db.header',
      'did you mean headers?',
    ],
  ])('%s', (_name, options, field, hint) => {
    const error = refusal(options);
    expect(error.field).toBe(field);
    expect(error.message).toContain(hint);
  });

  it('names the unknown option even when other fields are bad too', () => {
    expect(refusal({ model: '', maxBudgetUSD: 1 }).field).toBe('maxBudgetUSD');
  });

  it('refuses a name far from every option without a guess', () => {
    expect(refusal({ banana: 1 }).message).toBe('banana: unknown option');
  });

  it("refuses the reference's timeout, naming timeoutMs and its unit", () => {
    const error = refusal({ timeout: 300 });
    expect(error.field).toBe('timeout');
    expect(error.message).toMatch(/timeoutMs, in milliseconds/);
  });

  it('refuses onStderr in the options, pointing at the request host', () => {
    expect(refusal({ onStderr: () => {} }).message).toMatch(/^onStderr: moved .*host/);
  });

  it('refuses the removed verbose and toon.encodeToolResults, saying why', () => {
    expect(refusal({ verbose: true }).message).toMatch(/^verbose: removed: .*always/);
    expect(refusal({ toon: { encodeToolResults: true } }).message).toMatch(
      /^toon\.encodeToolResults: removed: the CLI runs the tools/,
    );
  });
});

describe('withoutRemovedOptions', () => {
  it('drops the removed names from stored options, so they resolve again', () => {
    const stored = { model: 'opus', verbose: false, toon: { delimiter: '|', encodeToolResults: true } };
    expect(() => resolveOptions(stored as CliAgentOptions)).toThrow(ConfigurationError);
    const upgraded = withoutRemovedOptions(stored);
    expect(upgraded).toEqual({ model: 'opus', toon: { delimiter: '|' } });
    expect(resolveOptions(upgraded as CliAgentOptions).toon.delimiter).toBe('|');
    expect(stored.verbose).toBe(false); // a copy
  });

  it('leaves options without them as they are', () => {
    expect(withoutRemovedOptions({ model: 'opus' })).toEqual({ model: 'opus' });
  });
});

describe('extraArgs', () => {
  it('accepts flags ccflow does not model, as --name or --name=value', () => {
    const args = ['--include-hook-events', '--name=my run', '--exclude-dynamic-system-prompt-sections'];
    expect(resolveOptions({ extraArgs: args }).extraArgs).toEqual(args);
  });

  it.each<[string, string, RegExp]>([
    ['an owned flag with a value', '--output-format=json', /--output-format is set by ccflow/],
    ['an owned flag', '--resume', /--resume is set by ccflow: use the resume option/],
    ['an owned flag, other spelling', '--allowed-tools=Bash', /set by ccflow: use the allowedTools option/],
    ['an owned flag, camelCase', '--allowedTools=Bash', /set by ccflow/],
    ['an owned flag, other case', '--Output-Format=json', /set by ccflow/],
    ['print', '--print', /set by ccflow/],
    ['verbose', '--verbose', /set by ccflow/],
    ['a dangerous flag', '--allow-dangerously-skip-permissions', /refused/],
    ['a flag that leaves print mode', '--bg', /refused/],
    ['a short flag', '-p', /not a flag/],
    ['a flag and its value as two elements', 'json', /not a flag/],
    ['the end of flags', '--', /not a flag/],
    ['a value with NUL', '--name=a\0b', /NUL/],
  ])('refuses %s (%s)', (_what, arg, reason) => {
    const error = refusal({ extraArgs: ['--include-hook-events', arg] });
    expect(error.field).toBe('extraArgs.1');
    expect(error.message).toMatch(reason);
  });

  it('is the schema that the error comes from', () => {
    expect(CliAgentOptionsSchema.safeParse({ model: '' }).success).toBe(false);
  });
});

describe('resumeSessionAt', () => {
  it('needs resume, and becomes --resume-session-at', async () => {
    const { buildCliLaunch } = await import('./cli-args.ts');
    expect(() => resolveOptions({ resumeSessionAt: 'u1' })).toThrow(/^resumeSessionAt: /);
    const options = resolveOptions({ resume: 's1', resumeSessionAt: '-u1', forkSession: true });
    const { args } = buildCliLaunch(options, { write: () => '/unused' });
    expect(args).toEqual(
      expect.arrayContaining(['--resume=s1', '--resume-session-at=-u1', '--fork-session']),
    );
  });
});
