import { setTimeout as sleep } from 'node:timers/promises';
import type { Message } from '@ccflow/parser';
import { MessageParser } from '@ccflow/parser';
import { mockLines } from '@ccflow/testing';
import { describe, expect, it } from 'vitest';
import type { Connection } from './connection.ts';
import { CliTimeoutError } from './errors.ts';
import { runTurn } from './turn.ts';

/** A connection whose one turn answers with a result after `delayMs`, busy with a host callback meanwhile or not. */
function slowConnection(delayMs: number, waitingOnHost: boolean) {
  const [result] = new MessageParser().parse(mockLines.result({ sessionId: 's' })) as Message[];
  let closed = false;
  const connection: Connection = {
    sessionId: 's',
    get isOpen() {
      return !closed;
    },
    waitingOnHost,
    send: async () => {},
    messages: {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          await sleep(delayMs);
          return closed ? { done: true, value: undefined } : { done: false, value: result! };
        },
      }),
    },
    control: async () => ({}),
    interrupt: async () => {},
    close: async () => {
      closed = true;
    },
    [Symbol.asyncDispose]: async () => {},
  };
  return connection;
}

async function outcome(connection: Connection) {
  const messages: Message[] = [];
  try {
    for await (const m of runTurn(connection, { prompt: 'hi', idleTimeoutMs: 100 })) messages.push(m);
  } catch (error) {
    return { messages, error };
  }
  return { messages, error: undefined };
}

describe('runTurn idle limit', () => {
  it('does not count time the CLI waits for a host callback', async () => {
    const { messages, error } = await outcome(slowConnection(400, true));
    expect(error).toBeUndefined();
    expect(messages.map((m) => m.type)).toEqual(['result']);
  });

  it('counts silence otherwise', async () => {
    const connection = slowConnection(400, false);
    const { messages, error } = await outcome(connection);
    expect(CliTimeoutError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'idle' });
    expect(messages.at(-1)).toMatchObject({ type: 'result', raw: { ccflow_synthetic: true } });
    expect(connection.isOpen).toBe(false);
  });
});
