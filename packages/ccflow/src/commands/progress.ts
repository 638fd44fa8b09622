import type { BatchRecord } from './batch-results.ts';
import { type CliIO, colours } from './output.ts';

/** Where a batch stands. `done` counts the prompts that succeeded, `failed` those that did not. */
export interface ProgressState {
  total: number;
  done: number;
  failed: number;
  running: number;
  costUsd: number;
  elapsedMs: number;
}

type Paint = ReturnType<typeof colours>;

/** The time left at the pace so far (finished prompts per elapsed time), once one has finished. */
export function etaMs(s: ProgressState): number | undefined {
  const finished = s.done + s.failed;
  if (finished === 0) return undefined;
  return Math.round((s.elapsedMs / finished) * (s.total - finished));
}

/** `42s`, `3m04s`, `1h02m`; `?` when unknown. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}

const cost = (usd: number) => `$${usd.toFixed(4)}`;

/** The redrawn line on a terminal: a bar, the counts, cost so far and ETA, at most `width - 1` characters wide. */
export function ttyLine(s: ProgressState, width: number, paint?: Paint): string {
  const finished = s.done + s.failed;
  const failed = `failed ${s.failed}`;
  const words = (red: (t: string) => string) =>
    [
      `${finished}/${s.total}`,
      `done ${s.done}`,
      s.failed > 0 ? red(failed) : failed,
      `running ${s.running}`,
      cost(s.costUsd),
      `eta ${finished === s.total ? '0s' : duration(etaMs(s))}`,
    ].join('  ');
  const plain = words((t) => t);
  const room = width - 1 - plain.length - 3; // "[", "] "
  if (room < 5) return plain.slice(0, Math.max(0, width - 1));
  const text = words(paint?.red ?? ((t) => t));
  const size = Math.min(30, room);
  const full = s.total === 0 ? size : Math.floor((finished / s.total) * size);
  const bar = `${'#'.repeat(full)}${'-'.repeat(size - full)}`;
  return `[${paint ? paint.bold(bar) : bar}] ${text}`;
}

/** The plain line for one finished prompt (not a terminal): `key=value` words a machine can split. */
export function plainLine(s: ProgressState, r: BatchRecord): string {
  const id = typeof r.id === 'number' ? String(r.id) : JSON.stringify(r.id);
  const outcome = r.ok ? 'ok' : `error=${r.error?.code ?? 'UNKNOWN'}`;
  return [
    `[${s.done + s.failed}/${s.total}]`,
    `id=${id}`,
    outcome,
    `done=${s.done}`,
    `failed=${s.failed}`,
    `running=${s.running}`,
    `cost=${cost(s.costUsd)}`,
    `eta=${duration(etaMs(s))}`,
  ].join(' ');
}

/** What `Progress` writes to: stderr, whose `columns` a terminal has. */
export type ProgressStream = CliIO['stderr'] & { columns?: number };

/**
 * The progress of a batch on stderr: on a terminal one line redrawn in place (at most ten times a second, and each
 * second for the ETA), coloured unless `NO_COLOR`; elsewhere one plain line per finished prompt. `quiet`: nothing.
 */
export class Progress {
  readonly state: ProgressState;
  readonly #stream: ProgressStream;
  readonly #paint: Paint | undefined;
  readonly #tty: boolean;
  readonly #quiet: boolean;
  readonly #started = performance.now();
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;
  /** A redraw that came within 100 ms of the last: drawn when that window ends, so no state change goes unseen. */
  #pending: NodeJS.Timeout | undefined;

  constructor(
    stream: ProgressStream,
    env: Record<string, string | undefined>,
    total: number,
    quiet: boolean,
  ) {
    this.state = { total, done: 0, failed: 0, running: 0, costUsd: 0, elapsedMs: 0 };
    this.#stream = stream;
    this.#tty = stream.isTTY === true;
    this.#paint = this.#tty && !env.NO_COLOR ? colours(stream, env) : undefined;
    this.#quiet = quiet;
  }

  /** Draws the bar (on a terminal) and redraws it each second from now on. */
  start(): void {
    if (!this.#tty || this.#quiet || this.state.total === 0 || this.#timer !== undefined) return;
    this.#draw();
    this.#timer = setInterval(() => this.#draw(), 1000);
    this.#timer.unref();
  }

  started(): void {
    this.state.running++;
    this.#redraw();
  }

  finished(record: BatchRecord): void {
    this.state.running--;
    if (record.ok) this.state.done++;
    else this.state.failed++;
    this.state.costUsd += record.costUsd;
    this.#tick();
    if (this.#quiet) return;
    if (this.#tty) this.#redraw();
    else this.#stream.write(`${plainLine(this.state, record)}\n`);
  }

  /** A prompt that ended because the batch was interrupted: neither done nor failed. */
  stopped(): void {
    this.state.running--;
    this.#redraw();
  }

  /** Runs `write` (a result to stdout, when that is the same terminal) with the bar cleared, then redraws it. */
  above(write: () => void): void {
    if (this.#timer !== undefined) this.#stream.write('\r\u001b[K');
    write();
    if (this.#timer !== undefined) this.#draw();
  }

  /** Leaves the bar as it last stood, ends its line, and writes `summary` (unless quiet). */
  end(summary: string | undefined): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      clearTimeout(this.#pending);
      this.#draw();
      this.#stream.write('\n');
      this.#timer = undefined;
    }
    if (summary !== undefined) this.#stream.write(`${summary}\n`);
  }

  #tick(): void {
    this.state.elapsedMs = performance.now() - this.#started;
  }

  #redraw(): void {
    if (!this.#tty || this.#quiet || this.#timer === undefined || this.#pending !== undefined) return;
    const wait = this.#drawn + 100 - performance.now();
    if (wait <= 0) {
      this.#draw();
      return;
    }
    this.#pending = setTimeout(() => this.#draw(), wait);
    this.#pending.unref();
  }

  #draw(): void {
    clearTimeout(this.#pending);
    this.#pending = undefined;
    this.#tick();
    this.#drawn = performance.now();
    this.#stream.write(`\r${ttyLine(this.state, this.#stream.columns ?? 80, this.#paint)}\u001b[K`);
  }
}
