const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type Interrupt = (typeof SIGNALS)[number];

/** The exit code of a process ended by the signal: 128 + its number. */
const EXIT_CODES: Record<Interrupt, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * Ctrl-C (SIGINT) and SIGTERM while a command works: the first aborts `signal`, so the command stops and finishes
 * its output; a second one ends the process at once (the CLIs are still ended by core's exit hook). `outer` (a
 * caller's signal) counts as SIGINT. While this listens, core's own handler lets the process go on.
 */
export class Interrupts implements Disposable {
  readonly #controller = new AbortController();
  readonly #outer: AbortSignal | undefined;
  #received: Interrupt | undefined;

  constructor(outer?: AbortSignal) {
    this.#outer = outer;
    outer?.addEventListener('abort', this.#onOuter, { once: true });
    if (outer?.aborted) this.#onOuter();
    for (const name of SIGNALS) process.on(name, this.#onSignal);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal that stopped the command, if one did. */
  get received(): Interrupt | undefined {
    return this.#received;
  }

  /** 130 after SIGINT, 143 after SIGTERM; `undefined` when not interrupted. */
  get exitCode(): number | undefined {
    return this.#received === undefined ? undefined : EXIT_CODES[this.#received];
  }

  [Symbol.dispose](): void {
    for (const name of SIGNALS) process.off(name, this.#onSignal);
    this.#outer?.removeEventListener('abort', this.#onOuter);
  }

  #onOuter = () => this.#stop('SIGINT');

  #onSignal = (name: NodeJS.Signals) => {
    if (this.#received !== undefined) process.exit(EXIT_CODES[name as Interrupt]);
    this.#stop(name as Interrupt);
  };

  #stop(name: Interrupt): void {
    if (this.#received !== undefined) return;
    this.#received = name;
    this.#controller.abort();
  }
}
