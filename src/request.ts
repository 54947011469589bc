// Reads a request's expand paths from where the SDK puts them: `expand[]=` or
// `expand[0]=` in the query of GET/DELETE requests and in the form body of POSTs
// (brackets encoded or not), or an `expand` array in a JSON body.

const EXPAND_KEY = /^expand\[\d*\]$/;
const NONE: readonly string[] = Object.freeze([]);
// Query strings repeat (the same list call, the same expands): parse each once.
const FORM_CACHE_LIMIT = 1_000;
const formCache = new Map<string, readonly string[]>();

/** Expand paths in a query string or `application/x-www-form-urlencoded` body. */
export function expandFromForm(encoded: string | null | undefined): readonly string[] {
  if (!encoded || !encoded.includes('expand')) return NONE;
  let hit = formCache.get(encoded);
  if (hit) return hit;
  const out: string[] = [];
  for (const pair of encoded.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = decodeForm(pair.slice(0, eq));
    if (!EXPAND_KEY.test(key)) continue;
    const value = decodeForm(pair.slice(eq + 1));
    if (value) out.push(value);
  }
  hit = out.length ? Object.freeze(out) : NONE;
  if (formCache.size >= FORM_CACHE_LIMIT) formCache.clear();
  formCache.set(encoded, hit);
  return hit;
}

/** Expand paths in a params object (`{ expand: ['customer'] }`) or a JSON body. */
export function expandFromParams(params: unknown): readonly string[] {
  if (!params || typeof params !== 'object') return NONE;
  const expand = (params as { expand?: unknown }).expand;
  if (!Array.isArray(expand)) return NONE;
  return expand.filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** Splits `/v1/x?query` into path and query. */
export function splitPath(pathWithQuery: string): { path: string; query: string } {
  const q = pathWithQuery.indexOf('?');
  return q < 0 ? { path: pathWithQuery, query: '' } : { path: pathWithQuery.slice(0, q), query: pathWithQuery.slice(q + 1) };
}

function decodeForm(s: string): string {
  if (!s.includes('%') && !s.includes('+')) return s;
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
