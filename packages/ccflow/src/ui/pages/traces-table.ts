import { cell } from '../../commands/output.ts';
import { type Html, html } from '../html.ts';
import { count, duration, status, tracePath, usd, when } from '../layout.ts';
import type { TraceListRow } from '../read-store.ts';

/** Traces as a table linking to each trace page. */
export function tracesTable(rows: readonly TraceListRow[], empty = 'No traces.'): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table class="list"><thead><tr><th class="num">#</th><th>Prompt</th><th>Status</th><th>Model</th>
<th class="num">Tokens</th><th class="num">Cost</th><th class="num">Duration</th><th>Created (UTC)</th></tr></thead>
<tbody>${rows.map(
    (
      t,
    ) => html`<tr><td class="num">${t.sequence_number}</td><td><a href="${tracePath(t.trace_id)}">${cell(t.prompt, 120) || '(empty prompt)'}</a></td>
<td>${status(t.status)}</td><td class="nowrap">${t.model ?? ''}</td><td class="num">${count(t.input_tokens + t.output_tokens)}</td>
<td class="num">${usd(t.cost_usd)}</td><td class="num">${duration(t.duration_ms)}</td><td class="nowrap">${when(t.created_at)}</td></tr>`,
  )}</tbody></table>`;
}
