export {
  collectText,
  collectThinking,
  extractThinkingFromAssistant,
  extractThinkingTokens,
} from './collect.ts';
export { MessageParser } from './message-parser.ts';
export * from './messages.ts';
export {
  type Chunk,
  DEFAULT_MAX_LINE_BYTES,
  type DecodedLine,
  type DecodeOptions,
  decodeNdjson,
  NdjsonDecoder,
} from './ndjson-decoder.ts';
export { messagesOf, parseMessages, parseTranscript } from './parse-messages.ts';
export { fromReadableStream } from './web-stream.ts';
