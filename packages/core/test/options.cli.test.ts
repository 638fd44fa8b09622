import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ClaudeRun,
  ClaudeSandbox,
  MessagesApiStandIn,
  type RecordedRequest,
  type Responder,
  reply,
} from '@ccflow/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCliEnv, buildCliLaunch } from '../src/cli-args.ts';
import { type CliAgentOptions, resolveOptions } from '../src/options.ts';
import { PrivateFiles } from '../src/private-files.ts';

// Every CliAgentOptions field, checked against the real `claude` (2.1.331) and what it sent to the Messages API
// stand-in. 13 runs of the CLI, one per describe block's beforeAll (session runs share a sandbox on purpose).
// The sandbox holds user and project settings, CLAUDE.md files and MCP servers that a run only sees when it asks
// for those setting sources: every other run proves that the default is none.

let api: MessagesApiStandIn;
let box: ClaudeSandbox;

const SETTINGS_MODELS = ['claude-from-user-settings', 'claude-from-local-settings'];

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
  // user source: settings, CLAUDE.md, user-scope MCP servers (~/.claude.json, here under CLAUDE_CONFIG_DIR)
  writeFileSync(join(box.configDir, 'settings.json'), JSON.stringify({ model: SETTINGS_MODELS[0] }));
  writeFileSync(join(box.configDir, 'CLAUDE.md'), 'USER-MEMORY-MARK');
  writeFileSync(
    join(box.configDir, '.claude.json'),
    JSON.stringify({
      mcpServers: { userscope: { type: 'stdio', command: '/nonexistent/user-mcp', args: [] } },
    }),
  );
  // project source: CLAUDE.md and .mcp.json; local source: .claude/settings.local.json
  writeFileSync(join(box.cwd, 'CLAUDE.md'), 'PROJECT-MEMORY-MARK');
  writeFileSync(
    join(box.cwd, '.mcp.json'),
    JSON.stringify({
      mcpServers: { projscope: { type: 'stdio', command: '/nonexistent/proj-mcp', args: [] } },
    }),
  );
  mkdirSync(join(box.cwd, '.claude'));
  writeFileSync(
    join(box.cwd, '.claude', 'settings.local.json'),
    JSON.stringify({ model: SETTINGS_MODELS[1] }),
  );
});

afterAll(async () => {
  box?.close();
  await api?.close();
});

interface CliRun {
  run: ClaudeRun;
  lines: any[];
  init: any;
  result: any;
  /** The Messages API requests of this run. */
  requests: RecordedRequest[];
  /** Its other requests to the stand-in (MCP servers pointed at it). */
  others: RecordedRequest[];
  /** The argv and per-option environment the CLI got. */
  args: string[];
  env: Record<string, string>;
}

/**
 * Runs the real CLI the way the executor does: `buildCliLaunch` for argv (and private files, and the `initialize`
 * request on stdin before the prompt), one stream-json user line on stdin,
 * `buildCliEnv` for the environment (with an empty parent: the sandbox supplies the isolated base), `cwd`.
 */
async function runCli(
  options: CliAgentOptions,
  replies: Responder[],
  extra: { prompt?: string; parentEnv?: Record<string, string>; rawEnv?: Record<string, string> } = {},
): Promise<CliRun> {
  const resolved = resolveOptions(options);
  const files = new PrivateFiles();
  const { args, initialize } = buildCliLaunch(resolved, files);
  const env = buildCliEnv(resolved, extra.parentEnv ?? {});
  const from = api.requests.length;
  api.enqueue(...replies);
  const init = initialize && {
    type: 'control_request',
    request_id: 'init',
    request: { subtype: 'initialize', ...initialize },
  };
  const user = { type: 'user', message: { role: 'user', content: extra.prompt ?? 'hi' } };
  const run = await box
    .run(args, {
      stdin: [...(init ? [init] : []), user].map((l) => `${JSON.stringify(l)}\n`).join(''),
      env: { ...env, ...extra.rawEnv },
      cwd: resolved.cwd,
    })
    .finally(() => files.remove());
  const requests = api.requests.slice(from).filter((r) => r.path === '/v1/messages');
  const others = api.requests
    .slice(from)
    .filter((r) => r.path !== '/v1/messages' && !r.path.startsWith('/v1/'));
  api.reset(); // drop replies a failed run left queued
  const lines = run.lines as any[];
  const initMessage = lines.find((l) => l?.type === 'system' && l.subtype === 'init');
  const results = lines.filter((l) => l?.type === 'result');
  expect(results.length, run.stderr).toBeLessThanOrEqual(1);
  return { run, lines, init: initMessage, result: results[0], requests, others, args, env };
}

function systemText(request: RecordedRequest): string {
  const system = request.body.system;
  return typeof system === 'string' ? system : system.map((b: any) => b.text).join('\n');
}

function toolNames(request: RecordedRequest): string[] {
  return (request.body.tools ?? []).map((t: any) => t.name);
}

/** Text of the tool results the CLI sent back, in order. */
function toolResults(r: CliRun): string[] {
  return r.lines
    .filter((l) => l.type === 'user')
    .flatMap((l) => l.message.content)
    .filter((b: any) => b.type === 'tool_result')
    .map((b: any) => (typeof b.content === 'string' ? b.content : JSON.stringify(b.content)));
}

const bash = (command: string) => reply.toolUse('Bash', { command, description: 'test step' });

function expectSuccess(r: CliRun): void {
  expect(r.run.exitCode, r.run.stderr).toBe(0);
  expect(r.result).toMatchObject({ subtype: 'success', is_error: false });
}

/** No settings source was read: none of the planted settings, memories or MCP servers shows. */
function expectNoSettingSources(r: CliRun): void {
  expect(SETTINGS_MODELS).not.toContain(r.init.model);
  expect(r.init.mcp_servers.map((s: any) => s.name)).not.toEqual(expect.arrayContaining(['userscope']));
  expect(r.init.mcp_servers.map((s: any) => s.name)).not.toEqual(expect.arrayContaining(['projscope']));
  const sent = JSON.stringify(r.requests[0]!.body);
  expect(sent).not.toContain('USER-MEMORY-MARK');
  expect(sent).not.toContain('PROJECT-MEMORY-MARK');
}

// Values that would break a shell or read as flags in their own argv element. The CLI scans raw argv for
// `--bare` before parsing: `--append-system-prompt --bare` (two elements) switches bare mode on (3 tools, a
// minimal system prompt); `--append-system-prompt=--bare` does not.
const NASTY_SYSTEM = `-rf --model=claude-evil "double" 'single' $(echo pwned) \`id\`\nsecond line --verbose`;
const NASTY_APPEND = '--bare';

describe('model, prompt, output and process options', () => {
  const cwd = () => join(box.root, 'work dir');
  const addDir = () => join(box.root, 'extra dir,with comma');
  const sessionId = '1d7c3e55-0a4b-4c11-9e2f-6b8a1c2d3e4f';
  let r: CliRun;

  beforeAll(async () => {
    mkdirSync(cwd());
    mkdirSync(addDir());
    r = await runCli(
      {
        model: 'claude-ccflow-model',
        fallbackModel: 'claude-ccflow-fallback',
        effort: 'low',
        maxTokens: 1234,
        betas: ['context-1m-2025-08-07'],
        systemPrompt: NASTY_SYSTEM,
        appendSystemPrompt: NASTY_APPEND,
        permissionMode: 'acceptEdits',
        sessionId,
        noSessionPersistence: true,
        cwd: cwd(),
        addDirs: [addDir()],
        includePartial: true,
        debug: true,
      },
      [reply.text('first run done')],
    );
  });

  it('runs: exit 0, a success result (fallbackModel accepted)', () => {
    expectSuccess(r);
    expect(r.args).toContain('--fallback-model=claude-ccflow-fallback');
    expect(r.args).toContain('--verbose');
  });

  it('model → init model and request body.model', () => {
    expect(r.init.model).toBe('claude-ccflow-model');
    expect(r.requests.map((q) => q.body.model)).toEqual(['claude-ccflow-model']);
  });

  it('systemPrompt reaches body.system verbatim (a value starting with - and full of shell syntax)', () => {
    expect(systemText(r.requests[0]!)).toContain(NASTY_SYSTEM);
  });

  it('appendSystemPrompt is appended after it; its value `--bare` does not switch bare mode on', () => {
    const text = systemText(r.requests[0]!);
    expect(text).toContain(`${NASTY_SYSTEM}\n\n${NASTY_APPEND}`);
    expect(r.init.tools).toEqual(expect.arrayContaining(['Bash', 'Read', 'Write', 'WebFetch']));
  });

  it('effort → request output_config.effort', () => {
    expect(r.requests[0]!.body.output_config).toMatchObject({ effort: 'low' });
  });

  it('maxTokens → CLAUDE_CODE_MAX_OUTPUT_TOKENS → request max_tokens', () => {
    expect(r.env).toMatchObject({ CLAUDE_CODE_MAX_OUTPUT_TOKENS: '1234' });
    expect(r.requests[0]!.body.max_tokens).toBe(1234);
  });

  it('betas → anthropic-beta header', () => {
    expect(r.requests[0]!.headers['anthropic-beta']!.split(',')).toContain('context-1m-2025-08-07');
  });

  it('permissionMode → init permissionMode', () => {
    expect(r.init.permissionMode).toBe('acceptEdits');
  });

  it('cwd → init cwd; addDirs → init additional_directories (a path with a space and a comma stays one)', () => {
    expect(r.init.cwd).toBe(cwd());
    expect(r.init.additional_directories).toEqual([addDir()]);
  });

  it('sessionId → init session_id; noSessionPersistence → no transcript', () => {
    expect(r.init.session_id).toBe(sessionId);
    expect(r.result.session_id).toBe(sessionId);
    expect(existsSync(box.sessionFile(sessionId, cwd()))).toBe(false);
  });

  it('includePartial → stream_event lines', () => {
    const events = r.lines.filter((l) => l.type === 'stream_event');
    expect(events.length).toBeGreaterThan(0);
    expect(events.some((e) => e.event?.delta?.type === 'text_delta')).toBe(true);
  });

  it('debug → debug log on stderr; stdout stays NDJSON', () => {
    expect(r.run.stderr).toContain('[DEBUG]');
    expect(r.run.lines.every((l) => typeof l === 'object' && l !== null)).toBe(true);
  });
});

describe('tools and allowedTools', () => {
  let r: CliRun;

  beforeAll(async () => {
    r = await runCli({ tools: ['Bash', 'Read'], allowedTools: ['Bash(touch *)'] }, [
      bash('touch made-by-touch'),
      bash('mkdir made-by-mkdir'),
      reply.text('done'),
    ]);
  });

  it('tools → only those tools in init and in the request', () => {
    expectSuccess(r);
    expect(r.init.tools).toEqual(['Bash', 'Read']);
    const names = toolNames(r.requests[0]!);
    expect(names).toEqual(expect.arrayContaining(['Bash', 'Read']));
    for (const absent of ['Write', 'Edit', 'Agent', 'Skill']) expect(names).not.toContain(absent);
  });

  it('allowedTools `Bash(touch *)` stays one rule: touch runs, mkdir is denied', () => {
    expect(existsSync(join(box.cwd, 'made-by-touch'))).toBe(true);
    expect(existsSync(join(box.cwd, 'made-by-mkdir'))).toBe(false);
    expect(r.result.permission_denials.map((d: any) => d.tool_input.command)).toEqual([
      'mkdir made-by-mkdir',
    ]);
  });

  it('settingSources default: no user, project or local settings, CLAUDE.md or MCP servers', () => {
    expectNoSettingSources(r);
    expect(r.args).toContain('--setting-sources=');
  });
});

describe('disallowedTools, env and settings', () => {
  let r: CliRun;
  const probe = `spaces "quotes" $(not run) 'single'`;

  beforeAll(async () => {
    r = await runCli(
      {
        allowedTools: ['Bash'],
        disallowedTools: ['Bash(rm *)', 'Write'],
        env: { CCFLOW_PROBE: probe },
        settings: { env: { CCFLOW_FROM_SETTINGS: 'from-settings' } },
      },
      [
        bash('printenv CCFLOW_PROBE CCFLOW_FROM_SETTINGS'),
        bash('touch made-in-r3'),
        bash('rm -f made-in-r3'),
        reply.text('done'),
      ],
      { parentEnv: { CLAUDECODE: '1', CLAUDE_CODE_SESSION_ID: '2e1d4c3b-5a69-4788-9a0b-1c2d3e4f5061' } },
    );
  });

  it('env → reaches the CLI and its tools; settings (object) → its env too', () => {
    expectSuccess(r);
    expect(toolResults(r)[0]).toBe(`${probe}\nfrom-settings`);
  });

  it('CLAUDECODE and the other parent-session markers are dropped from the environment', () => {
    expect(r.env).not.toHaveProperty('CLAUDECODE');
    expect(r.env).not.toHaveProperty('CLAUDE_CODE_SESSION_ID');
  });

  it('disallowedTools `Bash(rm *)` stays one rule: Bash runs touch, rm is denied', () => {
    expect(r.result.permission_denials.map((d: any) => d.tool_input.command)).toEqual(['rm -f made-in-r3']);
    expect(existsSync(join(box.cwd, 'made-in-r3'))).toBe(true);
  });

  it('disallowedTools `Write` → gone from init tools and the request', () => {
    expect(r.init.tools).toContain('Bash');
    expect(r.init.tools).not.toContain('Write');
    expect(toolNames(r.requests[0]!)).not.toContain('Write');
  });
});

describe('sessions: sessionId, resume + forkSession, continueSession', () => {
  const first = 'a1b2c3d4-0000-4000-8000-000000000001';
  const fork = 'a1b2c3d4-0000-4000-8000-000000000002';
  let r1: CliRun;
  let r2: CliRun;
  let r3: CliRun;
  let firstSize: number;

  beforeAll(async () => {
    // `ultrathink` typed in the prompt: documents that the keyword alone does not raise the effort here.
    r1 = await runCli({ sessionId: first }, [reply.text('FIRST-REPLY')], {
      prompt: 'ultrathink: FIRST-PROMPT',
    });
    firstSize = statSync(box.sessionFile(first)).size;
    r2 = await runCli({ resume: first, forkSession: true, sessionId: fork }, [reply.text('FORK-REPLY')], {
      prompt: 'FORK-PROMPT',
    });
    r3 = await runCli({ continueSession: true }, [reply.text('CONTINUE-REPLY')], {
      prompt: 'CONTINUE-PROMPT',
    });
  });

  const sent = (r: CliRun) => JSON.stringify(r.requests[0]!.body.messages);

  it('sessionId → init session_id and a transcript at that id', () => {
    expectSuccess(r1);
    expect(r1.init.session_id).toBe(first);
    expect(existsSync(box.sessionFile(first))).toBe(true);
  });

  it('the ultrathink keyword in a prompt only adds a reminder: the effort stays the default', () => {
    expect(r1.init.ultrathink_available).toBe(false);
    expect(r1.requests[0]!.body.output_config.effort).not.toBe('xhigh');
    expect(sent(r1)).toContain('The user included the keyword \\"ultrathink\\"');
  });

  it('resume + forkSession + sessionId → the fork has the chosen id and carries the first run’s messages', () => {
    expectSuccess(r2);
    expect(r2.init.session_id).toBe(fork);
    expect(sent(r2)).toContain('FIRST-PROMPT');
    expect(sent(r2)).toContain('FIRST-REPLY');
    expect(existsSync(box.sessionFile(fork))).toBe(true);
    expect(statSync(box.sessionFile(first)).size).toBe(firstSize); // the original is left alone
  });

  it('continueSession → continues the most recent session in cwd (the fork)', () => {
    expectSuccess(r3);
    expect(r3.init.session_id).toBe(fork);
    expect(sent(r3)).toContain('FORK-PROMPT');
    expect(sent(r3)).toContain('FIRST-REPLY');
  });
});

describe('ultrathink, jsonSchema, dangerouslySkipPermissions, agents and agent', () => {
  let r: CliRun;
  const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };

  beforeAll(async () => {
    r = await runCli(
      {
        ultrathink: true,
        jsonSchema: schema,
        dangerouslySkipPermissions: true,
        agents: { reviewer: { description: 'Reviews code', prompt: 'REVIEWER-AGENT-PROMPT' } },
        agent: 'reviewer',
      },
      [reply.structured({ answer: 4 })],
    );
  });

  it('ultrathink → request output_config.effort xhigh', () => {
    expectSuccess(r);
    expect(r.requests[0]!.body.output_config).toMatchObject({ effort: 'xhigh' });
  });

  it('jsonSchema (object) → StructuredOutput tool in the request, structured_output on the result', () => {
    expect(toolNames(r.requests[0]!)).toContain('StructuredOutput');
    expect(r.result.structured_output).toEqual({ answer: 4 });
  });

  it('dangerouslySkipPermissions → init permissionMode bypassPermissions', () => {
    expect(r.init.permissionMode).toBe('bypassPermissions');
  });

  it('agents → init agents; agent → its prompt becomes the system prompt', () => {
    expect(r.init.agents).toContain('reviewer');
    expect(systemText(r.requests[0]!)).toContain('REVIEWER-AGENT-PROMPT');
  });
});

describe('limits: maxTurns, maxBudgetUsd, maxRetries, fallbackModel', () => {
  let turns: CliRun;
  let budget: CliRun;
  let retries: CliRun;
  let fallback: CliRun;

  beforeAll(async () => {
    // Raw CLAUDECODE=1 (not dropped): 2.1.331 starts anyway; earlier versions refused to.
    turns = await runCli({ maxTurns: 1, allowedTools: ['Bash'] }, [bash('true'), reply.text('never')], {
      rawEnv: { CLAUDECODE: '1' },
    });
    budget = await runCli({ maxBudgetUsd: 0.0001, settings: '{"model":"claude-from-settings-flag"}' }, [
      reply.text('too expensive'),
    ]);
    retries = await runCli({ maxRetries: 1 }, [reply.overloaded(), reply.text('after one retry')]);
    // The CLI falls back after 3 overloaded answers in a row, so it needs 2 retries.
    const byModel: Responder = (q) =>
      q.body.model === 'claude-main-model' ? reply.overloaded() : reply.text(`answered by ${q.body.model}`);
    fallback = await runCli(
      { model: 'claude-main-model', fallbackModel: 'claude-fallback-model', maxRetries: 3 },
      Array(6).fill(byModel),
    );
  });

  it('maxTurns → --max-turns (hidden flag) → error_max_turns, exit 1', () => {
    expect(turns.init).toBeDefined(); // started despite CLAUDECODE=1
    expect(turns.run.exitCode).toBe(1);
    expect(turns.result).toMatchObject({ subtype: 'error_max_turns', is_error: true });
    expect(turns.requests).toHaveLength(1);
  });

  it('maxBudgetUsd → error_max_budget_usd, exit 1; settings (JSON string) → init model', () => {
    expect(budget.run.exitCode).toBe(1);
    expect(budget.result).toMatchObject({ subtype: 'error_max_budget_usd', is_error: true });
    expect(budget.init.model).toBe('claude-from-settings-flag');
  });

  it('maxRetries → CLAUDE_CODE_MAX_RETRIES: a 529 is retried once, then success', () => {
    expectSuccess(retries);
    const retryLines = retries.lines.filter((l) => l.type === 'system' && l.subtype === 'api_retry');
    expect(retryLines).toHaveLength(1);
    expect(retryLines[0]).toMatchObject({ attempt: 1, max_retries: 1, error_status: 529 });
    expect(retries.result.result).toBe('after one retry');
  });

  it('fallbackModel → after repeated 529s the CLI asks the fallback model', () => {
    expectSuccess(fallback);
    const models = fallback.requests.map((q) => q.body.model);
    expect(models.at(-1)).toBe('claude-fallback-model');
    expect(models.slice(0, -1).every((m) => m === 'claude-main-model')).toBe(true);
    expect(fallback.lines.some((l) => l.type === 'system' && l.subtype === 'model_fallback')).toBe(true);
    expect(fallback.result.result).toBe('answered by claude-fallback-model');
  });
});

describe('mcpServers, strictMcp and settingSources', () => {
  let withUser: CliRun;
  let strict: CliRun;

  beforeAll(async () => {
    withUser = await runCli(
      {
        settingSources: ['user'],
        mcpServers: {
          local: { command: '/nonexistent/mcp-server', args: ['--flag', 'a b'], env: { K: 'v' } },
          events: { transport: 'sse', url: `${api.url}/sse`, headers: { 'X-Ccflow': 'sse-header' } },
          remote: { transport: 'http', url: `${api.url}/mcp` },
        },
      },
      [reply.text('done')],
    );
    strict = await runCli(
      {
        settingSources: ['project', 'local'],
        strictMcp: true,
        mcpServers: { only: { command: '/nonexistent/only-server' } },
      },
      [reply.text('done')],
    );
  });

  it('mcpServers (stdio, sse, http) → init mcp_servers lists them (failed: nothing serves them)', () => {
    expectSuccess(withUser);
    const servers = Object.fromEntries(withUser.init.mcp_servers.map((s: any) => [s.name, s]));
    for (const name of ['local', 'events', 'remote']) {
      expect(servers[name]).toMatchObject({ status: 'failed', source: 'dynamic' });
    }
    // the remote ones were tried, with their headers
    expect(withUser.others.find((q) => q.path === '/sse')?.headers['x-ccflow']).toBe('sse-header');
    expect(withUser.others.some((q) => q.path === '/mcp')).toBe(true);
  });

  it('settingSources [user] → user settings, CLAUDE.md and MCP servers load; project ones do not', () => {
    expect(withUser.init.model).toBe('claude-from-user-settings');
    expect(withUser.init.mcp_servers.map((s: any) => s.name)).toContain('userscope');
    expect(withUser.init.mcp_servers.map((s: any) => s.name)).not.toContain('projscope');
    const sent = JSON.stringify(withUser.requests[0]!.body);
    expect(sent).toContain('USER-MEMORY-MARK');
    expect(sent).not.toContain('PROJECT-MEMORY-MARK');
  });

  it('strictMcp → only mcpServers, though the project source with .mcp.json is loaded', () => {
    expectSuccess(strict);
    expect(strict.init.mcp_servers.map((s: any) => s.name)).toEqual(['only']);
    expect(strict.init.model).toBe('claude-from-local-settings'); // local source loaded
    const sent = JSON.stringify(strict.requests[0]!.body);
    expect(sent).toContain('PROJECT-MEMORY-MARK'); // project source loaded
    expect(sent).not.toContain('USER-MEMORY-MARK');
  });
});
