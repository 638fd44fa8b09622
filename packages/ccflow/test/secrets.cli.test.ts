import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliExecutor, withTracing } from '@ccflow/core';
import { SQLiteProjectStore, SQLiteSessionStore, SQLiteTraceStore } from '@ccflow/stores-sqlite';
import { ClaudeSandbox, MessagesApiStandIn, reply } from '@ccflow/testing';
import { Project } from '@ccflow/tracing';
import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';

// Secrets a tool prints, a user passes or a model repeats reach no SQLite file and no span. One CLI run.

const tag = randomUUID().slice(0, 8);
const secret = {
  optionsEnv: `opt-env-${tag}-value`,
  processAuth: `proc-auth-${tag}-token`,
  promptKey: `sk-ant-api03-${tag}PromptKey`,
  bearer: `bearer${tag}tok`,
  urlPassword: `urlpw${tag}`,
  mcpArg: `mcp-arg-${tag}`,
  mcpSeparateArg: `mcp-sep-${tag}`,
  mcpEnv: `mcp-env-${tag}`,
  mcpHeader: `mcp-hdr-${tag}`,
  settingsEnv: `settings-env-${tag}`,
};

const exporter = new InMemorySpanExporter();
let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let dir: string;
const savedAuth = process.env.ANTHROPIC_AUTH_TOKEN;

beforeAll(async () => {
  trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
  );
  process.env.ANTHROPIC_AUTH_TOKEN = secret.processAuth;
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url, env: { ANTHROPIC_AUTH_TOKEN: secret.processAuth } });
  dir = mkdtempSync(join(tmpdir(), 'ccflow-secrets-'));
});
afterAll(async () => {
  trace.disable();
  if (savedAuth === undefined) delete process.env.ANTHROPIC_AUTH_TOKEN;
  else process.env.ANTHROPIC_AUTH_TOKEN = savedAuth;
  box.close();
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte of the database and its WAL, as text. */
const databaseBytes = () =>
  readdirSync(dir)
    .map((f) => readFileSync(join(dir, f)).toString('latin1'))
    .join('\n');

it('a Bash tool printing the environment, secrets in the prompt, MCP servers and settings: no secret stored or traced', async () => {
  const dbPath = join(dir, 'ccflow.db');
  const sessionStore = new SQLiteSessionStore(dbPath);
  const traceStore = new SQLiteTraceStore(dbPath);
  const store = new SQLiteProjectStore(dbPath);
  const executor = withTracing(
    new CliExecutor({ cliPath: box.cliPath, env: box.env, defaultOptions: { cwd: box.cwd } }),
  );
  const project = new Project({ name: 'secrets', store, traceStore, sessionStore, executor });
  await project.save();
  const session = project.createSession(
    {
      permissionMode: 'bypassPermissions',
      env: { MY_SECRET: secret.optionsEnv },
      settings: JSON.stringify({ env: { SETTINGS_SECRET: secret.settingsEnv } }),
      mcpServers: {
        db: {
          command: 'true',
          args: [`--api-key=${secret.mcpArg}`, '--token', secret.mcpSeparateArg],
          env: { DB_PASS: secret.mcpEnv },
        },
        web: { transport: 'http', url: 'http://127.0.0.1:9/mcp', headers: { 'X-Api-Key': secret.mcpHeader } },
      },
    },
    { detailed: true },
  );

  // The tool prints the secrets first (so a failed tool's span status shows them), then the environment, and fails.
  const command = [
    'echo "MY_SECRET=$MY_SECRET SETTINGS_SECRET=$SETTINGS_SECRET"',
    `echo "dsn https://alice:${secret.urlPassword}@db.example/x"`,
    'env',
    'exit 3',
  ].join('; ');
  api.enqueue(
    reply.toolUse('Bash', { command }),
    reply.thinking(
      `The key is ${secret.promptKey}.`,
      `Your key ${secret.promptKey} and ${secret.optionsEnv}.`,
    ),
  );
  for await (const _ of session.sendMessage(
    `Use key ${secret.promptKey} with header "Authorization: Bearer ${secret.bearer}" and run env.`,
  ));

  // The CLI did run the tool with the secrets in its environment: the model was shown them.
  const shown = JSON.stringify(api.messageRequests.at(-1)?.body.messages);
  for (const value of [secret.optionsEnv, secret.settingsEnv, secret.processAuth, secret.urlPassword])
    expect(shown).toContain(value);

  const [stored] = await session.getTraces();
  expect(stored?.status).toBe('success');
  const call = stored?.toolCalls[0];
  expect(call?.isError).toBe(true);
  expect(call?.result).toContain('MY_SECRET=[redacted] SETTINGS_SECRET=[redacted]');
  expect(call?.result).toContain('dsn https://alice:[redacted]@db.example/x');
  expect(stored?.prompt).toBe(
    'Use key [redacted] with header "Authorization: Bearer [redacted]" and run env.',
  );
  expect(stored?.response).toBe('Your key [redacted] and [redacted].');
  expect(stored?.thinking).toBe('The key is [redacted].');
  expect(stored?.messageStream?.length).toBeGreaterThan(5);
  expect(stored?.optionsSnapshot).toMatchObject({ env: { MY_SECRET: '[redacted]' } });
  const state = await sessionStore.load(session.sessionId);
  expect(state?.options.mcpServers?.db).toMatchObject({ command: 'true' });

  const spans = exporter.getFinishedSpans();
  const toolSpan = spans.find((s) => s.name === 'execute_tool Bash');
  expect(toolSpan?.status.message).toContain('MY_SECRET=[redacted]');
  const spanText = JSON.stringify(
    spans.map((s) => [s.name, s.attributes, s.status, s.events.map((e) => [e.name, e.attributes])]),
  );

  // What was stored is the redacted text, not nothing.
  expect(databaseBytes()).toContain('MY_SECRET=[redacted]');
  for (const [name, value] of Object.entries(secret)) {
    expect(databaseBytes(), `${name} in the database`).not.toContain(value);
    expect(spanText, `${name} in a span`).not.toContain(value);
  }
  await Promise.all([sessionStore.close(), traceStore.close(), store.close()]);
  for (const [name, value] of Object.entries(secret))
    expect(databaseBytes(), `${name} in the checkpointed database`).not.toContain(value);
});
