import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Message } from '@ccflow/parser';
import { descendantsOf, reply } from '@ccflow/testing';
import { useClaudeSandbox } from '@ccflow/testing/vitest';
import { expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import type { CliAgentOptions } from '../src/options.ts';

// Secrets never appear in the CLI's argv, which any local user can read in /proc/<pid>/cmdline for the whole run,
// and values larger than argv allows (128 KiB each) work. Two CLI runs.

const sandbox = useClaudeSandbox();

/** The argv of every process below us, as they are now. */
const cmdlines = () =>
  descendantsOf(process.pid).flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')];
    } catch {
      return [];
    }
  });

async function run(options: CliAgentOptions, onRequest: () => void): Promise<Message[]> {
  const executor = new CliExecutor(sandbox.executorOptions);
  sandbox.api.enqueue(() => {
    onRequest();
    return options.jsonSchema ? reply.structured({ ok: true }) : reply.text('done');
  });
  const messages: Message[] = [];
  for await (const m of executor.execute({ prompt: 'go', options })) messages.push(m);
  return messages;
}

it('system prompts, MCP servers, settings, agents and the schema reach the CLI but never its argv', async () => {
  const secret = (name: string) => `sk-ant-${name}-0123456789abcdef`;
  const options: CliAgentOptions = {
    systemPrompt: `You know ${secret('system')}.`,
    appendSystemPrompt: `Also ${secret('append')}.`,
    mcpServers: {
      local: { command: 'nonexistent-mcp-server', env: { TOKEN: secret('mcp-env') } },
      remote: {
        transport: 'http',
        url: 'http://127.0.0.1:9/mcp',
        headers: { Authorization: secret('header') },
      },
    },
    settings: { env: { SETTINGS_TOKEN: secret('settings') } },
    agents: { helper: { description: 'Helps', prompt: `Use ${secret('agent')}.` } },
    jsonSchema: {
      type: 'object',
      description: secret('schema'),
      properties: { ok: { type: 'boolean' } },
      required: ['ok'],
    },
  };
  let seen: string[][] = [];
  const messages = await run(options, () => {
    seen = cmdlines();
  });
  const cli = seen.find((argv) => argv.includes('--print'));
  expect(cli, 'the CLI was running when the API was called').toBeDefined();
  const argv = seen.flat().join(' ');
  for (const name of ['system', 'append', 'mcp-env', 'header', 'settings', 'agent', 'schema']) {
    expect(argv).not.toContain(secret(name));
  }
  // They took effect: the system prompt reached the API, the schema gave a structured result.
  const request = sandbox.api.requests.find((r) => r.path === '/v1/messages');
  expect(JSON.stringify(request?.body.system)).toContain(secret('system'));
  expect(JSON.stringify(request?.body.system)).toContain(secret('append'));
  expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, structuredOutput: { ok: true } });
  // The files were the owner's alone, and are gone.
  const paths = cli!.filter((a) => a.includes('-file=') || /^--(mcp-config|settings|agents)=/.test(a));
  expect(paths.length).toBe(5);
  for (const arg of paths) expect(existsSync(arg.slice(arg.indexOf('=') + 1))).toBe(false);
});

it('a 3 MB system prompt works (argv takes at most 128 KiB a value)', async () => {
  const big = `${'All work and no play. '.repeat(140_000)}END-OF-PROMPT`;
  expect(big.length).toBeGreaterThan(3_000_000);
  let mode: number | undefined;
  const messages = await run({ systemPrompt: big }, () => {
    const cli = cmdlines().find((argv) => argv.includes('--print'));
    const file = cli
      ?.find((a) => a.startsWith('--system-prompt-file='))
      ?.slice('--system-prompt-file='.length);
    mode = file === undefined ? undefined : statSync(file).mode & 0o777;
  });
  expect(mode).toBe(0o600);
  expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false });
  const request = sandbox.api.requests.find((r) => r.path === '/v1/messages');
  expect(JSON.stringify(request?.body.system)).toContain('END-OF-PROMPT');
});
