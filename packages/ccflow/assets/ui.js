// ccflow ui: live refresh. Every page is complete without this script. When the server says the store changed
// (Server-Sent Events on /events), it fetches the page again and swaps in its [data-live] sections, keeping
// open <details> open. The fetched markup is the server's, escaped there; nothing in it runs.
(() => {
  const sections = () => Array.from(document.querySelectorAll('[data-live][id]'));
  if (sections().length === 0 || !('EventSource' in window)) return;
  const badge = document.getElementById('live');
  let busy = false;
  let again = false;
  let refreshed = 0;

  async function refresh() {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const res = await fetch(location.href, { headers: { accept: 'text/html' } });
      if (!res.ok) return;
      const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
      for (const section of sections()) {
        const fresh = doc.getElementById(section.id);
        if (fresh === null) continue;
        const open = Array.from(section.querySelectorAll('details')).map((d) => d.open);
        const copy = document.importNode(fresh, true);
        copy.querySelectorAll('details').forEach((d, i) => {
          if (open[i]) d.open = true;
        });
        section.replaceWith(copy);
      }
      refreshed += 1;
      document.body.dataset.refreshed = String(refreshed);
    } catch {
      // The server is gone or busy: the next change tries again.
    } finally {
      busy = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  }

  const events = new EventSource('/events');
  events.addEventListener('change', () => void refresh());
  events.addEventListener('open', () => {
    if (badge) badge.hidden = false;
  });
  events.addEventListener('error', () => {
    if (badge) badge.hidden = true;
  });
})();
