import { MessageParser } from './message-parser.ts';
import type { Message } from './messages.ts';
import { type DecodedLine, type DecodeOptions, decodeNdjson, NdjsonDecoder } from './ndjson-decoder.ts';

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
  }
}

/**
 * Parses a `stream-json` byte or text stream (a Node `Readable`, an async iterable of chunks, or an array) into
 * messages, line by line, in constant memory.
 */
export async function* parseMessages(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: DecodeOptions = {},
): AsyncGenerator<Message> {
  const parser = new MessageParser();
  for await (const decoded of decodeNdjson(source, options)) yield* messagesOf(parser, decoded);
}

/** Parses a whole transcript held in memory, such as a saved `.ndjson` file. */
export function parseTranscript(transcript: string | Uint8Array, options: DecodeOptions = {}): Message[] {
  const decoder = new NdjsonDecoder(options);
  const parser = new MessageParser();
  const out: Message[] = [];
  for (const decoded of [...decoder.push(transcript), ...decoder.end()])
    out.push(...messagesOf(parser, decoded));
  return out;
}
