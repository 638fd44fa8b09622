import { type Html, html } from './html.ts';
import { layout } from './layout.ts';
import { projectsPage } from './pages/projects.ts';
import { searchPage } from './pages/search.ts';
import { sessionPage } from './pages/session.ts';
import { BadRequest, sessionFilters, sessionsPage } from './pages/sessions.ts';
import { tracePage } from './pages/trace.ts';
import { RANGES, usagePage } from './pages/usage.ts';
import type { ReadStore } from './read-store.ts';

export interface Page {
  status: number;
  body: Html;
}

function problem(status: number, title: string, message: string): Page {
  return {
    status,
    body: layout(title, '', html`<p class="error">${message}</p><p><a href="/">Projects</a></p>`),
  };
}

/** The page of a GET path and query string, or a 404/400 page. */
export function route(store: ReadStore, url: URL, now: number = Date.now()): Page {
  const path = url.pathname;
  const q = url.searchParams;
  try {
    if (path === '/') return { status: 200, body: projectsPage(store) };
    if (path === '/sessions') return { status: 200, body: sessionsPage(store, sessionFilters(q)) };
    if (path === '/usage') {
      const days = Number(q.get('days') ?? 30);
      if (!RANGES.includes(days as (typeof RANGES)[number])) {
        throw new BadRequest(`days must be one of ${RANGES.join(', ')}`);
      }
      return { status: 200, body: usagePage(store, days, now) };
    }
    if (path === '/search') return { status: 200, body: searchPage(store, (q.get('q') ?? '').trim()) };
    const one = /^\/(sessions|traces)\/([^/]+)$/.exec(path);
    if (one !== null) {
      const id = decodeURIComponent(one[2] as string);
      const page = one[1] === 'sessions' ? sessionPage(store, id) : tracePage(store, id);
      if (page !== undefined) return { status: 200, body: page };
      return problem(
        404,
        'Not found',
        `No ${one[1] === 'sessions' ? 'session' : 'trace'} ${id} in ${store.path}.`,
      );
    }
  } catch (error) {
    if (error instanceof BadRequest) return problem(400, 'Bad request', error.message);
    if (error instanceof URIError)
      return problem(400, 'Bad request', 'The path is not valid percent-encoding.');
    throw error;
  }
  return problem(404, 'Not found', `No page ${path}.`);
}
