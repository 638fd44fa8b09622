import type { ToolCallRecord } from '@ccflow/tracing';
import { cell } from '../../commands/output.ts';
import { type Html, href, html } from '../html.ts';
import { count, duration, layout, prettyJson, sessionPath, status, tracePath, usd, when } from '../layout.ts';
import type { ReadStore, TraceDetail } from '../read-store.ts';
import { tracesTable } from './traces-table.ts';

function parse<T>(text: string | null, fallback: T): T {
  if (text === null) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function toolCall(call: ToolCallRecord, index: number): Html {
  return html`<article class="tool${call.isError ? ' failed' : ''}">
<h3>${index + 1}. ${call.tool} <code class="muted">${call.toolUseId}</code>${call.isError ? html` <span class="badge error">error</span>` : ''}</h3>
<h4>Input</h4><pre>${JSON.stringify(call.args, null, 2)}</pre>
<h4>Result</h4>${call.result === undefined ? html`<p class="muted">No result (the turn ended first).</p>` : html`<pre>${call.result}</pre>`}
</article>`;
}

/** One message of the stream: its type (and subtype) as the summary, the JSON inside. */
function message(m: unknown, index: number): Html {
  const o = (m ?? {}) as { type?: unknown; subtype?: unknown };
  const kind = [o.type, o.subtype].filter((v) => typeof v === 'string').join(' / ') || 'message';
  return html`<details class="message"><summary>${index + 1}. ${kind}</summary><pre>${JSON.stringify(m, null, 2)}</pre></details>`;
}

function facts(t: TraceDetail, store: ReadStore): Html {
  const parent = t.parent_trace_id === null ? undefined : store.traceSummary(t.parent_trace_id);
  return html`<dl class="facts">
<dt>Trace</dt><dd><code>${t.trace_id}</code></dd>
<dt>Session</dt><dd><a href="${sessionPath(t.session_id)}">${t.session_id}</a>, turn ${t.sequence_number}</dd>
${t.project_id === null ? '' : html`<dt>Project</dt><dd><a href="${href('/sessions', { project: t.project_id })}">${store.project(t.project_id)?.name ?? t.project_id}</a></dd>`}
<dt>Status</dt><dd>${status(t.status)}</dd>
<dt>Model</dt><dd>${t.model ?? '—'}</dd>
<dt>Started</dt><dd>${when(t.created_at)} UTC</dd><dt>Updated</dt><dd>${when(t.updated_at)} UTC</dd>
<dt>Duration</dt><dd>${duration(t.duration_ms)}</dd>
<dt>Tokens</dt><dd>${count(t.input_tokens)} in, ${count(t.output_tokens)} out, ${count(t.cache_read_tokens)} cache read, ${count(t.cache_write_tokens)} cache write, ${count(t.thinking_tokens)} thinking</dd>
<dt>Cost</dt><dd class="cost">${usd(t.cost_usd)}</dd>
${t.parent_trace_id === null ? '' : html`<dt>Parent trace</dt><dd><a href="${tracePath(t.parent_trace_id)}">${parent === undefined ? t.parent_trace_id : cell(parent.prompt, 80)}</a></dd>`}
${t.otel_trace_id === null ? '' : html`<dt>OpenTelemetry</dt><dd><code>${t.otel_trace_id}</code> / <code>${t.otel_span_id ?? ''}</code></dd>`}
${t.error_message === null ? '' : html`<dt>Error</dt><dd class="error">${t.error_message}</dd>`}
</dl>`;
}

export function tracePage(store: ReadStore, traceId: string): Html | undefined {
  const t = store.trace(traceId);
  if (t === undefined) return undefined;
  const calls = parse<ToolCallRecord[]>(t.tool_calls, []);
  const stream = parse<unknown[] | null>(t.message_stream, null);
  const children = store.children(t.trace_id, 100);
  return layout(
    `Trace ${t.sequence_number} of ${cell(t.session_id, 40)}`,
    '/sessions',
    html`<section id="trace" data-live>${facts(t, store)}
<h2>Prompt</h2><pre class="prompt">${t.prompt}</pre>
${t.context === null ? '' : html`<details><summary>Context</summary><pre>${prettyJson(t.context)}</pre></details>`}
${t.thinking === '' ? '' : html`<h2>Thinking</h2><pre class="thinking">${t.thinking}</pre>`}
<h2>Tool calls (${calls.length})</h2>
${calls.length === 0 ? html`<p class="muted">None.</p>` : calls.map(toolCall)}
<h2>Answer</h2><pre class="answer">${t.response}</pre>
<h2>Replays and forks (${children.length})</h2>
${tracesTable(children, 'None.')}
<h2>Message stream</h2>
${stream === null ? html`<p class="muted">Not recorded (the session was not in detailed mode).</p>` : stream.map(message)}
<details><summary>Options</summary><pre>${prettyJson(t.options_snapshot)}</pre></details>
${t.metadata === '{}' ? '' : html`<details><summary>Metadata</summary><pre>${prettyJson(t.metadata)}</pre></details>`}
</section>`,
  );
}
