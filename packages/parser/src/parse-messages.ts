import { MessageParser } from './message-parser.ts';
import type { Message } from './messages.ts';
import {
  type Chunk,
  chunksOf,
  type DecodedLine,
  type DecodeOptions,
  NdjsonDecoder,
} from './ndjson-decoder.ts';

/** Turns one decoded line into its messages. */
export function messagesOf(parser: MessageParser, decoded: DecodedLine): Message[] {
  switch (decoded.kind) {
    case 'json':
      return parser.parse(decoded.value, decoded.line);
    case 'invalid_json':
      return [parser.invalidLine('invalid_json', decoded.error, decoded.line, decoded.text, decoded.bytes)];
    case 'line_too_long':
      return [
        parser.invalidLine(
          'line_too_long',
          `line ${decoded.line} is ${decoded.bytes} bytes, over the cap`,
          decoded.line,
          decoded.head,
          decoded.bytes,
        ),
      ];
    case 'invalid_chunk':
      return [
        parser.invalidLine(
          'invalid_chunk',
          `a chunk of type ${decoded.chunk} is not text or bytes; skipped`,
          decoded.line,
          '',
          0,
          decoded.value,
        ),
      ];
  }
}

/**
 * Parses a `stream-json` byte or text stream (a Node `Readable`, an async iterable of chunks, or an array) into
 * messages, line by line, in constant memory. Lines are decoded as they are consumed, one at a time. A chunk that
 * is not text or bytes becomes an `invalid_chunk` error message; only an error of the source itself (a stream
 * that fails) reaches the caller.
 */
export function parseMessages(
  source: AsyncIterable<Chunk> | Iterable<Chunk> | Chunk,
  options: DecodeOptions = {},
): AsyncIterableIterator<Message> {
  return new MessageStream(source, options);
}

type Chunks = AsyncIterator<Chunk> | Iterator<Chunk>;

/**
 * The iterator behind `parseMessages`. Hand-written rather than an async generator: a generator pays its own
 * promise machinery for every message, which on a transcript of small lines is a sizeable share of the work.
 * Calls made while another is pending wait their turn, as with a generator.
 */
class MessageStream implements AsyncIterableIterator<Message> {
  readonly #chunks: Chunks;
  readonly #decoder: NdjsonDecoder;
  readonly #parser = new MessageParser();
  #batch: Message[] = [];
  #at = 0;
  #fed = false;
  #ended = false;
  /** The read of the source in progress; calls made meanwhile wait for it, as with a generator. */
  #reading: Promise<IteratorResult<Message>> | undefined;

  constructor(source: unknown, options: DecodeOptions) {
    const chunks = chunksOf(source);
    this.#chunks =
      Symbol.asyncIterator in chunks
        ? chunks[Symbol.asyncIterator]()
        : (chunks as Iterable<Chunk>)[Symbol.iterator]();
    this.#decoder = new NdjsonDecoder(options);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<Message>> {
    if (this.#reading) return this.#reading.then(() => this.next());
    const ready = this.#take();
    if (ready) return Promise.resolve(ready);
    const reading = this.#read();
    this.#reading = reading;
    return reading;
  }

  async return(): Promise<IteratorResult<Message>> {
    await this.#reading?.catch(() => {});
    this.#ended = true;
    this.#batch = [];
    await this.#chunks.return?.();
    return { value: undefined, done: true };
  }

  /** The next message if it can be had without reading the source. */
  #take(): IteratorResult<Message> | undefined {
    for (;;) {
      if (this.#at < this.#batch.length) return { value: this.#batch[this.#at++]!, done: false };
      const line = this.#fed ? this.#decoder.next() : undefined;
      if (line === undefined) return this.#ended ? { value: undefined, done: true } : undefined;
      this.#batch = messagesOf(this.#parser, line);
      this.#at = 0;
    }
  }

  async #read(): Promise<IteratorResult<Message>> {
    try {
      for (;;) {
        const chunk = await this.#chunks.next();
        if (chunk.done) {
          this.#ended = true;
          this.#fed = false;
          this.#batch = this.#decoder.end().flatMap((l) => messagesOf(this.#parser, l));
          this.#at = 0;
        } else {
          this.#decoder.feed(chunk.value);
          this.#fed = true;
        }
        const ready = this.#take();
        if (ready) return ready;
      }
    } finally {
      this.#reading = undefined;
    }
  }
}

/** Parses a whole transcript held in memory, such as a saved `.ndjson` file. */
export function parseTranscript(transcript: Chunk, options: DecodeOptions = {}): Message[] {
  const decoder = new NdjsonDecoder(options);
  const parser = new MessageParser();
  const out: Message[] = [];
  for (const decoded of [...decoder.push(transcript), ...decoder.end()])
    out.push(...messagesOf(parser, decoded));
  return out;
}
