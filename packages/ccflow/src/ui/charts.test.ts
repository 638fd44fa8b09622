import { describe, expect, it } from 'vitest';
import { aggregateUsage, barChart, rowChart } from './charts.ts';

const DAY = 86_400_000;
const d0 = Date.UTC(2026, 0, 30);

describe('aggregateUsage', () => {
  const rows = [
    { day: d0 / DAY, model: 'opus', traces: 2, cost_usd: 0.5, input_tokens: 100, output_tokens: 10 },
    { day: d0 / DAY, model: 'sonnet', traces: 1, cost_usd: 0.25, input_tokens: 50, output_tokens: 5 },
    { day: d0 / DAY + 2, model: 'sonnet', traces: 3, cost_usd: 1, input_tokens: 300, output_tokens: 30 },
    { day: d0 / DAY + 2, model: null, traces: 1, cost_usd: 0, input_tokens: 7, output_tokens: 1 },
  ];

  it('gives every day of the range (empty days at zero), models by cost, and the total', () => {
    const usage = aggregateUsage(rows, d0, d0 + 2 * DAY + 5);
    expect(usage.days.map((d) => [d.day, d.traces, d.costUsd, d.inputTokens + d.outputTokens])).toEqual([
      ['2026-01-30', 3, 0.75, 165],
      ['2026-01-31', 0, 0, 0],
      ['2026-02-01', 4, 1, 338],
    ]);
    expect(usage.models.map((m) => [m.model, m.traces, m.costUsd])).toEqual([
      ['sonnet', 4, 1.25],
      ['opus', 2, 0.5],
      ['(unknown)', 1, 0],
    ]);
    expect(usage.total).toEqual({ traces: 7, costUsd: 1.75, inputTokens: 457, outputTokens: 46 });
  });

  it('an empty store gives zero days and no models', () => {
    const usage = aggregateUsage([], d0, d0 + 6 * DAY);
    expect(usage.days).toHaveLength(7);
    expect(usage.days.every((d) => d.traces === 0)).toBe(true);
    expect(usage.models).toEqual([]);
  });
});

describe('barChart', () => {
  it('draws bars in proportion to the values, the labels escaped', () => {
    const svg = barChart(
      't',
      [
        { label: '<a>', value: 1 },
        { label: 'b', value: 2 },
        { label: 'c', value: 0 },
      ],
      String,
    ).toString();
    const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights[1]).toBeGreaterThan(0);
    expect(heights).toEqual([heights[1]! / 2, heights[1], 0]);
    expect(svg).toContain('&lt;a&gt;');
    expect(svg).not.toContain('<a>');
  });

  it('rowChart: one row per point, widths in proportion, labels escaped', () => {
    const svg = rowChart(
      'm',
      [
        { label: 'opus', value: 4 },
        { label: '<b>', value: 1 },
      ],
      String,
    ).toString();
    const widths = [...svg.matchAll(/<rect class="bar"[^>]* width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeGreaterThan(0);
    expect(widths[1]).toBeCloseTo(widths[0]! / 4, 1);
    expect(svg).toContain('&lt;b&gt;');
  });
});
