import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import {
  ClaudeSandbox,
  MessagesApiStandIn,
  type RecordedRequest,
  reply,
  type UsageSpec,
} from '@ccflow/testing';

/**
 * One real `claude` process kept warm on `--input-format stream-json`, switched between models with `set_model`
 * control requests, so that pricing every model costs one CLI start-up and a ~0.1 s turn per model instead of a
 * cold run each. Each turn's streamed API call answers with exactly the usage the caller gives.
 */
export class WarmClaude {
  readonly api: MessagesApiStandIn;
  readonly box: ClaudeSandbox;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #closed: Promise<{ exitCode: number | null; stderr: string }>;
  readonly #usages: Partial<UsageSpec>[];
  #waiters: { match: (line: any) => boolean; resolve: (line: any) => void }[] = [];
  #seq = 0;
  /** Every stdout line, parsed. */
  readonly lines: any[] = [];

  private constructor(api: MessagesApiStandIn, usages: Partial<UsageSpec>[]) {
    this.api = api;
    this.#usages = usages;
    this.box = new ClaudeSandbox({ baseUrl: api.url });
    this.#child = spawn(
      this.box.cliPath,
      ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose'],
      { cwd: this.box.cwd, env: this.box.env, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    );
    let pending = '';
    this.#child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        const text = pending.slice(0, i);
        pending = pending.slice(i + 1);
        if (text.trim() === '') continue;
        const line = JSON.parse(text);
        this.lines.push(line);
        const waiter = this.#waiters.find((w) => w.match(line));
        if (waiter) {
          this.#waiters = this.#waiters.filter((w) => w !== waiter);
          waiter.resolve(line);
        }
      }
    });
    let stderr = '';
    this.#child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    this.#child.stdin.on('error', () => {});
    this.#closed = new Promise((resolve) =>
      this.#child.once('close', (exitCode) => resolve({ exitCode, stderr })),
    );
  }

  static async start(): Promise<WarmClaude> {
    const usages: Partial<UsageSpec>[] = [];
    const api = await MessagesApiStandIn.start({
      // Switching to a model sends a one-token, non-streamed probe first: answer it without using a script.
      fallback: (request: RecordedRequest) => {
        if (request.body?.stream !== true) return reply.text('ok');
        const usage = usages.shift();
        if (!usage) return reply.error(500, { message: 'WarmClaude: no usage scripted for this call' });
        return reply.text('ok', { usage });
      },
    });
    return new WarmClaude(api, usages);
  }

  /** Switches the model; resolves with the id the CLI says the next turn runs as (aliases resolved). */
  async setModel(model: string): Promise<string> {
    const id = `set_model_${++this.#seq}`;
    const answer = this.#next((l) => l.type === 'control_response' && l.response?.request_id === id);
    this.#send({ type: 'control_request', request_id: id, request: { subtype: 'set_model', model } });
    const line = await answer;
    if (line.response.subtype !== 'success') throw new Error(`set_model ${model}: ${JSON.stringify(line)}`);
    return line.response.response?.model ?? model;
  }

  /**
   * Runs one turn whose API calls answer with these usages, in order (one call each: a text reply ends the
   * turn). Resolves with the turn's `result` line.
   */
  async turn(...usages: Partial<UsageSpec>[]): Promise<any> {
    this.#usages.push(...usages);
    const result = this.#next((l) => l.type === 'result');
    this.#send({ type: 'user', message: { role: 'user', content: 'hi' } });
    return result;
  }

  /** The request bodies' `model` of the streamed API calls so far. */
  get requestedModels(): string[] {
    return this.api.messageRequests.filter((r) => r.body?.stream === true).map((r) => r.body.model);
  }

  async close(): Promise<{ exitCode: number | null; stderr: string }> {
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#kill(), 10_000);
    const closed = await this.#closed;
    clearTimeout(timer);
    this.#kill();
    this.box.close();
    await this.api.close();
    return closed;
  }

  #kill(): void {
    try {
      process.kill(-this.#child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  #send(line: unknown): void {
    this.#child.stdin.write(`${JSON.stringify(line)}\n`);
  }

  #next(match: (line: any) => boolean): Promise<any> {
    return new Promise((resolve, reject) => {
      this.#waiters.push({ match, resolve });
      this.#closed.then(({ exitCode, stderr }) =>
        reject(new Error(`claude exited (${exitCode}) while a line was awaited: ${stderr.slice(-500)}`)),
      );
    });
  }
}
