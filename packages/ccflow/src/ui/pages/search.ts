import { type Html, html } from '../html.ts';
import { layout } from '../layout.ts';
import type { ReadStore } from '../read-store.ts';
import { tracesTable } from './traces-table.ts';

const SEARCH_LIMIT = 50;

/** The newest traces whose prompt or answer contains `q`. */
export function searchPage(store: ReadStore, q: string): Html {
  const rows = q === '' ? [] : store.search(q, SEARCH_LIMIT);
  return layout(
    'Search',
    '/search',
    html`<form class="filters" method="get" action="/search"><input type="search" name="q" value="${q}" size="40"
placeholder="text in prompts and answers" autofocus> <button type="submit">Search</button></form>
${q === '' ? '' : html`<p class="muted">${rows.length === SEARCH_LIMIT ? `The newest ${SEARCH_LIMIT} traces` : `${rows.length} traces`} whose prompt or answer contains “${q}”.</p>${tracesTable(rows, 'No trace matches.')}`}`,
  );
}
