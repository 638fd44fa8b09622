import { type ContextEncoding, withContext } from './context-block.ts';
import { ConfigurationError } from './errors.ts';
import type { ResolvedOptions } from './options.ts';

/**
 * The text the CLI is given for a request: `prompt` with `options.context` attached (see `withContext`; TOON unless
 * `toon.enabled` is false or, unset, `toonEnabled` (`CCFLOW_TOON_ENABLED`) is). The one place a context becomes
 * prompt text: `CLIExecutor` applies it to every request, so every route gets it; `Session` applies it itself (it
 * counts the savings) and passes no context on, so nothing is attached twice.
 *
 * Throws `ConfigurationError` for a prompt that is not a string or is blank (the CLI would answer a blank one
 * with a notice as if it were an answer), and what `withContext` throws for a context it cannot encode.
 */
export function preparePrompt(
  prompt: unknown,
  options: Pick<ResolvedOptions, 'context' | 'toon'>,
  toonEnabled: boolean,
): { prompt: string; encoding: ContextEncoding | undefined } {
  if (typeof prompt !== 'string') {
    throw new ConfigurationError(
      'prompt',
      `must be a string, got ${prompt === null ? 'null' : typeof prompt}`,
    );
  }
  const toon = { ...options.toon, enabled: options.toon.enabled ?? toonEnabled };
  const prepared = withContext(prompt, options.context, toon);
  if (prepared.prompt.trim() === '') {
    throw new ConfigurationError('prompt', 'is empty or only whitespace: there is nothing to ask');
  }
  return prepared;
}
