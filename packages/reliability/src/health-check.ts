import {
  type CliAgentOptions,
  CliAuthenticationError,
  CliExecutor,
  collectQueryResult,
  type Executor,
  findCli,
} from '@ccflow/core';
import { type Clock, systemClock } from './clock.ts';
import { runCommand } from './run-command.ts';
import { optionalDuration, positiveNumber } from './validate.ts';

/** One check: whether it passed, how long it took, and why it failed. */
export interface CheckResult {
  ok: boolean;
  durationMs: number;
  /** Why it failed (or was skipped). */
  error?: string;
}

export interface CliCheck extends CheckResult {
  /** Where the CLI was found. */
  path?: string;
}

export interface VersionCheck extends CheckResult {
  /** `2.1.331`, from `claude --version`. */
  version?: string;
}

/**
 * How "can authenticate" is checked:
 * - `status` (default): `claude auth status --json`, the CLI's own account of the credentials it would use (an API
 *   key or OAuth token in the environment, a stored login, a cloud provider). No model call (about 0.5 s; with
 *   2.1.331 and an API key it sent nothing to the API in our tests; a stored OAuth login was not tried). It proves
 *   credentials are present where the CLI looks; it does NOT prove they are valid, unexpired, funded or that the
 *   API is reachable.
 * - `model`: a one-turn query through an executor (costs a small model call). Proves the whole path works.
 * - `skip`: not checked (always ok).
 */
export type AuthProbe = 'status' | 'model' | 'skip';

export interface AuthCheck extends CheckResult {
  probe: AuthProbe;
  /** From `auth status`: `api_key`, `oauth_token`, `third_party`, `none`, ... */
  authMethod?: string;
  /** From `auth status`: `firstParty`, `bedrock`, `vertex`, ... */
  apiProvider?: string;
  /** From `auth status`, for an API key: where it came from (`ANTHROPIC_API_KEY`, ...). */
  apiKeySource?: string;
}

export interface HealthStatus {
  /** Every check passed. */
  healthy: boolean;
  checkedAt: Date;
  durationMs: number;
  cli: CliCheck;
  version: VersionCheck;
  auth: AuthCheck;
}

export interface HealthCheckerOptions {
  /** Default: found as the executor finds it (`CCFLOW_CLAUDE_CLI_PATH`, `PATH`, the installed package). */
  cliPath?: string;
  /** The environment the CLI runs with (where it looks for credentials). Default `process.env`. */
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** The longest any one check may take; a slower one fails, saying it timed out. Default 10 000 ms. */
  timeoutMs?: number;
  /** Default `status`. */
  authProbe?: AuthProbe;
  /** For `authProbe: 'model'`. Default a `CliExecutor` with `cliPath` and `env`. */
  probeExecutor?: Executor;
  /** For `authProbe: 'model'`. Default `{ model: 'haiku', maxTurns: 1, tools: [] }`. */
  probeOptions?: CliAgentOptions;
  clock?: Clock;
}

export interface WaitHealthyOptions {
  /** Between checks. Default 1000 ms. */
  intervalMs?: number;
  signal?: AbortSignal;
}

/**
 * Checks, cheaply, that ccflow can run the CLI: it is found, `claude --version` answers (about 60 ms), and it has
 * credentials (see {@link AuthProbe}). Version and auth run in parallel; each is bounded by `timeoutMs`, and a
 * failed check says why. No model call unless `authProbe: 'model'`.
 */
export class HealthChecker {
  readonly #options: HealthCheckerOptions;
  readonly #timeoutMs: number;
  readonly #clock: Clock;
  #last: HealthStatus | undefined;

  constructor(options: HealthCheckerOptions = {}) {
    this.#options = options;
    this.#timeoutMs = positiveNumber('timeoutMs', options.timeoutMs ?? 10_000);
    this.#clock = options.clock ?? systemClock;
  }

  /** The last status `check()` gave. */
  get lastStatus(): HealthStatus | undefined {
    return this.#last;
  }

  async check(): Promise<HealthStatus> {
    const started = performance.now();
    const checkedAt = new Date();
    const cli = this.#findCli();
    const skipped = (): CheckResult => ({
      ok: false,
      durationMs: 0,
      error: 'skipped: the CLI was not found',
    });
    const probe = this.#options.authProbe ?? 'status';
    const [version, auth] = cli.path
      ? await Promise.all([this.#version(cli.path), this.#auth(cli.path, probe)])
      : [skipped(), probe === 'skip' ? { ok: true, durationMs: 0, probe } : { ...skipped(), probe }];
    const status: HealthStatus = {
      healthy: cli.ok && version.ok && auth.ok,
      checkedAt,
      durationMs: performance.now() - started,
      cli,
      version,
      auth,
    };
    this.#last = status;
    return status;
  }

  /**
   * Checks until healthy (true) or until `timeoutMs` has passed (false). A check in flight at the deadline is
   * waited for (each is bounded by the checker's `timeoutMs`). The signal stops it with its reason.
   */
  async waitHealthy(timeoutMs = 30_000, options: WaitHealthyOptions = {}): Promise<boolean> {
    optionalDuration('timeoutMs', timeoutMs);
    const interval = positiveNumber('intervalMs', options.intervalMs ?? 1000);
    const deadline = this.#clock.now() + timeoutMs;
    for (;;) {
      options.signal?.throwIfAborted();
      if ((await this.check()).healthy) return true;
      const left = deadline - this.#clock.now();
      if (left <= 0) return false;
      await this.#clock.sleep(Math.min(interval, left), options.signal);
    }
  }

  #findCli(): CliCheck {
    const started = performance.now();
    try {
      const path = findCli({
        cliPath: this.#options.cliPath,
        env: this.#options.env,
        cwd: this.#options.cwd,
      });
      return { ok: true, durationMs: performance.now() - started, path };
    } catch (error) {
      return { ok: false, durationMs: performance.now() - started, error: (error as Error).message };
    }
  }

  async #version(cliPath: string): Promise<VersionCheck> {
    const run = await runCommand(cliPath, ['--version'], this.#commandOptions());
    const failure = commandFailure(run, 'claude --version', this.#timeoutMs);
    if (failure) return { ok: false, durationMs: run.durationMs, error: failure };
    const version = /\d+\.\d+\.\d+(?:[-+][\w.]+)?/.exec(run.stdout)?.[0];
    if (!version) {
      return {
        ok: false,
        durationMs: run.durationMs,
        error: `claude --version printed no version: ${JSON.stringify(run.stdout.trim().slice(0, 200))}`,
      };
    }
    return { ok: true, durationMs: run.durationMs, version };
  }

  async #auth(cliPath: string, probe: AuthProbe): Promise<AuthCheck> {
    if (probe === 'skip') return { ok: true, durationMs: 0, probe };
    if (probe === 'model') return this.#modelProbe(cliPath);
    const run = await runCommand(cliPath, ['auth', 'status', '--json'], this.#commandOptions());
    const base = { durationMs: run.durationMs, probe };
    // Not logged in exits 1 with the same JSON, so read the output before judging the exit.
    let status: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(run.stdout);
      if (typeof parsed === 'object' && parsed !== null && 'loggedIn' in parsed)
        status = parsed as Record<string, unknown>;
    } catch {}
    if (!status || run.timedOut) {
      const failure = commandFailure(run, 'claude auth status', this.#timeoutMs);
      return {
        ...base,
        ok: false,
        error:
          failure ??
          `claude auth status printed no status: ${JSON.stringify(run.stdout.trim().slice(0, 200))}`,
      };
    }
    const fields = {
      authMethod: str(status.authMethod),
      apiProvider: str(status.apiProvider),
      apiKeySource: str(status.apiKeySource),
    };
    if (status.loggedIn !== true) {
      return {
        ...base,
        ...fields,
        ok: false,
        error:
          'the CLI has no credentials: set ANTHROPIC_API_KEY or CLAUDE_CODE_OAUTH_TOKEN, or run `claude auth login`',
      };
    }
    return { ...base, ...fields, ok: true };
  }

  async #modelProbe(cliPath: string): Promise<AuthCheck> {
    const started = performance.now();
    const executor =
      this.#options.probeExecutor ?? new CliExecutor({ cliPath, env: this.#options.env ?? process.env });
    const options: CliAgentOptions = this.#options.probeOptions ?? { model: 'haiku', maxTurns: 1, tools: [] };
    const result = await collectQueryResult(
      executor.execute({
        prompt: 'Reply with the single word: ok',
        options: { cwd: this.#options.cwd, ...options, timeoutMs: Math.ceil(this.#timeoutMs) },
      }),
    );
    const durationMs = performance.now() - started;
    if (!result.error) return { ok: true, durationMs, probe: 'model' };
    const why = CliAuthenticationError.isInstance(result.error)
      ? 'authentication failed'
      : 'the probe query failed';
    return { ok: false, durationMs, probe: 'model', error: `${why}: ${result.error.message}` };
  }

  #commandOptions() {
    return { env: this.#options.env ?? process.env, cwd: this.#options.cwd, timeoutMs: this.#timeoutMs };
  }
}

/** Why a command run failed, or `undefined` when it exited 0. */
function commandFailure(
  run: Awaited<ReturnType<typeof runCommand>>,
  what: string,
  timeoutMs: number,
): string | undefined {
  if (run.spawnError) return `${what} could not start: ${run.spawnError.message}`;
  if (run.timedOut) return `${what} timed out after ${timeoutMs} ms (killed)`;
  if (run.exitCode !== 0) {
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    const last = run.stderr.trim().split('\n').at(-1);
    return `${what} ${how}${last ? `: ${last}` : ''}`;
  }
  return undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
