// Reads a request's expand paths from where the SDK puts them: `expand[]=` or
// `expand[0]=` in the query of GET/DELETE requests and in the form body of POSTs
// (brackets encoded or not), or an `expand` array in a JSON body.

const EXPAND_KEY = /^expand\[\d*\]$/;

/** Expand paths in a query string or `application/x-www-form-urlencoded` body. */
export function expandFromForm(encoded: string | null | undefined): string[] {
  if (!encoded || !encoded.includes('expand')) return [];
  const out: string[] = [];
  for (const pair of encoded.split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = safeDecode(pair.slice(0, eq));
    if (!EXPAND_KEY.test(key)) continue;
    const value = safeDecode(pair.slice(eq + 1));
    if (value) out.push(value);
  }
  return out;
}

/** Expand paths in a params object (`{ expand: ['customer'] }`) or a JSON body. */
export function expandFromParams(params: unknown): string[] {
  if (!params || typeof params !== 'object') return [];
  const expand = (params as { expand?: unknown }).expand;
  if (!Array.isArray(expand)) return [];
  return expand.filter((p): p is string => typeof p === 'string' && p.length > 0);
}

/** Splits `/v1/x?query` into path and query. */
export function splitPath(pathWithQuery: string): { path: string; query: string } {
  const q = pathWithQuery.indexOf('?');
  return q < 0 ? { path: pathWithQuery, query: '' } : { path: pathWithQuery.slice(0, q), query: pathWithQuery.slice(q + 1) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}
