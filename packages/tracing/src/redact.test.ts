import { describe, expect, it } from 'vitest';
import { REDACTED, redactOptions, redactValue } from './redact.ts';

describe('redactOptions', () => {
  it('keeps the names of env variables and hides their values', () => {
    const out = redactOptions({ model: 'sonnet', env: { ANTHROPIC_API_KEY: 'sk-ant-x', DEBUG: '1' } });
    expect(out).toEqual({ model: 'sonnet', env: { ANTHROPIC_API_KEY: REDACTED, DEBUG: REDACTED } });
  });

  it('hides settings.env and the env and headers of MCP servers', () => {
    const out = redactOptions({
      settings: { env: { GITHUB_TOKEN: 'ghp_1' }, theme: 'dark' },
      mcpServers: {
        db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'], env: { DB_URL: 'postgres://u:p@h/db' } },
        web: { transport: 'http', url: 'https://mcp.example', headers: { 'X-Custom': 'abc' } },
      },
    });
    expect(out).toEqual({
      settings: { env: { GITHUB_TOKEN: REDACTED }, theme: 'dark' },
      mcpServers: {
        db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'], env: { DB_URL: REDACTED } },
        web: { transport: 'http', url: 'https://mcp.example', headers: { 'X-Custom': REDACTED } },
      },
    });
  });

  it('hides values under keys naming a credential, at any depth and in any case', () => {
    const out = redactValue({
      apiKey: 'a',
      API_KEY: 'b',
      'x-api-key': 'c',
      nested: { deeper: [{ authToken: 'd', Password: 'e', clientSecret: { v: 'f' } }] },
      Authorization: 'Bearer g',
      cookie: 'h',
      refresh_token: 'i',
    });
    expect(JSON.stringify(out)).not.toMatch(/"[a-i]"|Bearer g/);
    expect(out).toMatchObject({ apiKey: REDACTED, nested: { deeper: [{ clientSecret: { v: REDACTED } }] } });
  });

  it('does not mistake token limits for tokens', () => {
    expect(redactOptions({ maxTokens: 1000, maxBudgetUsd: 1 })).toEqual({ maxTokens: 1000, maxBudgetUsd: 1 });
  });

  it('hides Anthropic keys and bearer tokens inside any string', () => {
    const out = redactOptions({
      systemPrompt: 'use key sk-ant-api03-AbC_d-9 please',
      appendSystemPrompt: 'header: Bearer abc.def',
      allowedTools: ['Bash(curl -H sk-ant-zzz)'],
    });
    expect(JSON.stringify(out)).not.toMatch(/sk-ant-|abc\.def/);
    expect(out.systemPrompt).toBe(`use key ${REDACTED} please`);
  });

  it('drops functions, is JSON-safe, and leaves the input alone', () => {
    const input = { onStderr: () => {}, timeoutMs: 5, env: { K: 'v' }, at: new Date(0) };
    const out = redactOptions(input);
    expect(out).toEqual({ timeoutMs: 5, env: { K: REDACTED }, at: '1970-01-01T00:00:00.000Z' });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    expect(input.env.K).toBe('v');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactValue(a)).toEqual({ name: 'a' });
  });
});
