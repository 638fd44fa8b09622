import { z } from 'zod';
import { ConfigurationError } from './errors.ts';

/** Text of a user message. */
export interface TextInput {
  type: 'text';
  text: string;
}

/** An image of a user message, inline (base64) or by URL, as the Messages API takes it. */
export interface ImageInput {
  type: 'image';
  source:
    | { type: 'base64'; media_type: 'image/jpeg' | 'image/png' | 'image/gif' | 'image/webp'; data: string }
    | { type: 'url'; url: string };
}

export type UserContentBlock = TextInput | ImageInput;

/**
 * What a turn asks: text, or content blocks (text and images) sent to the CLI as one user message. Plain data, so a
 * request can be queued or stored as it is.
 */
export type Prompt = string | readonly UserContentBlock[];

const BlockSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('image'),
    source: z.discriminatedUnion('type', [
      z.strictObject({
        type: z.literal('base64'),
        media_type: z.enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp']),
        data: z.string().min(1, 'must not be empty'),
      }),
      z.strictObject({ type: z.literal('url'), url: z.url() }),
    ]),
  }),
]);

/**
 * The prompt, checked: a string, or a non-empty array of valid blocks. Throws `ConfigurationError` naming the first
 * problem; blankness is the caller's to check (see `preparePrompt`).
 */
export function checkPrompt(prompt: unknown): Prompt {
  if (typeof prompt === 'string') return prompt;
  if (!Array.isArray(prompt)) {
    throw new ConfigurationError({
      field: 'prompt',
      problem: `must be a string or an array of content blocks, got ${prompt === null ? 'null' : typeof prompt}`,
    });
  }
  if (prompt.length === 0)
    throw new ConfigurationError({ field: 'prompt', problem: 'has no content blocks' });
  const parsed = z.array(BlockSchema).safeParse(prompt);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigurationError({ field: `prompt.${issue.path.join('.')}`, problem: issue.message });
  }
  return parsed.data;
}

/**
 * The prompt as text, for what records and shows prompts (traces, spans, logs): the text blocks joined by blank
 * lines, each image as `[image]`. Image data is never copied into records.
 */
export function promptText(prompt: Prompt): string {
  if (typeof prompt === 'string') return prompt;
  return prompt.map((block) => (block.type === 'text' ? block.text : '[image]')).join('\n\n');
}
