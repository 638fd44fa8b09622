import type { ContextEncoding } from '@ccflow/core';

/**
 * Running totals of the contexts attached in a session, in characters (see `ContextEncoding`). JSON-format
 * turns count too, at ratio 1, so `ratio` is what TOON saved over all the context sent.
 */
export class ToonSavings {
  #count = 0;
  #chars = 0;
  #jsonChars = 0;
  #last: number | undefined;

  add(encoding: ContextEncoding): void {
    this.#count++;
    this.#chars += encoding.chars;
    this.#jsonChars += encoding.jsonChars;
    this.#last = encoding.ratio;
  }

  /** Contexts recorded. */
  get count(): number {
    return this.#count;
  }
  /** Characters of encoded context sent. */
  get chars(): number {
    return this.#chars;
  }
  /** Characters the same contexts would have taken as compact JSON. */
  get jsonChars(): number {
    return this.#jsonChars;
  }
  /** `jsonChars - chars`: negative when TOON came out larger. */
  get savedChars(): number {
    return this.#jsonChars - this.#chars;
  }
  /** `chars / jsonChars` over everything recorded; `undefined` before the first. */
  get ratio(): number | undefined {
    return this.#count === 0 ? undefined : this.#chars / this.#jsonChars;
  }
  /** The ratio of the last context recorded. */
  get lastCompressionRatio(): number | undefined {
    return this.#last;
  }

  toJSON() {
    return {
      unit: 'chars' as const,
      count: this.count,
      chars: this.chars,
      jsonChars: this.jsonChars,
      savedChars: this.savedChars,
      ratio: this.ratio,
      lastCompressionRatio: this.lastCompressionRatio,
    };
  }
}
