import { type ContextEncoding, withContext } from './context-block.ts';
import { ConfigurationError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import { checkPrompt, type Prompt, type UserContentBlock } from './prompt.ts';

/**
 * What the CLI is given for a request: `prompt` with `options.context` attached (see `withContext`; TOON unless
 * `toon.enabled` is false or, unset, `toonEnabled` (`CCFLOW_TOON_ENABLED`) is): after the text, or as a last text
 * block after content blocks. The one place a context becomes prompt text: `CliExecutor` applies it to every
 * request, so every route gets it; `Session` applies it itself (it counts the savings) and passes no context on, so
 * nothing is attached twice.
 *
 * Throws `ConfigurationError` for a prompt that is neither a string nor valid content blocks (see `checkPrompt`), or
 * that has no text and no image (the CLI would answer a blank one with a notice as if it were an answer), and what
 * `withContext` throws for a context it cannot encode.
 */
export function preparePrompt(
  prompt: string,
  options: Pick<ResolvedOptions, 'context' | 'toon'>,
  toonEnabled: boolean,
): { prompt: string; encoding: ContextEncoding | undefined };
export function preparePrompt(
  prompt: unknown,
  options: Pick<ResolvedOptions, 'context' | 'toon'>,
  toonEnabled: boolean,
): { prompt: Prompt; encoding: ContextEncoding | undefined };
export function preparePrompt(
  prompt: unknown,
  options: Pick<ResolvedOptions, 'context' | 'toon'>,
  toonEnabled: boolean,
): { prompt: Prompt; encoding: ContextEncoding | undefined } {
  const checked = checkPrompt(prompt);
  const toon = { ...options.toon, enabled: options.toon.enabled ?? toonEnabled };
  if (typeof checked === 'string') {
    const prepared = withContext(checked, options.context, toon);
    if (prepared.prompt.trim() === '') throw blank();
    return prepared;
  }
  const { prompt: block, encoding } = withContext('', options.context, toon);
  const blocks: UserContentBlock[] =
    block === '' ? [...checked] : [...checked, { type: 'text', text: block }];
  if (blocks.every((b) => b.type === 'text' && b.text.trim() === '')) throw blank();
  return { prompt: blocks, encoding };
}

function blank(): ConfigurationError {
  return new ConfigurationError({
    field: 'prompt',
    problem: 'is empty or only whitespace: there is nothing to ask',
  });
}
