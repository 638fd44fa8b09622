/**
 * Streams a recorded Claude Code transcript (`stream-json`) through @ccflow/parser and prints it as a person would
 * want to read it: text as it streams, tool calls and their results, and the final cost.
 *
 *   pnpm start                      # the bundled transcript
 *   pnpm start path/to/session.ndjson
 *   claude -p "hi" --output-format stream-json --verbose | pnpm start -
 */
import { createReadStream } from 'node:fs';
import { parseMessages } from '@ccflow/parser';

const path = process.argv[2] ?? new URL('./transcript.ndjson', import.meta.url).pathname;
const source = path === '-' ? process.stdin : createReadStream(path);

for await (const message of parseMessages(source)) {
  switch (message.type) {
    case 'system':
      if (message.subtype === 'init') console.log(`[session ${message.sessionId} · ${message.model}]`);
      if (message.subtype === 'api_retry') console.log(`[retry ${message.attempt}: ${message.error}]`);
      break;
    case 'thinking':
      process.stdout.write(`\x1b[2m${message.content}\x1b[0m`);
      break;
    case 'text':
      process.stdout.write(message.content);
      break;
    case 'tool_use':
      console.log(`\n→ ${message.tool} ${JSON.stringify(message.args)}`);
      break;
    case 'tool_result':
      console.log(`← ${message.isError ? 'error: ' : ''}${message.result}`);
      break;
    case 'result':
      console.log(
        `\n[${message.isError ? `failed (${message.subtype})` : 'done'} · ${message.numTurns} turns · ` +
          `${message.usage.inputTokens} in / ${message.usage.outputTokens} out · $${message.totalCostUsd.toFixed(4)}]`,
      );
      break;
    case 'error':
      console.error(`[line ${message.line} unreadable: ${message.code}]`);
      break;
  }
}
