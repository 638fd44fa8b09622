/** Markup that is already safe to send: made by `html` or marked with `trusted`. */
export class Html {
  readonly #text: string;
  constructor(text: string) {
    this.#text = text;
  }
  toString(): string {
    return this.#text;
  }
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Text as HTML: safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ENTITIES[c] as string);
}

/** A value interpolated into `html`: `Html` as is, arrays joined, nothing for `undefined`/`null`/`false`. */
export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return '';
  if (value instanceof Html) return value.toString();
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * The one place pages are made: every interpolation is escaped unless it is `Html` (another `html` result, or
 * `trusted`). Interpolate into element content or into a quoted attribute value, never into a tag or attribute
 * name, an unquoted attribute, a `<script>` or a `style`; URLs go through `href`.
 */
export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? '');
  return new Html(out);
}

/** Markup the caller vouches for (the server's own SVG numbers, constant strings): never user data. */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A same-site link: a path and its query, each parameter encoded; `undefined` and `''` parameters left out. */
export function href(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search === '' ? path : `${path}?${search}`;
}
