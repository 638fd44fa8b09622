import { SESSION_STATUSES } from '@ccflow/sessions';
import { cell } from '../../commands/output.ts';
import { type Html, href, html } from '../html.ts';
import { count, layout, sessionPath, status, usd, when } from '../layout.ts';
import type { ReadStore, SessionListRow, SessionQuery } from '../read-store.ts';

export const PAGE_SIZE = 50;

/** The filters of the sessions page, as its query string holds them. */
export interface SessionFilters {
  status?: string;
  model?: string;
  tag?: string;
  /** `-`: sessions of no project. */
  project?: string;
  /** `YYYY-MM-DD`, UTC, inclusive. */
  from?: string;
  to?: string;
  /** `<created_at>~<session_id>` of the last row of the previous page. */
  after?: string;
}

const DAY = 86_400_000;

/** The filters of a query string: unknown keys and empty values ignored, bad dates and cursors a 400. */
export function sessionFilters(params: URLSearchParams): SessionFilters {
  const f: SessionFilters = {};
  for (const key of ['status', 'model', 'tag', 'project', 'from', 'to', 'after'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') f[key] = value;
  }
  return f;
}

/** A query string the pages cannot use: the router answers it with a 400 page; it never leaves the server. */
export class BadRequest extends Error {}

function day(value: string, name: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new BadRequest(`${name} must be a date YYYY-MM-DD, got ${value}`);
  return ms;
}

/** The store query of the filters, and of one page. */
function toQuery(f: SessionFilters, limit = PAGE_SIZE): SessionQuery {
  const q: SessionQuery = { limit };
  if (f.status !== undefined) q.status = f.status;
  if (f.model !== undefined) q.model = f.model;
  if (f.tag !== undefined) q.tag = f.tag;
  if (f.project !== undefined) q.projectId = f.project === '-' ? null : f.project;
  if (f.from !== undefined) q.from = day(f.from, 'from');
  if (f.to !== undefined) q.to = day(f.to, 'to') + DAY - 1;
  if (f.after !== undefined) {
    const cut = f.after.indexOf('~');
    const createdAt = Number(f.after.slice(0, cut));
    if (cut < 1 || !Number.isSafeInteger(createdAt)) throw new BadRequest(`bad page cursor ${f.after}`);
    q.after = { createdAt, sessionId: f.after.slice(cut + 1) };
  }
  return q;
}

function tags(row: SessionListRow): string[] {
  try {
    const parsed = JSON.parse(row.tags) as unknown;
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function options(values: readonly string[], selected: string | undefined, all: string): Html {
  return html`<option value="">${all}</option>${values.map(
    (v) => html`<option value="${v}"${v === selected ? html` selected` : ''}>${v}</option>`,
  )}`;
}

function sessionsTable(rows: readonly SessionListRow[], names: Map<string, string>): Html {
  if (rows.length === 0) return html`<p class="empty">No sessions match.</p>`;
  return html`<table class="list"><thead><tr><th>Created (UTC)</th><th>Session</th><th>Status</th><th>Model</th>
<th>Project</th><th class="num">Turns</th><th class="num">Tokens</th><th class="num">Cost</th><th>Tags</th></tr></thead>
<tbody>${rows.map(
    (
      s,
    ) => html`<tr><td class="nowrap">${when(s.created_at)}</td><td><a href="${sessionPath(s.session_id)}">${cell(s.title ?? s.session_id, 60)}</a></td>
<td>${status(s.status)}</td><td class="nowrap">${s.model ?? ''}</td><td>${s.project_id === null ? '' : (names.get(s.project_id) ?? s.project_id)}</td>
<td class="num">${s.turn_count}</td><td class="num">${count(s.total_input_tokens + s.total_output_tokens)}</td>
<td class="num">${usd(s.total_cost_usd)}</td><td>${tags(s).map((t) => html`<a class="tag" href="${href('/sessions', { tag: t })}">${t}</a> `)}</td></tr>`,
  )}</tbody></table>`;
}

export function sessionsPage(store: ReadStore, f: SessionFilters): Html {
  const rows = store.sessions(toQuery(f, PAGE_SIZE + 1));
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  const projects = store.projects();
  const names = new Map(projects.map((p) => [p.project_id, p.name]));
  const { after: _after, ...filters } = f;
  const next =
    rows.length > PAGE_SIZE && last !== undefined
      ? html`<a rel="next" href="${href('/sessions', { ...filters, after: `${last.created_at}~${last.session_id}` })}">Older →</a>`
      : '';
  const first = f.after === undefined ? '' : html`<a href="${href('/sessions', filters)}">← Newest</a>`;
  return layout(
    'Sessions',
    '/sessions',
    html`<form class="filters" method="get" action="/sessions">
<label>Status <select name="status">${options(SESSION_STATUSES, f.status, 'any')}</select></label>
<label>Model <select name="model">${options(store.models(), f.model, 'any')}</select></label>
<label>Project <select name="project"><option value="">any</option><option value="-"${f.project === '-' ? html` selected` : ''}>(no project)</option>${projects.map(
      (p) =>
        html`<option value="${p.project_id}"${p.project_id === f.project ? html` selected` : ''}>${p.name}</option>`,
    )}</select></label>
<label>Tag <input name="tag" value="${f.tag ?? ''}" size="12"></label>
<label>From <input type="date" name="from" value="${f.from ?? ''}"></label>
<label>To <input type="date" name="to" value="${f.to ?? ''}"></label>
<button type="submit">Filter</button> <a href="/sessions">clear</a>
</form>
<section id="sessions"${f.after === undefined ? html` data-live` : ''}>${sessionsTable(page, names)}</section>
<nav class="pages">${first} ${next}</nav>`,
  );
}
