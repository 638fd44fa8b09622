/** How much of the CLI's stderr is kept for error messages, in UTF-16 code units (about 64 KiB of text). */
const STDERR_TAIL_CHARS = 64 * 1024;

/**
 * The end of a stream of text, bounded: the CLI may write megabytes to stderr, but only its last words explain a
 * failure. Everything is accepted (the pipe must always be drained); only the tail is kept.
 */
export class StderrTail {
  readonly #max: number;
  #chunks: string[] = [];
  #length = 0;
  #total = 0;

  constructor(maxChars = STDERR_TAIL_CHARS) {
    this.#max = maxChars;
  }

  push(chunk: string): void {
    this.#total += chunk.length;
    if (chunk.length >= this.#max) {
      this.#chunks = [chunk.slice(chunk.length - this.#max)];
      this.#length = this.#max;
      return;
    }
    this.#chunks.push(chunk);
    this.#length += chunk.length;
    while (this.#length - this.#chunks[0]!.length >= this.#max) this.#length -= this.#chunks.shift()!.length;
  }

  /** How much text was pushed in all, kept or not. */
  get totalChars(): number {
    return this.#total;
  }

  /** The kept tail, at most `maxChars` long (never starting with half a surrogate pair). */
  text(): string {
    let text = this.#chunks.join('');
    if (text.length > this.#max) text = text.slice(text.length - this.#max);
    const first = text.charCodeAt(0);
    return first >= 0xdc00 && first <= 0xdfff ? text.slice(1) : text;
  }

  /** The last non-blank line, for a one-line error message. */
  lastLine(): string {
    const lines = this.text().split('\n');
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i]!.trim();
      if (line) return line;
    }
    return '';
  }
}
