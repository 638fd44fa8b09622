import { type Executor, querySimple } from '@ccflow/core';

/** Your code: one line about a text, from a small model. */
export async function summarize(text: string, executor?: Executor): Promise<string> {
  return querySimple(`Summarize in one line:\n\n${text}`, { model: 'haiku', maxTurns: 1 }, { executor });
}
