import { describe, expect, it } from 'vitest';
import {
  BASE_CLI_ARGS,
  buildCliEnv,
  buildCliLaunch,
  DEFAULT_MAX_RETRIES,
  effectiveEffort,
  MAX_OUTPUT_TOKENS_ENV,
  MAX_RETRIES_ENV,
  mcpConfig,
  PARENT_SESSION_ENV,
} from './cli-args.ts';
import { ConfigurationError } from './errors.ts';
import { type CliAgentOptions, resolveOptions } from './options.ts';

/** What the launch wrote as private files, by name; their paths are `/private/<name>`. */
const written = new Map<string, string>();
const files = {
  write(name: string, content: string) {
    written.set(name, content);
    return `/private/${name}`;
  },
};
const launch = (options: CliAgentOptions = {}) => buildCliLaunch(resolveOptions(options), files);
const args = (options: CliAgentOptions = {}) => launch(options).args;
/** The arguments after the fixed base and the always-present `--setting-sources`. */
const extra = (options: CliAgentOptions = {}) =>
  args(options)
    .slice(BASE_CLI_ARGS.length)
    .filter((a) => a !== '--setting-sources=');

describe('buildCliLaunch', () => {
  it('always runs print mode with stream-json in and out, and reads no settings by default', () => {
    expect(args()).toEqual([
      '--print',
      '--output-format=stream-json',
      '--input-format=stream-json',
      '--verbose',
      '--setting-sources=',
    ]);
  });

  it('maps model, prompt and limit options to --flag=value', () => {
    expect(
      extra({
        model: 'opus',
        fallbackModel: 'sonnet',
        effort: 'low',
        betas: ['context-1m-2025-08-07'],
        systemPrompt: 'Be brief.',
        appendSystemPrompt: 'Answer in French.',
        permissionMode: 'acceptEdits',
        sessionId: '7f8a9c3e-2b1d-4e5f-8a6b-1c2d3e4f5a6b',
        maxTurns: 3,
        maxBudgetUsd: 0.5,
        agent: 'reviewer',
      }),
    ).toEqual([
      '--model=opus',
      '--fallback-model=sonnet',
      '--effort=low',
      '--betas=context-1m-2025-08-07',
      '--system-prompt-file=/private/system-prompt.txt',
      '--append-system-prompt-file=/private/append-system-prompt.txt',
      '--permission-mode=acceptEdits',
      '--agent=reviewer',
      '--session-id=7f8a9c3e-2b1d-4e5f-8a6b-1c2d3e4f5a6b',
      '--max-turns=3',
      '--max-budget-usd=0.5',
    ]);
  });

  it('maps boolean options to bare flags, only when true', () => {
    expect(
      extra({
        dangerouslySkipPermissions: true,
        strictMcp: true,
        resume: 'abc',
        forkSession: true,
        noSessionPersistence: true,
        includePartial: true,
      }),
    ).toEqual([
      '--dangerously-skip-permissions',
      '--strict-mcp-config',
      '--resume=abc',
      '--fork-session',
      '--no-session-persistence',
      '--include-partial-messages',
    ]);
    expect(extra({ continueSession: true })).toEqual(['--continue']);
    expect(
      extra({
        dangerouslySkipPermissions: false,
        strictMcp: false,
        noSessionPersistence: false,
        includePartial: false,
        debug: false,
      }),
    ).toEqual([]);
  });

  it('repeats list flags once per value, so a pattern with spaces stays one argument', () => {
    expect(
      extra({
        allowedTools: ['Bash(git *)', 'Read'],
        disallowedTools: ['Bash(rm -rf *)'],
        tools: ['Bash', 'Read'],
        addDirs: ['/data/my dir', '-odd'],
        betas: ['a', 'b'],
      }),
    ).toEqual([
      '--betas=a',
      '--betas=b',
      '--allowedTools=Bash(git *)',
      '--allowedTools=Read',
      '--disallowedTools=Bash(rm -rf *)',
      '--tools=Bash',
      '--tools=Read',
      '--add-dir=/data/my dir',
      '--add-dir=-odd',
    ]);
  });

  it('passes an empty tools list as --tools= (no tools at all), and empty allow lists not at all', () => {
    expect(extra({ tools: [] })).toEqual(['--tools=']);
    expect(extra({ allowedTools: [], disallowedTools: [], addDirs: [], betas: [] })).toEqual([]);
  });

  it('passes setting sources comma-joined, and none (empty) by default', () => {
    expect(args({ settingSources: ['user', 'project', 'local'] })).toContain(
      '--setting-sources=user,project,local',
    );
    expect(args({ settingSources: [] }).filter((a) => a.startsWith('--setting-sources'))).toEqual([
      '--setting-sources=',
    ]);
    expect(args().filter((a) => a.startsWith('--setting-sources'))).toEqual(['--setting-sources=']);
  });

  it('passes prompts, settings and agents as private files, the schema in initialize: never a value in argv', () => {
    expect(extra({ systemPrompt: 'Be brief.' })).toEqual(['--system-prompt-file=/private/system-prompt.txt']);
    expect(written.get('system-prompt.txt')).toBe('Be brief.');
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    expect(launch({ jsonSchema: schema })).toMatchObject({ initialize: { jsonSchema: schema } });
    expect(extra({ jsonSchema: schema })).toEqual([]);
    expect(launch({ jsonSchema: '{"type":"string"}' }).initialize).toEqual({
      jsonSchema: { type: 'string' },
    });
    expect(() => launch({ jsonSchema: '{not json' })).toThrow(/^jsonSchema: not JSON/);
    expect(launch({ model: 'opus' }).initialize).toBeUndefined();
    expect(extra({ settings: { env: { A: '1' } } })).toEqual(['--settings=/private/settings.json']);
    expect(written.get('settings.json')).toBe('{"env":{"A":"1"}}');
    expect(extra({ settings: ' {"env":{"B":"2"}}' })).toEqual(['--settings=/private/settings.json']);
    expect(written.get('settings.json')).toBe(' {"env":{"B":"2"}}');
    expect(extra({ settings: '/etc/ccflow/settings.json' })).toEqual([
      '--settings=/etc/ccflow/settings.json',
    ]);
    const agents = { reviewer: { description: 'Reviews code', prompt: 'You review code.', tools: ['Read'] } };
    expect(extra({ agents })).toEqual(['--agents=/private/agents.json']);
    expect(JSON.parse(written.get('agents.json')!)).toEqual(agents);
  });

  it('passes MCP servers as one --mcp-config JSON document, in a private file', () => {
    const out = extra({
      mcpServers: {
        fs: { command: 'npx', args: ['-y', '@mcp/fs'], env: { ROOT: '/data' } },
        events: {
          transport: 'sse',
          url: 'http://127.0.0.1:9000/sse',
          headers: { Authorization: 'Bearer x' },
        },
        api: { transport: 'http', url: 'https://mcp.example.com/mcp' },
      },
    });
    expect(out).toHaveLength(1);
    expect(out).toEqual(['--mcp-config=/private/mcp-config.json']);
    expect(JSON.parse(written.get('mcp-config.json')!)).toEqual({
      mcpServers: {
        fs: { type: 'stdio', command: 'npx', args: ['-y', '@mcp/fs'], env: { ROOT: '/data' } },
        events: { type: 'sse', url: 'http://127.0.0.1:9000/sse', headers: { Authorization: 'Bearer x' } },
        api: { type: 'http', url: 'https://mcp.example.com/mcp', headers: {} },
      },
    });
    expect(extra({ mcpServers: {} })).toEqual([]);
  });

  it('builds the mcp document with defaults applied', () => {
    expect(mcpConfig(resolveOptions({ mcpServers: { x: { command: 'srv' } } }).mcpServers!)).toEqual({
      mcpServers: { x: { type: 'stdio', command: 'srv', args: [], env: {} } },
    });
  });

  it('sends debug output to stderr, with or without a filter', () => {
    expect(extra({ debug: true })).toEqual(['--debug', '--debug-to-stderr']);
    expect(extra({ debug: '!hooks,!mcp' })).toEqual(['--debug=!hooks,!mcp', '--debug-to-stderr']);
  });

  it('passes extraArgs last, as given', () => {
    const all = args({ model: 'opus', extraArgs: ['--include-hook-events', '--name=a --bare b'] });
    expect(all.slice(-2)).toEqual(['--include-hook-events', '--name=a --bare b']);
    expect(all).toContain('--model=opus');
  });

  it('maps ultrathink to xhigh effort, keeping max', () => {
    expect(extra({ ultrathink: true })).toEqual(['--effort=xhigh']);
    expect(extra({ ultrathink: true, effort: 'low' })).toEqual(['--effort=xhigh']);
    expect(extra({ ultrathink: true, effort: 'max' })).toEqual(['--effort=max']);
    expect(effectiveEffort({ ultrathink: false, effort: 'medium' })).toBe('medium');
    expect(effectiveEffort({ ultrathink: false })).toBeUndefined();
  });

  it('never lets a value become a flag: each value shares one argument with its flag', () => {
    const nasty = [
      '-rf --model=x',
      '--dangerously-skip-permissions',
      '--',
      'a "quoted" \'value\'',
      'line1\nline2',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal ${...} is the point
      '$(rm -rf /) `id` ${HOME}',
      '',
    ];
    for (const s of nasty) {
      const out = extra({ model: s || 'm', fallbackModel: s || 'f', addDirs: [s || 'd'] });
      expect(out).toEqual([`--model=${s || 'm'}`, `--fallback-model=${s || 'f'}`, `--add-dir=${s || 'd'}`]);
    }
    // Every argument is a flag (starts with --): nothing stands alone for the CLI to read as a value or prompt.
    const all = args({
      model: '-x',
      systemPrompt: '-y',
      allowedTools: ['-z'],
      settings: '-s',
      debug: '-d',
      resume: '-r',
      agent: '-a',
      settingSources: ['user'],
    });
    for (const a of all) expect(a.startsWith('--')).toBe(true);
    // The CLI scans raw argv for `--bare` and `--safe-mode` before parsing: a value must never be such an element.
    expect(args({ model: '--bare', fallbackModel: '--safe-mode', addDirs: ['--bare'] })).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^--(bare|safe-mode)$/)]),
    );
  });

  it('refuses values the OS cannot pass (NUL), naming the field', () => {
    expect(() => args({ model: 'a\0b' })).toThrow(ConfigurationError);
    expect(() => args({ model: 'a\0b' })).toThrow(/^model: /);
    expect(() => args({ allowedTools: ['Read', 'Bash(\0)'] })).toThrow(/^allowedTools\.1: /);
  });
});

describe('buildCliEnv', () => {
  it('puts options.env over the parent environment', () => {
    const env = buildCliEnv(resolveOptions({ env: { A: 'mine', C: '3' } }), {
      A: 'parent',
      B: '2',
      U: undefined,
    });
    expect(env).toEqual({ A: 'mine', B: '2', C: '3', CLAUDE_CODE_MAX_RETRIES: '2' });
  });

  it('drops the parent Claude Code session markers, CLAUDECODE among them, even from options.env', () => {
    const parent = Object.fromEntries(PARENT_SESSION_ENV.map((k) => [k, '1']));
    const env = buildCliEnv(resolveOptions({ env: { CLAUDECODE: '1' } }), { ...parent, PATH: '/bin' });
    expect(env).toEqual({ PATH: '/bin', CLAUDE_CODE_MAX_RETRIES: '2' });
    expect(PARENT_SESSION_ENV).toContain('CLAUDECODE');
  });

  it('sets maxTokens and maxRetries as the CLI variables, over parent and options.env', () => {
    const env = buildCliEnv(
      resolveOptions({ maxTokens: 1234, maxRetries: 0, env: { [MAX_OUTPUT_TOKENS_ENV]: '1' } }),
      { [MAX_RETRIES_ENV]: '10' },
    );
    expect(env).toEqual({ CLAUDE_CODE_MAX_OUTPUT_TOKENS: '1234', CLAUDE_CODE_MAX_RETRIES: '0' });
    expect(buildCliEnv(resolveOptions({}), { [MAX_RETRIES_ENV]: '10' })).toEqual({
      CLAUDE_CODE_MAX_RETRIES: '10',
    });
  });

  it('turns file checkpointing on with its variable (rewindFiles needs it), only when asked', () => {
    const on = buildCliEnv(resolveOptions({ enableFileCheckpointing: true }), {});
    expect(on.CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING).toBe('true');
    const off = buildCliEnv(resolveOptions({ enableFileCheckpointing: false }), {});
    expect(off.CLAUDE_CODE_ENABLE_SDK_FILE_CHECKPOINTING).toBeUndefined();
  });

  it('asks the CLI for 2 retries when neither the option nor the environment says', () => {
    expect(buildCliEnv(resolveOptions({}), {})).toEqual({
      CLAUDE_CODE_MAX_RETRIES: String(DEFAULT_MAX_RETRIES),
    });
    expect(DEFAULT_MAX_RETRIES).toBe(2);
  });

  it('uses process.env as the parent by default', () => {
    expect(buildCliEnv(resolveOptions({})).PATH).toBe(process.env.PATH);
  });

  it('refuses variable names the OS cannot pass', () => {
    expect(() => buildCliEnv(resolveOptions({ env: { 'A=B': '1' } }), {})).toThrow(/^env\.A=B: /);
    expect(() => buildCliEnv(resolveOptions({ env: { A: '\0' } }), {})).toThrow(ConfigurationError);
  });
});
