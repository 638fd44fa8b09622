import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_CLI_PATH, faultEnv, MockExecutor, mockLines } from '@ccflow/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { lines } from '../test/lines.ts';
import { HealthChecker } from './health-check.ts';

const dir = mkdtempSync(join(tmpdir(), 'ccflow-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A stand-in `claude` for what the health check runs: `--version` and `auth status --json`, answering as 2.1.331
 * does. `STUB_LOGGED_IN=1` makes it logged in; `STUB_READY_FILE` makes `--version` fail until that file exists.
 */
const stub = join(dir, 'claude');
writeFileSync(
  stub,
  `#!/bin/sh
if [ -n "$STUB_READY_FILE" ] && [ ! -f "$STUB_READY_FILE" ]; then echo "not ready" >&2; exit 3; fi
case "$1" in
  --version) echo "\${STUB_VERSION_OUT:-2.1.331 (Claude Code)}" ;;
  auth)
    if [ -n "$STUB_AUTH_OUT" ]; then echo "$STUB_AUTH_OUT"; exit 1; fi
    if [ "$STUB_LOGGED_IN" = 1 ]; then
      printf '{\\n  "loggedIn": true,\\n  "authMethod": "api_key",\\n  "apiProvider": "firstParty",\\n  "apiKeySource": "ANTHROPIC_API_KEY"\\n}\\n'
    else
      printf '{\\n  "loggedIn": false,\\n  "authMethod": "none",\\n  "apiProvider": "firstParty"\\n}\\n'; exit 1
    fi ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
`,
);
chmodSync(stub, 0o755);

const env = (extra: Record<string, string> = {}) => ({
  PATH: process.env.PATH,
  STUB_LOGGED_IN: '1',
  ...extra,
});

describe('HealthChecker', () => {
  it('healthy: the CLI found, its version, credentials present; each check timed', async () => {
    const status = await new HealthChecker({ cliPath: stub, env: env() }).check();
    expect(status).toMatchObject({
      healthy: true,
      cli: { ok: true, path: stub },
      version: { ok: true, version: '2.1.331' },
      auth: {
        ok: true,
        probe: 'status',
        authMethod: 'api_key',
        apiProvider: 'firstParty',
        apiKeySource: 'ANTHROPIC_API_KEY',
      },
    });
    for (const check of [status.cli, status.version, status.auth]) {
      expect(check.durationMs).toBeGreaterThanOrEqual(0);
      expect(check.error).toBeUndefined();
    }
    expect(status.durationMs).toBeGreaterThanOrEqual(status.version.durationMs);
    expect(status.checkedAt).toBeInstanceOf(Date);
  });

  it('finds the CLI as the executor does (CCFLOW_CLAUDE_CLI_PATH, PATH)', async () => {
    const byVariable = await new HealthChecker({ env: env({ CCFLOW_CLAUDE_CLI_PATH: stub }) }).check();
    expect(byVariable.cli).toMatchObject({ ok: true, path: stub });
    const byPath = await new HealthChecker({ env: { ...env(), PATH: dir }, cwd: dir }).check();
    expect(byPath.cli).toMatchObject({ ok: true, path: stub });
  });

  it('no credentials: the auth check fails and says what to do', async () => {
    const status = await new HealthChecker({ cliPath: stub, env: env({ STUB_LOGGED_IN: '0' }) }).check();
    expect(status.healthy).toBe(false);
    expect(status.version.ok).toBe(true);
    expect(status.auth).toMatchObject({ ok: false, authMethod: 'none' });
    expect(status.auth.error).toMatch(/no credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN/);
  });

  it('a missing binary: the CLI check says where it looked; the others are skipped', async () => {
    const missing = join(dir, 'nope', 'claude');
    const status = await new HealthChecker({ cliPath: missing, env: env() }).check();
    expect(status.healthy).toBe(false);
    expect(status.cli.ok).toBe(false);
    expect(status.cli.error).toMatch(/not usable: cliPath .*nope\/claude does not exist/);
    expect(status.version).toMatchObject({ ok: false, error: 'skipped: the CLI was not found' });
    expect(status.auth).toMatchObject({ ok: false, error: 'skipped: the CLI was not found' });
  });

  it('a binary that hangs: each check times out, says so, and the process is killed', async () => {
    const record = join(dir, 'hung.json');
    const started = performance.now();
    const status = await new HealthChecker({
      cliPath: FAULT_CLI_PATH,
      env: { PATH: process.env.PATH, ...faultEnv({ steps: [{ hang: true }], record }) },
      timeoutMs: 400,
    }).check();
    expect(performance.now() - started).toBeLessThan(3000);
    expect(status.healthy).toBe(false);
    expect(status.version.error).toBe('claude --version timed out after 400 ms (killed)');
    expect(status.auth.error).toBe('claude auth status timed out after 400 ms (killed)');
    expect(status.version.durationMs).toBeGreaterThanOrEqual(390);
    const { pid } = JSON.parse(readFileSync(record, 'utf8')) as { pid: number };
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });

  it('output it cannot read fails the check, quoting it', async () => {
    const status = await new HealthChecker({
      cliPath: stub,
      env: env({ STUB_VERSION_OUT: 'Claude Code (dev build)', STUB_AUTH_OUT: 'error: unknown command auth' }),
    }).check();
    expect(status.version.error).toBe('claude --version printed no version: "Claude Code (dev build)"');
    expect(status.auth.error).toBe('claude auth status exited with code 1');
  });

  it('a CLI that fails says how, with its last stderr line', async () => {
    const status = await new HealthChecker({
      cliPath: stub,
      env: env({ STUB_READY_FILE: join(dir, 'never') }),
    }).check();
    expect(status.version.error).toBe('claude --version exited with code 3: not ready');
  });

  it('authProbe model: a tiny query through the executor proves the credentials work, or says why not', async () => {
    const probeExecutor = new MockExecutor([
      [mockLines.init(), mockLines.text('ok'), mockLines.result({ result: 'ok' })],
      [mockLines.init(), lines.apiErrorNotice(401), lines.apiErrorResult(401)],
    ]);
    const checker = new HealthChecker({ cliPath: stub, env: env(), authProbe: 'model', probeExecutor });
    expect((await checker.check()).auth).toMatchObject({ ok: true, probe: 'model' });
    const failed = await checker.check();
    expect(failed.auth.ok).toBe(false);
    expect(failed.auth.error).toMatch(/^authentication failed: API Error: 401/);
    expect(probeExecutor.requests[0]?.options).toMatchObject({ model: 'haiku', maxTurns: 1, tools: [] });
    expect(checker.lastStatus).toBe(failed);
  });

  it('authProbe skip: no auth check', async () => {
    const status = await new HealthChecker({
      cliPath: stub,
      env: env({ STUB_LOGGED_IN: '0' }),
      authProbe: 'skip',
    }).check();
    expect(status).toMatchObject({ healthy: true, auth: { ok: true, probe: 'skip', durationMs: 0 } });
  });

  it('waitHealthy: true as soon as a check passes, false when none does in time', async () => {
    const ready = join(dir, 'ready');
    const checker = new HealthChecker({ cliPath: stub, env: env({ STUB_READY_FILE: ready }) });
    setTimeout(() => writeFileSync(ready, ''), 300);
    expect(await checker.waitHealthy(10_000, { intervalMs: 50 })).toBe(true);
    expect(existsSync(ready)).toBe(true);

    const never = new HealthChecker({ cliPath: stub, env: env({ STUB_READY_FILE: join(dir, 'never') }) });
    const started = performance.now();
    expect(await never.waitHealthy(300, { intervalMs: 50 })).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(never.lastStatus?.healthy).toBe(false);
    await expect(never.waitHealthy(10_000, { signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow(
      'stop',
    );
  });
});
