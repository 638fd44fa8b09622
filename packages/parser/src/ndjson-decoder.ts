/** One line of an NDJSON stream, decoded or not: the decoder never throws and never drops a line. */
export type DecodedLine =
  | { kind: 'json'; line: number; value: unknown }
  | { kind: 'invalid_json'; line: number; text: string; bytes: number; error: string }
  | { kind: 'line_too_long'; line: number; head: string; bytes: number }
  /** A chunk that is neither text nor bytes, skipped; `line` is the line it came within. */
  | { kind: 'invalid_chunk'; line: number; chunk: string; value: unknown };

/** What the decoder reads: text or bytes. Other byte views and `ArrayBuffer`s are read as their bytes. */
export type Chunk = Uint8Array | string;

export interface DecodeOptions {
  /** Longest line decoded, in bytes; longer lines become `line_too_long`. Default 64 MiB. */
  maxLineBytes?: number;
  /** How much of a too-long line to keep, in bytes. Default 1 KiB. */
  headBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const DEFAULT_HEAD_BYTES = 1024;
const NEWLINE = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/**
 * Splits bytes into NDJSON lines and parses each. Lines are cut on the newline byte, which never occurs inside a
 * multi-byte UTF-8 character, so chunks may split anywhere. Memory is bounded by the longest line kept (at most
 * `maxLineBytes`), not by the stream. CRLF endings, blank lines and a last line without newline are handled.
 */
export class NdjsonDecoder {
  readonly #maxLineBytes: number;
  readonly #headBytes: number;
  readonly #text = new TextDecoder('utf-8');
  readonly #bytes = new TextEncoder();
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Bytes of a too-long line seen so far; -1 when not skipping one. */
  #skipped = -1;
  #line = 0;
  /** The chunk being read by {@link next}, from `#start`. */
  #chunk: Uint8Array = EMPTY;
  #start = 0;
  /** The report of a chunk fed that was not text or bytes, given by the next {@link next}. */
  #invalid: DecodedLine | undefined;

  constructor(options: DecodeOptions = {}) {
    this.#maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.#headBytes = Math.min(options.headBytes ?? DEFAULT_HEAD_BYTES, this.#maxLineBytes);
  }

  /** Decodes the complete lines in `chunk`; the unfinished tail waits for the next chunk. */
  push(chunk: Chunk): DecodedLine[] {
    this.feed(chunk);
    const out: DecodedLine[] = [];
    for (let line = this.next(); line !== undefined; line = this.next()) out.push(line);
    return out;
  }

  /**
   * Takes `chunk` to be decoded line by line with {@link next}: unlike {@link push}, a consumer then holds one decoded
   * line at a time rather than a whole chunk's. Read all its lines before feeding the next chunk.
   */
  feed(chunk: Chunk): void {
    this.#start = 0;
    const bytes = typeof chunk === 'string' ? this.#bytes.encode(chunk) : asBytes(chunk);
    this.#chunk = bytes ?? EMPTY;
    if (bytes === undefined)
      this.#invalid = { kind: 'invalid_chunk', line: this.#line + 1, chunk: typeName(chunk), value: chunk };
  }

  /** The next complete line of the chunk fed, decoded; `undefined` when the rest of it waits for more bytes. */
  next(): DecodedLine | undefined {
    if (this.#invalid !== undefined) {
      const invalid = this.#invalid;
      this.#invalid = undefined;
      return invalid;
    }
    const bytes = this.#chunk;
    for (;;) {
      const nl = bytes.indexOf(NEWLINE, this.#start);
      if (nl === -1) {
        if (this.#start < bytes.length) this.#append(bytes.subarray(this.#start));
        this.#chunk = EMPTY;
        this.#start = 0;
        return undefined;
      }
      this.#append(bytes.subarray(this.#start, nl));
      this.#start = nl + 1;
      const line = this.#finishLine();
      if (line !== undefined) return line;
    }
  }

  /** Decodes what is left after the last newline. */
  end(): DecodedLine[] {
    const line = this.#pendingBytes > 0 || this.#skipped >= 0 ? this.#finishLine() : undefined;
    return line === undefined ? [] : [line];
  }

  #append(part: Uint8Array): void {
    if (part.length === 0) return;
    if (this.#skipped >= 0) {
      this.#skipped += part.length;
      return;
    }
    if (this.#pendingBytes + part.length > this.#maxLineBytes) {
      // Over the cap: keep only the head and count the rest.
      this.#skipped = this.#pendingBytes + part.length;
      const head = this.#join();
      const keep = new Uint8Array(Math.min(this.#headBytes, this.#skipped));
      keep.set(head.subarray(0, keep.length));
      if (head.length < keep.length) keep.set(part.subarray(0, keep.length - head.length), head.length);
      this.#pending = [keep];
      this.#pendingBytes = keep.length;
      return;
    }
    this.#pending.push(part);
    this.#pendingBytes += part.length;
  }

  #join(): Uint8Array {
    if (this.#pending.length === 1) return this.#pending[0]!;
    const all = new Uint8Array(this.#pendingBytes);
    let at = 0;
    for (const p of this.#pending) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  #finishLine(): DecodedLine | undefined {
    this.#line += 1;
    const line = this.#line;
    const bytes = this.#join();
    this.#pending = [];
    this.#pendingBytes = 0;
    if (this.#skipped >= 0) {
      const skipped = this.#skipped;
      this.#skipped = -1;
      return { kind: 'line_too_long', line, head: this.#text.decode(bytes), bytes: skipped };
    }
    const end = bytes.length > 0 && bytes[bytes.length - 1] === CR ? bytes.length - 1 : bytes.length;
    const text = utf8(this.#text, bytes, end);
    if (isBlank(text)) return undefined;
    try {
      return { kind: 'json', line, value: JSON.parse(text) };
    } catch (error) {
      return { kind: 'invalid_json', line, text, bytes: end, error: (error as Error).message };
    }
  }
}

/** A chunk's bytes, without copying; undefined when it is not bytes. */
function asBytes(chunk: unknown): Uint8Array | undefined {
  if (chunk instanceof Uint8Array) return chunk;
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const tag = Object.prototype.toString.call(chunk);
  if (tag === '[object ArrayBuffer]' || tag === '[object SharedArrayBuffer]')
    return new Uint8Array(chunk as ArrayBuffer);
  return undefined;
}

function typeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * The chunks of a source: an iterable as it is; text or bytes given whole (a string would otherwise be read
 * character by character, bytes number by number), and anything else, as one chunk.
 */
export function chunksOf(source: unknown): AsyncIterable<Chunk> | Iterable<Chunk> {
  const iterable =
    typeof source === 'object' &&
    source !== null &&
    !ArrayBuffer.isView(source) &&
    (Symbol.asyncIterator in source || Symbol.iterator in source);
  return iterable ? (source as AsyncIterable<Chunk> | Iterable<Chunk>) : [source as Chunk];
}

/** Node's `Buffer` decodes UTF-8 faster than `TextDecoder` (both replace invalid bytes with U+FFFD). */
const NodeBuffer = (globalThis as { Buffer?: { isBuffer(v: unknown): boolean } }).Buffer;

function utf8(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array, end: number): string {
  if (NodeBuffer?.isBuffer(bytes))
    return (bytes as unknown as { toString(e: string, s: number, n: number): string }).toString(
      'utf8',
      0,
      end,
    );
  return decoder.decode(end === bytes.length ? bytes : bytes.subarray(0, end));
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0x0a) return false;
  }
  return true;
}

/** Decodes an NDJSON byte or text stream line by line. */
export async function* decodeNdjson(
  source: AsyncIterable<Chunk> | Iterable<Chunk>,
  options: DecodeOptions = {},
): AsyncGenerator<DecodedLine> {
  const decoder = new NdjsonDecoder(options);
  for await (const chunk of chunksOf(source)) {
    decoder.feed(chunk);
    for (let line = decoder.next(); line !== undefined; line = decoder.next()) yield line;
  }
  for (const decoded of decoder.end()) yield decoded;
}
