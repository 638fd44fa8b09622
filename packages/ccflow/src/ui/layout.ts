import { SESSION_STATUSES } from '@ccflow/sessions';
import { TRACE_STATUSES } from '@ccflow/tracing';
import { type Html, type HtmlValue, html } from './html.ts';

const NAV = [
  ['/', 'Projects'],
  ['/sessions', 'Sessions'],
  ['/usage', 'Cost and tokens'],
  ['/search', 'Search'],
] as const;

/** A whole page: the navigation, then `body`. Every page loads the one script and the one style sheet. */
export function layout(title: string, active: string, body: HtmlValue): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · ccflow</title>
<link rel="stylesheet" href="/assets/ui.css">
<script src="/assets/ui.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">ccflow</a><nav>${NAV.map(
    ([path, label]) =>
      html`<a href="${path}"${active === path ? html` aria-current="page"` : ''}>${label}</a>`,
  )}</nav><span id="live" class="live" hidden>live</span></header>
<main>
<h1>${title}</h1>
${body}
</main>
</body>
</html>
`;
}

/** US dollars: four decimals, more for amounts under a cent so they do not show as zero. */
export function usd(value: number): string {
  if (value === 0) return '$0';
  return `$${value.toFixed(Math.abs(value) < 0.01 ? 6 : 4)}`;
}

export function count(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A time as `YYYY-MM-DD HH:MM:SS` UTC. */
export function when(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** The statuses a badge has a class for. */
const KNOWN_STATUSES: ReadonlySet<string> = new Set([...SESSION_STATUSES, ...TRACE_STATUSES]);

/** A status as a coloured badge (the class is one of a fixed set, whatever the store holds). */
export function status(value: string): Html {
  return html`<span class="badge ${KNOWN_STATUSES.has(value) ? value : 'other'}">${value}</span>`;
}

export const sessionPath = (id: string): string => `/sessions/${encodeURIComponent(id)}`;
export const tracePath = (id: string): string => `/traces/${encodeURIComponent(id)}`;

/** Pretty JSON of a stored JSON text (as is when it does not parse). */
export function prettyJson(text: string | null): string {
  if (text === null) return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
