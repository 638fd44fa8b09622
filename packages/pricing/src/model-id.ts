/**
 * How a Claude model is spelled, reduced to what prices it: family and version. The same model reaches ccflow as
 * `claude-sonnet-4-5`, `claude-sonnet-4-5-20250929`, `claude-sonnet-4-5[1m]`, `us.anthropic.claude-sonnet-4-5-
 * 20250929-v1:0` (Bedrock), `claude-sonnet-4-5@20250929` (Vertex), `anthropic/claude-sonnet-4.5` (gateways) or
 * `claude-sonnet-4-5-latest`; the CLI's `modelUsage` keys it by whichever spelling was asked for. These rules follow
 * the CLI's own (2.1.331), except that a spelling with any other trailing text is not a model here: the CLI matches
 * such names by substring, ccflow refuses to guess.
 */

export interface ModelIdParts {
  family: string;
  major: number;
  /** `undefined` for `claude-opus-4`, which names the same model as `claude-opus-4-0`. */
  minor: number | undefined;
  /** `claude-3-5-sonnet` (version before family) rather than `claude-sonnet-4-5`. */
  versionFirst: boolean;
  /** The context-window tag that was stripped (`[1m]`), which selects a context size, not a price. */
  contextTag: string | undefined;
}

/** The regions a Bedrock inference profile id can start with (`us.anthropic.claude-…`). */
const REGIONS = ['us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'global'];

const FAMILY_FIRST = /^claude-([a-z]+)-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?/;
const VERSION_FIRST = /^claude-(\d{1,2})(?!\d)(?:-(\d{1,2})(?!\d))?-([a-z]+)/;
/** What may follow the version: `-fast`, `-latest`, a snapshot date, a Bedrock or Vertex version. */
const TRAILER = /^(?:-fast|-latest)?(?:-v\d{1,3}@\d{8}|[-@]\d{8})?(?:-v\d{1,3}(?::\d{1,3})?)?$/;
const CONTEXT_TAG = /\[(\d+m)\]/g;

/** Lower-cases, trims and removes context-window tags: the form aliases and exact ids are looked up in. */
export function normalizeModelName(name: string): { name: string; contextTag: string | undefined } {
  let contextTag: string | undefined;
  const stripped = name
    .trim()
    .toLowerCase()
    .replace(CONTEXT_TAG, (_, tag: string) => {
      contextTag = tag;
      return '';
    });
  return { name: stripped, contextTag };
}

/** The family and version a model name spells, or `undefined` when it is not a Claude model id. */
export function parseModelId(name: string): ModelIdParts | undefined {
  const normalized = normalizeModelName(name);
  let s = normalized.name;
  if (s === '' || /\s/.test(s)) return undefined;
  s = s.slice(s.lastIndexOf('/') + 1);
  const provider = /^(?:([a-z-]+)\.)?anthropic\.(claude-.*)$/.exec(s);
  if (provider) {
    if (provider[1] !== undefined && !REGIONS.includes(provider[1])) return undefined;
    s = provider[2]!;
  }
  // `claude-opus-4.5` is `claude-opus-4-5`.
  s = s.replace(/(claude-(?:[a-z]+-)?\d{1,2})\.(?=\d)/g, '$1-');
  const familyFirst = FAMILY_FIRST.exec(s);
  const versionFirst = familyFirst ? null : VERSION_FIRST.exec(s);
  const m = familyFirst ?? versionFirst;
  if (!m || !TRAILER.test(s.slice(m[0].length))) return undefined;
  const [family, major, minor] = familyFirst ? [m[1]!, m[2]!, m[3]] : [m[3]!, m[1]!, m[2]];
  return {
    family,
    major: Number(major),
    minor: minor === undefined ? undefined : Number(minor),
    versionFirst: versionFirst !== null,
    contextTag: normalized.contextTag,
  };
}

/** One key per model: `claude-opus-4` and `claude-opus-4-0` share it. */
export function modelKey(parts: ModelIdParts): string {
  const version = `${parts.major}-${parts.minor ?? 0}`;
  return parts.versionFirst ? `claude-${version}-${parts.family}` : `claude-${parts.family}-${version}`;
}
