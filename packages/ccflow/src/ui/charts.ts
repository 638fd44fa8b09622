import { type Html, html } from './html.ts';
import type { UsageRow } from './read-store.ts';

const DAY = 86_400_000;

interface UsageTotals {
  traces: number;
  costUsd: number;
  inputTokens: number;
  outputTokens: number;
}

export interface Usage {
  /** Every UTC day of the range in order, days without traces at zero. */
  days: Array<{ day: string } & UsageTotals>;
  /** Every model of the range, most costly first (`(unknown)` for traces without one). */
  models: Array<{ model: string } & UsageTotals>;
  total: UsageTotals;
}

const zero = (): UsageTotals => ({ traces: 0, costUsd: 0, inputTokens: 0, outputTokens: 0 });

function add(into: UsageTotals, row: UsageRow): void {
  into.traces += row.traces;
  into.costUsd += row.cost_usd;
  into.inputTokens += row.input_tokens;
  into.outputTokens += row.output_tokens;
}

/** The rows of `ReadStore.usage` (per day and model) as the charts' series: per day, per model, in all. */
export function aggregateUsage(rows: readonly UsageRow[], from: number, to: number): Usage {
  const days = new Map<number, { day: string } & UsageTotals>();
  for (let d = Math.floor(from / DAY); d <= Math.floor(to / DAY); d++) {
    days.set(d, { day: new Date(d * DAY).toISOString().slice(0, 10), ...zero() });
  }
  const models = new Map<string, { model: string } & UsageTotals>();
  const total = zero();
  for (const row of rows) {
    const day = days.get(row.day);
    if (day !== undefined) add(day, row);
    const name = row.model ?? '(unknown)';
    let model = models.get(name);
    if (model === undefined) {
      model = { model: name, ...zero() };
      models.set(name, model);
    }
    add(model, row);
    add(total, row);
  }
  return {
    days: [...days.values()],
    models: [...models.values()].sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model)),
    total,
  };
}

/**
 * A bar chart as inline SVG, one bar per point with its label under it (every `labelEvery`-th) and its value
 * in the bar's tooltip. Only numbers the server computed go into attributes; labels are escaped text.
 */
export function barChart(
  title: string,
  points: ReadonlyArray<{ label: string; value: number }>,
  format: (value: number) => string,
  labelEvery = 1,
): Html {
  const width = 760;
  const height = 180;
  const bottom = 24;
  const left = 8;
  const max = Math.max(0, ...points.map((p) => p.value));
  const step = points.length === 0 ? 0 : (width - left) / points.length;
  const bar = Math.min(40, Math.max(1, step * 0.8));
  return html`<figure class="chart"><figcaption>${title} <span class="muted">(max ${format(max)})</span></figcaption>
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${title}" width="100%">
${points.map((p, i) => {
  const h = max === 0 ? 0 : ((height - bottom - 4) * p.value) / max;
  const x = left + i * step;
  return html`<g><rect class="bar" x="${x.toFixed(1)}" y="${(height - bottom - h).toFixed(1)}" width="${bar.toFixed(1)}" height="${h.toFixed(1)}"><title>${p.label}: ${format(p.value)}</title></rect>${
    i % labelEvery === 0
      ? html`<text x="${(x + bar / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${p.label}</text>`
      : ''
  }</g>`;
})}
<line class="axis" x1="${left}" y1="${height - bottom}" x2="${width}" y2="${height - bottom}"/>
</svg></figure>`;
}

/** A horizontal bar chart as inline SVG: one row per point, its label, its bar and its value. */
export function rowChart(
  title: string,
  points: ReadonlyArray<{ label: string; value: number }>,
  format: (value: number) => string,
): Html {
  const width = 760;
  const labelWidth = 200;
  const valueWidth = 110;
  const row = 24;
  const max = Math.max(0, ...points.map((p) => p.value));
  return html`<figure class="chart"><figcaption>${title}</figcaption>
<svg viewBox="0 0 ${width} ${Math.max(row, points.length * row)}" role="img" aria-label="${title}" width="100%">
${points.map((p, i) => {
  const w = max === 0 ? 0 : ((width - labelWidth - valueWidth) * p.value) / max;
  const y = i * row;
  return html`<g><text x="0" y="${y + 16}">${p.label}</text><rect class="bar" x="${labelWidth}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}"><title>${p.label}: ${format(p.value)}</title></rect><text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 16}">${format(p.value)}</text></g>`;
})}
</svg></figure>`;
}
