/**
 * A stand-in for a live CLI, for unit tests of the warm pool's bookkeeping (sizing, reuse, eviction, drain) without
 * spawning: `/clear` starts a new session id as the real CLI does; every other prompt is one turn of that session.
 * Not exported: the real CLI is tested in `test/warm-pool.cli.test.ts`.
 */
import { randomUUID } from 'node:crypto';
import { CliExecutionError, type ControlRequest, type ControlResponse, type Prompt } from '@ccflow/core';
import { type Message, MessageParser } from '@ccflow/parser';
import { mockLines } from '@ccflow/testing';
import type { WarmConnection } from '../src/leased-connection.ts';

let serial = 0;

class FakeCli implements WarmConnection {
  /** Our own pid, so `/proc/<pid>/status` can be read for the memory cap. */
  readonly pid = process.pid;
  readonly serial = ++serial;
  readonly waitingOnHost = false;
  readonly sent: string[] = [];
  readonly controls: ControlRequest[] = [];
  sessionId: string | undefined;
  isOpen = true;
  closed = false;
  /** Background tasks the next `/clear` reports still running (as the real CLI does for a background Bash). */
  backgroundTasks = 0;
  /** While set, a turn's result waits for `release()`. */
  hold: Promise<void> | undefined;
  #session = randomUUID();
  readonly #parser = new MessageParser();
  readonly #queue: Message[] = [];
  #wake: (() => void) | undefined;
  #dead = false;
  readonly messages: AsyncIterable<Message>;

  constructor() {
    const iterator: AsyncIterator<Message> = {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
    this.messages = { [Symbol.asyncIterator]: () => iterator };
  }

  async initializationResult(): Promise<unknown> {
    return {};
  }

  async send(prompt: Prompt): Promise<void> {
    if (!this.isOpen) throw new CliExecutionError({ message: 'closed' });
    const text = typeof prompt === 'string' ? prompt : JSON.stringify(prompt);
    this.sent.push(text);
    if (text === '/clear') {
      const tasks = Array.from({ length: this.backgroundTasks }, (_, i) => ({
        task_id: `t${i}`,
        task_type: 'local_bash',
        description: 'bg',
      }));
      this.#push({ type: 'system', subtype: 'background_tasks_changed', tasks, uuid: randomUUID() });
      this.#session = randomUUID();
    }
    const sessionId = this.#session;
    this.#push(mockLines.init({ sessionId }));
    const result = mockLines.result({ sessionId, result: `re: ${text}` });
    const hold = this.hold;
    if (hold) void hold.then(() => this.#push(result));
    else this.#push(result);
  }

  async control(request: ControlRequest): Promise<ControlResponse> {
    this.controls.push(request);
    return {};
  }

  async interrupt(): Promise<void> {
    await this.control({ subtype: 'interrupt' });
  }

  async close(): Promise<void> {
    this.isOpen = false;
    this.closed = true;
    this.#wake?.();
  }

  /** The process dies on its own. */
  kill(): void {
    this.#dead = true;
    this.isOpen = false;
    this.#wake?.();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #push(line: unknown): void {
    for (const m of this.#parser.parse(structuredClone(line))) {
      if (m.type === 'system' && m.subtype === 'init') this.sessionId = m.sessionId;
      this.#queue.push(m);
    }
    this.#wake?.();
  }

  async #next(): Promise<IteratorResult<Message>> {
    for (;;) {
      const m = this.#queue.shift();
      if (m) return { done: false, value: m };
      if (this.#dead) throw new CliExecutionError({ message: 'claude was killed by SIGKILL' });
      if (!this.isOpen) return { done: true, value: undefined };
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }
}

/** A `spawn` seam for `WarmPool` that records every fake it starts and what it was started with. */
export function fakeSpawner() {
  const started: { cli: FakeCli; options: unknown; host: unknown }[] = [];
  const spawn = async (request: { options?: unknown; host?: unknown }) => {
    const cli = new FakeCli();
    started.push({ cli, options: request.options, host: request.host });
    return cli;
  };
  return { spawn, started };
}
