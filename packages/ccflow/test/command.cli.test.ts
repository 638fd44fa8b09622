import { CliExecutor } from '@ccflow/core';
import { ClaudeSandbox, MessagesApiStandIn, reply } from '@ccflow/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main } from '../src/cli.ts';

// `ccflow query` with the real CLI against the stand-in: two runs.

let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let executor: CliExecutor;

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
  executor = new CliExecutor({ cliPath: box.cliPath, env: box.env, defaultOptions: { cwd: box.cwd } });
});
afterAll(async () => {
  box.close();
  await api.close();
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: { write: (s: string) => out.push(s) },
    stderr: { write: (s: string) => err.push(s) },
  };
}

it('streams the answer as it arrives and passes model and system prompt to the CLI', async () => {
  api.enqueue(reply.text('Pipes carry the bytes', { deltaSize: 4 }));
  const io = capture();
  const code = await main(['query', '-m', 'haiku', '--system-prompt=-be brief', 'Write a haiku'], {
    ...io,
    executor,
  });
  expect(code, io.err.join('')).toBe(0);
  expect(io.out.join('')).toBe('Pipes carry the bytes\n');
  expect(io.out.length).toBeGreaterThan(3);
  const [request] = api.messageRequests;
  expect(JSON.stringify(request?.body.system)).toContain('-be brief');
  expect(request?.body.model).toMatch(/haiku/);
});

it('a failed query exits 1 with one line naming the error', async () => {
  api.enqueue(reply.error(401, { message: 'invalid x-api-key' }));
  const io = capture();
  expect(await main(['query', 'hi'], { ...io, executor })).toBe(1);
  expect(io.err).toHaveLength(1);
  expect(io.err[0]).toMatch(/^ccflow: CLI_AUTHENTICATION: .+\n$/);
});
