/**
 * The three ways of running one prompt through the same CLI binary, each consuming everything the CLI prints and
 * returning once the CLI has exited (or, for the Agent SDK, once its stream has ended): what a caller waits for.
 */
import { spawn } from 'node:child_process';
import { query as sdkQuery } from '@anthropic-ai/claude-agent-sdk';
import { CliExecutor, query, resolveOptions } from '@ccflow/core';
import { buildCliEnv, buildCliLaunch } from '@ccflow/core/internal';

/** A CLI to run: the binary, its complete environment, its working directory. */
export interface CliTarget {
  cliPath: string;
  env: Record<string, string>;
  cwd: string;
}

/** What one run saw: messages (ccflow, Agent SDK) or stdout bytes (bare). */
export interface RunCount {
  messages: number;
  bytes: number;
}

/** ccflow: `query()` over a `CliExecutor`, every message consumed. Throws unless it ends with a success result. */
export function ccflowMode(target: CliTarget): (prompt: string) => Promise<RunCount> {
  const executor = new CliExecutor({ cliPath: target.cliPath, env: target.env });
  return async (prompt) => {
    let messages = 0;
    let ok = false;
    for await (const message of query(prompt, { cwd: target.cwd }, { executor })) {
      messages += 1;
      if (message.type === 'result') ok = !message.isError;
    }
    if (!ok) throw new Error('ccflow: no success result');
    return { messages, bytes: 0 };
  };
}

/**
 * The floor: `child_process.spawn` of the same binary with the args and environment ccflow builds for default
 * options, the same JSON user line on stdin, stdout read to its end without parsing. stdin is closed once the result
 * line has been seen (found by `resultMark`, also across chunk boundaries), as ccflow does: in stream-json input
 * mode the CLI waits for more input until then.
 *
 * `detached` spawns the CLI in a session of its own, as ccflow does (to signal its process group): a control that
 * separates what that costs from what ccflow's code costs.
 */
export function bareMode(
  target: CliTarget,
  resultMark: string,
  detached = false,
): (prompt: string) => Promise<RunCount> {
  const options = resolveOptions({});
  // No option here needs a private file.
  const { args } = buildCliLaunch(options, { write: () => '' });
  const env = buildCliEnv(options, target.env);
  const mark = Buffer.from(resultMark);
  return (prompt) =>
    new Promise((resolve, reject) => {
      const child = spawn(target.cliPath, args, {
        cwd: target.cwd,
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached,
      });
      let bytes = 0;
      let seen = false;
      // The last bytes of stdout so far and the first of the next chunk: where a mark split across two chunks is.
      const seam = Buffer.alloc(2 * (mark.length - 1));
      let tail = 0;
      child.stdin.on('error', () => {});
      child.stdin.write(`${JSON.stringify({ type: 'user', message: { role: 'user', content: prompt } })}\n`);
      child.stderr.resume();
      child.stdout.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (seen) return;
        const head = chunk.copy(seam, tail, 0, mark.length - 1);
        if (seam.subarray(0, tail + head).includes(mark) || chunk.includes(mark)) {
          seen = true;
          child.stdin.end();
          return;
        }
        // Keep the last `mark.length - 1` bytes of the stream as the next seam's start.
        const keep = Math.min(mark.length - 1, tail + chunk.length);
        if (chunk.length >= keep) chunk.copy(seam, 0, chunk.length - keep);
        else seam.copyWithin(0, tail + head - keep, tail + head);
        tail = keep;
      });
      child.once('error', reject);
      child.once('close', (code, signal) => {
        if (!seen) reject(new Error(`bare: no result line (exit ${code ?? signal})`));
        else if (code !== 0) reject(new Error(`bare: exit ${code ?? signal}`));
        else resolve({ messages: 0, bytes });
      });
    });
}

/**
 * The official Agent SDK's `query()` pointed at the same binary, environment and working directory, with no
 * settings files loaded (as ccflow by default), every message consumed.
 */
export function agentSdkMode(target: CliTarget): (prompt: string) => Promise<RunCount> {
  return async (prompt) => {
    let messages = 0;
    let ok = false;
    const stream = sdkQuery({
      prompt,
      options: {
        pathToClaudeCodeExecutable: target.cliPath,
        env: target.env,
        cwd: target.cwd,
        settingSources: [],
      },
    });
    for await (const message of stream) {
      messages += 1;
      if (message.type === 'result') ok = message.subtype === 'success' && !message.is_error;
    }
    if (!ok) throw new Error('agent-sdk: no success result');
    return { messages, bytes: 0 };
  };
}
