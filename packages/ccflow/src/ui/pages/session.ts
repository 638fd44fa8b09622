import { type Html, href, html } from '../html.ts';
import { count, layout, prettyJson, sessionPath, status, usd, when } from '../layout.ts';
import type { ReadStore } from '../read-store.ts';
import { tracesTable } from './traces-table.ts';

/** At most this many traces on a session page. */
const SESSION_TRACES = 500;

export function sessionPage(store: ReadStore, sessionId: string): Html | undefined {
  const s = store.session(sessionId);
  if (s === undefined) return undefined;
  const project = s.project_id === null ? undefined : store.project(s.project_id);
  const traces = store.sessionTraces(sessionId, SESSION_TRACES);
  return layout(
    s.title ?? `Session ${s.session_id}`,
    '/sessions',
    html`<section id="session" data-live><dl class="facts">
<dt>Session</dt><dd><code>${s.session_id}</code></dd>
<dt>Status</dt><dd>${status(s.status)}</dd>
<dt>Project</dt><dd>${s.project_id === null ? '—' : html`<a href="${href('/sessions', { project: s.project_id })}">${project?.name ?? s.project_id}</a>`}</dd>
<dt>Model</dt><dd>${s.model ?? '—'}</dd>
<dt>Created</dt><dd>${when(s.created_at)} UTC</dd><dt>Updated</dt><dd>${when(s.updated_at)} UTC</dd>
<dt>Turns</dt><dd>${s.turn_count}</dd>
<dt>Tokens</dt><dd>${count(s.total_input_tokens)} in, ${count(s.total_output_tokens)} out, ${count(s.total_cache_read_tokens)} cache read, ${count(s.total_cache_write_tokens)} cache write, ${count(s.total_thinking_tokens)} thinking</dd>
<dt>Cost</dt><dd>${usd(s.total_cost_usd)}</dd>
${s.parent_session_id === null ? '' : html`<dt>Forked from</dt><dd><a href="${sessionPath(s.parent_session_id)}">${s.parent_session_id}</a></dd>`}
${s.last_error === null ? '' : html`<dt>Last error</dt><dd class="error">${s.last_error}</dd>`}
</dl>
${s.system_prompt === null ? '' : html`<details><summary>System prompt</summary><pre>${s.system_prompt}</pre></details>`}
${s.metadata === '{}' ? '' : html`<details><summary>Metadata</summary><pre>${prettyJson(s.metadata)}</pre></details>`}
<h2>Traces</h2>
${tracesTable(traces, 'No traces in this session.')}
${traces.length === SESSION_TRACES ? html`<p class="muted">The first ${SESSION_TRACES} traces.</p>` : ''}
</section>`,
  );
}
