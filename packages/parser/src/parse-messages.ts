import { MessageParser } from './message-parser.ts';
import type { Message } from './messages.ts';
import { type DecodedLine, type DecodeOptions, NdjsonDecoder } from './ndjson-decoder.ts';

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
  // One async generator, and `for … yield` rather than `yield*` over arrays: each async generator layer and each
  // async-from-sync `yield*` step costs extra promise ticks per item, more than parsing a small line.
  const decoder = new NdjsonDecoder(options);
  const parser = new MessageParser();
  for await (const chunk of source) {
    for (const decoded of decoder.push(chunk))
      for (const message of messagesOf(parser, decoded)) yield message;
  }
  for (const decoded of decoder.end()) for (const message of messagesOf(parser, decoded)) yield message;
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
