import { describe, expect, it } from 'vitest';
import { ConfigurationError } from './errors.ts';
import { resolveOptions } from './options.ts';
import { REDACTED, Redactor } from './redaction.ts';

const R = REDACTED;
/** A redactor knowing no process environment. */
const redactor = (options = {}, env: Record<string, string> = {}) => new Redactor(options, env);

describe('Redactor.text: secret shapes', () => {
  const text = (s: string) => redactor().text(s);

  it.each([
    ['use key sk-ant-api03-AbC_d-9 please', `use key ${R} please`],
    ['OPENAI=sk-proj-abcdefghijklmnopqrstuvwxyz12', `OPENAI=${R}`],
    ['gh token ghp_0123456789abcdefghijklmnopqrstuvwxyz', `gh token ${R}`],
    ['aws AKIAIOSFODNN7EXAMPLE here', `aws ${R} here`],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig_nature', `jwt ${R}`],
    ['-H "Authorization: Bearer abc.def-123"', `-H "Authorization: Bearer ${R}"`],
    ["curl -H 'Authorization: Basic dXNlcjpwYXNz' x", `curl -H 'Authorization: Basic ${R}' x`],
    ['X-Api-Key: k3y-value\nnext', `X-Api-Key: ${R}\nnext`],
    ['Cookie: sid=abc; theme=dark\n', `Cookie: ${R}\n`],
    ['sent bearer 0123456789abcdef', `sent bearer ${R}`],
    ['dsn postgres://alice:s3cr3t@db.example:5432/app', `dsn postgres://alice:${R}@db.example:5432/app`],
    ['server --api-key=abc123 --port 1', `server --api-key=${R} --port 1`],
    ['server --auth-token abc123', `server --auth-token ${R}`],
    [
      '{"api_key": "k-1", "clientSecret":"c\\"2", "name": "n"}',
      `{"api_key": "${R}", "clientSecret":"${R}", "name": "n"}`,
    ],
    ['GITHUB_TOKEN=ghx1\nDB_PASS="a b"\nPGPASSWORD=pw', `GITHUB_TOKEN=${R}\nDB_PASS=${R}\nPGPASSWORD=${R}`],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nok', `${R}\nok`],
    ['cut -----BEGIN PRIVATE KEY-----\nMIIE', `cut ${R}`],
  ])('%j', (input, expected) => {
    expect(text(input)).toBe(expected);
  });

  it.each([
    'maxTokens: 1000, max_tokens=5, CLAUDE_CODE_MAX_OUTPUT_TOKENS=4096',
    '--max-tokens 100 --bypass x --tokenizer y',
    'BYPASS=1 SECRETARY=Bob TOKENS=3',
    '{"input_tokens": 5, "tokenizer": "cl100k", "secretary": "Bob"}',
    'https://example.com:8080/path?q=1 and git@github.com:org/repo.git',
    'The bearer of bad news, a token gesture, a secret garden.',
    'const token = getToken(); interface A { password: string }',
  ])('leaves alone %j', (input) => {
    expect(text(input)).toBe(input);
  });

  it('has two groups per rule, so each rule keeps its prefix', () => {
    expect(text('a=1 TOKEN=x b')).toBe(`a=1 TOKEN=${R} b`);
    expect(text('https://u:p@h Bearer 0123456789')).toBe(`https://u:${R}@h Bearer ${R}`);
  });
});

describe('Redactor: known secrets', () => {
  it('replaces the values of options.env, settings.env, MCP env, headers, credential args and URL passwords anywhere', () => {
    const r = redactor({
      env: { MY_VALUE: 'opt-env-value-1', DEBUG: '1', LEVEL: 'verbose' },
      settings: JSON.stringify({ env: { S: 'settings-env-value' }, theme: 'dark' }),
      mcpServers: {
        db: {
          command: 'db',
          args: ['--api-key=mcp-arg-value', '--token', 'mcp-separate-value'],
          env: { E: 'mcp-env-value' },
        },
        web: {
          transport: 'http',
          url: 'https://u:url-password-value@mcp.example',
          headers: { 'X-Custom': 'mcp-header-value' },
        },
      },
    });
    const printed =
      'opt-env-value-1 settings-env-value mcp-arg-value mcp-separate-value mcp-env-value mcp-header-value url-password-value';
    expect(r.text(printed)).toBe(Array(7).fill(R).join(' '));
    // Values too short to tell from words stay in text (they are still hidden as env values).
    expect(r.text('DEBUG is 1, verbose')).toBe('DEBUG is 1, verbose');
  });

  it('replaces the process credential variables and those named like credentials, not the rest', () => {
    const r = redactor(
      {},
      {
        ANTHROPIC_API_KEY: 'plain-api-key-value',
        ANTHROPIC_AUTH_TOKEN: 'plain-auth-value',
        DEPLOY_SECRET: 'deploy-secret-value',
        HOME: '/home/someone/dir',
      },
    );
    expect(r.text('plain-api-key-value plain-auth-value deploy-secret-value /home/someone/dir')).toBe(
      `${R} ${R} ${R} /home/someone/dir`,
    );
  });

  it('prefers the longest of overlapping secrets', () => {
    const r = redactor({ env: { A: 'abcdefgh', B: 'abcdefgh-longer' } });
    expect(r.text('x abcdefgh-longer y')).toBe(`x ${R} y`);
  });
});

describe('Redactor: configuration (options.redaction)', () => {
  it('adds patterns and literal secrets', () => {
    const r = redactor({ redaction: { patterns: [/acme-[0-9]{4}/i], secrets: ['hunter2'] } });
    expect(r.text('ACME-1234 and hunter2 and acme-12')).toBe(`${R} and ${R} and acme-12`);
  });

  it('enabled: false keeps everything verbatim', () => {
    const r = redactor({ env: { K: 'opt-env-value-1' }, redaction: { enabled: false } });
    const text = 'opt-env-value-1 sk-ant-api03-x Bearer 0123456789';
    expect(r.enabled).toBe(false);
    expect(r.text(text)).toBe(text);
    expect(r.value({ password: 'p', s: text })).toEqual({ password: 'p', s: text });
    expect(r.options({ env: { K: 'v' }, redaction: { enabled: false } })).toEqual({ env: { K: 'v' } });
  });

  it('is validated with the options: a bad pattern is a ConfigurationError', () => {
    expect(() => resolveOptions({ redaction: { patterns: [/x*/] } })).toThrow(ConfigurationError);
    expect(() => resolveOptions({ redaction: { patterns: ['x' as unknown as RegExp] } })).toThrow(
      /redaction\.patterns\.0/,
    );
    expect(() => resolveOptions({ redaction: { secrets: [''] } })).toThrow(ConfigurationError);
    expect(resolveOptions({ redaction: { enabled: false } }).redaction).toEqual({ enabled: false });
  });
});

describe('Redactor.value and Redactor.options', () => {
  it('keeps the names of env variables and headers and hides their values', () => {
    const out = redactor().options({
      model: 'sonnet',
      env: { ANTHROPIC_API_KEY: 'sk-ant-x', DEBUG: '1' },
      settings: { env: { GITHUB_TOKEN: 'ghp_1' }, theme: 'dark' },
      mcpServers: {
        db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'], env: { DB_URL: 'postgres://u:p@h/db' } },
        web: { transport: 'http', url: 'https://mcp.example', headers: { 'X-Custom': 'abc' } },
      },
    });
    expect(out).toEqual({
      model: 'sonnet',
      env: { ANTHROPIC_API_KEY: R, DEBUG: R },
      settings: { env: { GITHUB_TOKEN: R }, theme: 'dark' },
      mcpServers: {
        db: { transport: 'stdio', command: 'db-mcp', args: ['--ro'], env: { DB_URL: R } },
        web: { transport: 'http', url: 'https://mcp.example', headers: { 'X-Custom': R } },
      },
    });
  });

  it('redacts a settings JSON string as JSON and keeps it a string; drop leaves secret maps out', () => {
    const settings = JSON.stringify({
      env: { K: 'settings-value' },
      apiKeyHelper: '/bin/key',
      theme: 'dark',
    });
    expect(JSON.parse(redactor().options({ settings }).settings as string)).toEqual({
      env: { K: R },
      apiKeyHelper: R,
      theme: 'dark',
    });
    expect(JSON.parse(redactor().options({ settings }, 'drop').settings as string)).toEqual({
      theme: 'dark',
    });
    expect(redactor().options({ settings: '/etc/settings.json' }).settings).toBe('/etc/settings.json');
  });

  it('hides credential args, and values under credential keys at any depth and in any case', () => {
    const out = redactor().value({
      args: ['--token', 'abc', '--port', '1'],
      apiKey: 'a',
      API_KEY: 'b',
      'x-api-key': 'c',
      nested: { deeper: [{ authToken: 'd', Password: 'e', clientSecret: { v: 'f' } }] },
      Authorization: 'Bearer g',
      cookie: 'h',
      refresh_token: 'i',
      maxTokens: 1000,
      tokenCount: 3,
    });
    expect(JSON.stringify(out)).not.toMatch(/"[a-i]"|Bearer g/);
    expect(out).toMatchObject({
      args: ['--token', R, '--port', '1'],
      apiKey: R,
      nested: { deeper: [{ clientSecret: { v: R } }] },
      maxTokens: 1000,
      tokenCount: 3,
    });
  });

  it('treats a JSON schema as text: its keys are field names', () => {
    const jsonSchema = { type: 'object', properties: { password: { type: 'string' } } };
    expect(redactor().options({ jsonSchema }).jsonSchema).toEqual(jsonSchema);
  });

  it('drops functions and the redaction config, is JSON-safe, and leaves the input alone', () => {
    const input = {
      onStderr: () => {},
      timeoutMs: 5,
      env: { K: 'v' },
      redaction: { secrets: ['s3cret-literal'] },
      context: { at: new Date(0) },
    };
    const out = redactor(input).options(input);
    expect(out).toEqual({ timeoutMs: 5, env: { K: R }, context: { at: '1970-01-01T00:00:00.000Z' } });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    expect(input.env.K).toBe('v');
  });

  it('survives cycles', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(redactor().value(a)).toEqual({ name: 'a' });
  });
});

describe('Redactor: cost', () => {
  it('stays linear on adversarial text (1 MB each)', () => {
    const r = redactor({
      env: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`K${i}`, `value-${i}-abcdefgh`])),
    });
    const inputs = [
      'a+'.repeat(500_000),
      'A_'.repeat(500_000),
      '-a-'.repeat(350_000),
      '"'.repeat(1_000_000),
      'x://'.repeat(250_000),
      `-----BEGIN PRIVATE KEY-----${'A'.repeat(1_000_000)}`,
      'Bearer '.repeat(150_000),
    ];
    for (const input of inputs) {
      const started = performance.now();
      r.text(input);
      expect(performance.now() - started, input.slice(0, 12)).toBeLessThan(2_000);
    }
  });
});
