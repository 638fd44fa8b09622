import { existsSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ClaudeSandbox } from '../src/claude-sandbox.ts';
import { MessagesApiStandIn } from '../src/messages-api-stand-in.ts';
import { reply } from '../src/reply.ts';

// Four runs of the real CLI against the stand-in: each costs ~1.5 s of CPU, so keep them few.

const ARGS = ['-p', '--output-format', 'stream-json', '--verbose'];

let api: MessagesApiStandIn;
let box: ClaudeSandbox;

beforeEach(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
});

afterEach(async () => {
  box.close();
  await api.close();
});

function linesOf(lines: unknown[], type: string): any[] {
  return lines.filter((l): l is any => typeof l === 'object' && l !== null && (l as any).type === type);
}

function resultOf(lines: unknown[]): any {
  const results = linesOf(lines, 'result');
  expect(results).toHaveLength(1);
  return results[0];
}

function blocks(content: unknown): any[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : (content as any[]);
}

it('answers a prompt with a scripted text reply', async () => {
  api.enqueue(reply.text('Hello from the stand-in'));
  const run = await box.run(ARGS, { stdin: 'Say hello, please' });

  expect(run.exitCode, run.stderr).toBe(0);
  const [init] = linesOf(run.lines, 'system').filter((l) => l.subtype === 'init');
  expect(init).toMatchObject({ apiKeySource: 'ANTHROPIC_API_KEY', session_id: expect.any(String) });
  expect(resultOf(run.lines)).toMatchObject({ is_error: false, result: 'Hello from the stand-in' });

  expect(api.requests).toHaveLength(1);
  const [request] = api.messageRequests;
  expect(request).toMatchObject({ method: 'POST', path: '/v1/messages', query: { beta: 'true' } });
  expect(request!.body.stream).toBe(true);
  expect(request!.headers['x-api-key']).toBe('[redacted]');
  // The CLI appends a `system` role message after the user's, so look for the last *user* message.
  const lastUser = request!.body.messages.findLast((m: any) => m.role === 'user');
  expect(
    blocks(lastUser.content).some((b) => b.type === 'text' && b.text.includes('Say hello, please')),
  ).toBe(true);

  expect(existsSync(box.sessionFile(init.session_id))).toBe(true);
});

it('runs a scripted tool call and sends its result back', async () => {
  api.enqueue(reply.toolUse('Bash', { command: 'echo tool-ran', description: 'x' }), reply.text('done'));
  const run = await box.run([...ARGS, '--allowedTools', 'Bash'], { stdin: 'Run the tool' });

  expect(run.exitCode, run.stderr).toBe(0);
  expect(resultOf(run.lines)).toMatchObject({ is_error: false, result: 'done' });
  expect(api.messageRequests).toHaveLength(2);
  expect(api.pending).toBe(0);

  const toolUse = api.messageRequests[1]!.body.messages.flatMap((m: any) =>
    m.role === 'assistant' ? blocks(m.content) : [],
  ).find((b: any) => b.type === 'tool_use');
  expect(toolUse).toMatchObject({ name: 'Bash', input: { command: 'echo tool-ran' } });
  const toolResult = api.messageRequests[1]!.body.messages.flatMap((m: any) =>
    m.role === 'user' ? blocks(m.content) : [],
  ).find((b: any) => b.type === 'tool_result');
  expect(toolResult.tool_use_id).toBe(toolUse.id);
  expect(JSON.stringify(toolResult.content)).toContain('tool-ran');
});

it('gets structured output through the StructuredOutput tool', async () => {
  api.enqueue(reply.structured({ answer: 4 }));
  const schema = { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] };
  const run = await box.run([...ARGS, '--json-schema', JSON.stringify(schema)], { stdin: 'What is 2 + 2?' });

  expect(run.exitCode, run.stderr).toBe(0);
  const result = resultOf(run.lines);
  expect(result.is_error).toBe(false);
  expect(result.structured_output).toEqual({ answer: 4 });
  expect(JSON.parse(result.result)).toEqual({ answer: 4 });
  // The turn ends with the tool call: no request after it.
  expect(api.messageRequests).toHaveLength(1);
  expect(api.messageRequests[0]!.body.tools.map((t: any) => t.name)).toContain('StructuredOutput');
});

it('reports an HTTP 401 as an error result and exits 1', async () => {
  api.enqueue(reply.error(401));
  const run = await box.run(ARGS, { stdin: 'Hello?' });

  expect(run.exitCode).toBe(1);
  expect(resultOf(run.lines)).toMatchObject({ is_error: true, api_error_status: 401 });
  expect(api.messageRequests).toHaveLength(1);
});
