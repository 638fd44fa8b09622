import type { Message } from '@ccflow/parser';
import {
  ClaudeSandbox,
  childWithEnv,
  commOf,
  descendantsOf,
  isGone,
  killAll,
  MessagesApiStandIn,
  processesWithEnv,
  reply,
  until,
  zombieChildren,
} from '@ccflow/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CliExecutor } from '../src/cli-executor.ts';
import { CliTimeoutError } from '../src/errors.ts';
import type { CliAgentOptions } from '../src/options.ts';

/**
 * The real claude CLI (pinned 2.1.331) against the loopback stand-in: what only the real binary can prove. Kept few:
 * each run costs about 1.5 s of CPU.
 */

let api: MessagesApiStandIn;
let box: ClaudeSandbox;
let executor: CliExecutor;

beforeAll(async () => {
  api = await MessagesApiStandIn.start();
  box = new ClaudeSandbox({ baseUrl: api.url });
  // CLAUDECODE as inherited from a parent Claude Code session: ccflow drops it.
  executor = new CliExecutor({ cliPath: box.cliPath, env: { ...box.env, CLAUDECODE: '1' } });
});

afterAll(async () => {
  killAll(processesWithEnv(box.root));
  box.close();
  await api.close();
});

beforeEach(() => api.reset());

interface Outcome {
  messages: Message[];
  error: unknown;
  ms: number;
}

async function run(
  prompt: string,
  options: CliAgentOptions = {},
  init: { signal?: AbortSignal; onMessage?: (m: Message) => unknown } = {},
): Promise<Outcome> {
  const started = performance.now();
  const messages: Message[] = [];
  let error: unknown;
  try {
    for await (const m of executor.execute({
      prompt,
      options: { cwd: box.cwd, ...options },
      signal: init.signal,
    })) {
      messages.push(m);
      if ((await init.onMessage?.(m)) === 'break') break;
    }
  } catch (e) {
    error = e;
  }
  return { messages, error, ms: performance.now() - started };
}

/** The text blocks of the last user message the model was sent. */
function lastUserTexts(): string[] {
  const { messages } = api.messageRequests.at(-1)!.body as { messages: { role: string; content: unknown }[] };
  const last = messages.filter((m) => m.role === 'user').at(-1)!;
  const content = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content;
  return (content as { type: string; text?: string }[]).filter((b) => b.type === 'text').map((b) => b.text!);
}

describe('CliExecutor with the real CLI', () => {
  it('the prompt reaches the model exactly: several MB, a leading "-", quotes, newlines, $(), unicode', async () => {
    api.enqueue(reply.text('received'));
    const tricky = `-p --help "double" 'single' $(touch pwned) \`id\` \\n \n\n\ttab\r\n😀 日本語 \u2028 {"type":"result"}`;
    // About 2 MB: the CLI itself refuses more for its default model ("Prompt is too long", no request sent).
    const prompt = `${tricky}\n${'lorem ipsum '.repeat(170_000)}\n${tricky}`;
    expect(prompt.length).toBeGreaterThan(2_000_000);
    const { messages, error } = await run(prompt);
    expect(error).toBeUndefined();
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, result: 'received' });
    const texts = lastUserTexts();
    // The CLI puts a <system-reminder> block before the prompt; the prompt is its own block, byte for byte.
    expect(texts.at(-1)).toBe(prompt);
    expect(texts.slice(0, -1).every((t) => t.includes('<system-reminder>'))).toBe(true);
  });

  it("yields the CLI's api_retry lines: 529, retried once (maxRetries 1), then the answer", async () => {
    api.enqueue(reply.overloaded(), reply.text('after the retry'));
    const { messages, error } = await run('retry me', { maxRetries: 1 });
    expect(error).toBeUndefined();
    const retries = messages.filter((m) => m.type === 'system' && m.subtype === 'api_retry');
    expect(retries).toMatchObject([{ attempt: 1, maxRetries: 1, errorStatus: 529 }]);
    expect(messages.at(-1)).toMatchObject({ type: 'result', isError: false, result: 'after the retry' });
  });

  describe('stopping while a Bash tool runs `sleep` in its own session', () => {
    // 2.1.331 refuses a standalone `sleep N` ("Blocked: standalone sleep"), so the command does something first.
    const SLEEPING_TOOL = reply.toolUse('Bash', { command: 'echo started; sleep 30', description: 'wait' });

    /** Runs until the tool's `sleep` runs, then stops as `how` says; returns every pid of the tree seen running. */
    async function stopDuringTool(how: 'abort' | 'timeout' | 'break'): Promise<Outcome & { pids: number[] }> {
      api.enqueue(SLEEPING_TOOL, reply.text('never reached'));
      const controller = new AbortController();
      const pids = new Set<number>();
      const outcome = await run(
        'run the tool',
        { allowedTools: ['Bash'], ...(how === 'timeout' ? { timeoutMs: 4000 } : {}) },
        {
          signal: controller.signal,
          onMessage: async (m) => {
            if (m.type !== 'tool_use') return;
            const cli = childWithEnv(box.root)!;
            await until(
              () => descendantsOf(cli).some((pid) => commOf(pid) === 'sleep'),
              10_000,
              'sleep started',
            );
            for (const pid of [cli, ...descendantsOf(cli)]) pids.add(pid);
            expect([...pids].every((pid) => !isGone(pid))).toBe(true);
            if (how === 'abort') controller.abort(new Error('stop the tool'));
            if (how === 'break') return 'break';
            // The timeout fires while this message is held: the tree is stopped without waiting for the consumer.
            if (how === 'timeout') await until(() => isGone(cli), 15_000, 'claude stopped by the timeout');
          },
        },
      );
      return { ...outcome, pids: [...pids] };
    }

    function expectTreeGone(pids: number[]) {
      expect(pids.length).toBeGreaterThanOrEqual(3); // claude, the tool's shell, sleep
      expect(pids.filter((pid) => !isGone(pid))).toEqual([]);
      expect(processesWithEnv(box.root)).toEqual([]);
      expect(zombieChildren()).toEqual([]);
    }

    it('abort: a failed result, the reason thrown, and no process of the tree left', async () => {
      const { messages, error, pids, ms } = await stopDuringTool('abort');
      expect(error).toMatchObject({ message: 'stop the tool' });
      expect(messages.at(-1)).toMatchObject({
        type: 'result',
        isError: true,
        raw: { ccflow_synthetic: true },
      });
      expectTreeGone(pids);
      expect(ms).toBeLessThan(15_000);
    });

    it('timeout: CliTimeoutError, and no process of the tree left', async () => {
      const { error, pids } = await stopDuringTool('timeout');
      expect(error).toBeInstanceOf(CliTimeoutError);
      expectTreeGone(pids);
    });

    it('breaking out of the loop: no process of the tree left once the loop has returned', async () => {
      const { error, pids } = await stopDuringTool('break');
      expect(error).toBeUndefined();
      expectTreeGone(pids);
    });
  });
});
