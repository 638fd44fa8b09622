import { aggregateUsage, barChart, rowChart } from '../charts.ts';
import { type Html, href, html } from '../html.ts';
import { count, layout, usd } from '../layout.ts';
import type { ReadStore } from '../read-store.ts';

export const RANGES = [7, 30, 90, 365] as const;
const DAY = 86_400_000;

/** Cost and tokens per day and per model over the last `days` days (UTC), to `now`. */
export function usagePage(store: ReadStore, days: number, now: number): Html {
  const from = (Math.floor(now / DAY) - days + 1) * DAY;
  const usage = aggregateUsage(store.usage(from, now), from, now);
  const every = Math.ceil(usage.days.length / 10);
  const dayLabel = (d: string) => d.slice(5);
  return layout(
    'Cost and tokens',
    '/usage',
    html`<nav class="ranges">${RANGES.map(
      (r) =>
        html`<a href="${href('/usage', { days: r })}"${r === days ? html` aria-current="page"` : ''}>${r} days</a> `,
    )}</nav>
<section id="usage" data-live>
<p>${count(usage.total.traces)} traces, ${usd(usage.total.costUsd)}, ${count(usage.total.inputTokens)} input and ${count(usage.total.outputTokens)} output tokens in the last ${days} days.</p>
${barChart(
  'Cost per day (USD)',
  usage.days.map((d) => ({ label: dayLabel(d.day), value: d.costUsd })),
  usd,
  every,
)}
${barChart(
  'Tokens per day (input + output)',
  usage.days.map((d) => ({ label: dayLabel(d.day), value: d.inputTokens + d.outputTokens })),
  count,
  every,
)}
${rowChart(
  'Cost per model (USD)',
  usage.models.map((m) => ({ label: m.model, value: m.costUsd })),
  usd,
)}
<table class="list"><thead><tr><th>Model</th><th class="num">Traces</th><th class="num">Input tokens</th>
<th class="num">Output tokens</th><th class="num">Cost</th></tr></thead><tbody>${usage.models.map(
      (
        m,
      ) => html`<tr><td>${m.model}</td><td class="num">${count(m.traces)}</td><td class="num">${count(m.inputTokens)}</td>
<td class="num">${count(m.outputTokens)}</td><td class="num">${usd(m.costUsd)}</td></tr>`,
    )}</tbody></table>
</section>`,
  );
}
