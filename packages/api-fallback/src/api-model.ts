import { runtime } from '@ccflow/core';
import { normalizeModelName, PRICE_TABLE, type PriceTable } from '@ccflow/pricing';

/**
 * The model id to send the Messages API for a model name the CLI accepts. The API takes ids only; the CLI also
 * takes aliases (`sonnet`, `opus`, `haiku`, `fable`, `best`, `default`, `opusplan`) and context tags (`sonnet[1m]`).
 *
 * Aliases are resolved by `@ccflow/pricing`'s price table (default: the process-wide `PRICE_TABLE`), whose aliases
 * are the CLI's own, read from Claude Code's model catalog (`PriceTable.extend({ aliases })` repoints them): to the
 * model's API id (`apiId`, a dated snapshot where the API needs one), else its canonical id. Any other name is a
 * model id and is sent as it is, so a snapshot or a model newer than the table is never swapped. A context tag is
 * dropped: the API path asks for no long-context beta, so the model's standard context applies.
 */
export function apiModel(name: string, table: PriceTable = runtime.get(PRICE_TABLE)): string {
  const { name: normalized, contextTag } = normalizeModelName(name);
  if (Object.hasOwn(table.aliases, normalized)) {
    const entry = table.resolve(normalized);
    if (entry) return entry.apiId ?? entry.id;
  }
  return contextTag === undefined ? name.trim() : name.replace(/\[\d+m\]/gi, '').trim();
}
