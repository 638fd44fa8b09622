import { describe, expect, it } from 'vitest';
import { escapeHtml, href, html, trusted } from './html.ts';

const XSS = `<img src=x onerror="alert(1)">'</script><script>alert(2)</script>\`&`;

describe('html', () => {
  it('escapes an XSS payload in element content, in both quoted attribute kinds, and in arrays of values', () => {
    const out =
      html`<p title="${XSS}" data-x='${XSS}'>${XSS}</p><ul>${[XSS, [XSS]]}</ul><a href="${href('/s', { q: XSS })}">x</a>`.toString();
    expect(out).not.toContain('<img');
    expect(out).not.toContain('<script');
    expect(out).not.toContain('</script');
    expect(out).not.toMatch(/="alert|'<|"</);
    expect(out.match(/&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;&#39;&lt;\/script&gt;/g)).toHaveLength(
      5,
    );
    expect(out).toContain('href="/s?q=%3Cimg');
  });

  it('renders nested html as markup, trusted markup as is, and nothing for undefined, null and false', () => {
    const inner = html`<b>${'<i>'}</b>`;
    expect(html`<p>${inner}${trusted('<hr>')}${undefined}${null}${false}${0}</p>`.toString()).toBe(
      '<p><b>&lt;i&gt;</b><hr>0</p>',
    );
  });

  it('escapes the six characters that matter in HTML and leaves the rest', () => {
    expect(escapeHtml(`a&b<c>d"e'f\`g — ü`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f&#96;g — ü');
  });

  it('href encodes each parameter and leaves out empty ones', () => {
    expect(href('/sessions', { tag: 'a b&c', model: undefined, status: '' })).toBe('/sessions?tag=a+b%26c');
    expect(href('/usage')).toBe('/usage');
  });
});
