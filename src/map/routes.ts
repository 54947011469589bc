// The route trie: "VERB /v1/path/{param}" templates by segment, per verb; a lookup walks the
// request path once (static segments before parameters). The trie is computed by
// mappings/scripts/build-map.mjs; its subtrees (route groups) are decoded on first visit.

export const API_HOST = 'api.stripe.com';

/** One route of mappings/generated/routes.json. */
export interface RouteEntry {
  readonly verb: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  /** Set when the route is served from another host than api.stripe.com (files, meter events). */
  readonly host?: string;
  /** SDK method ids that send this request, e.g. `customers.retrieve`. */
  readonly methods: readonly string[];
  readonly status: 'mapped' | 'none' | 'unknown';
  readonly family?: string;
  /** Any one of these satisfies the route. */
  readonly anyOf?: readonly string[];
  /** The same, with `strictReads: true`. */
  readonly strictAnyOf?: readonly string[];
  readonly reason: string;
  readonly source?: string;
  /** The request parameter listing event types to subscribe to; each needs its event permission. */
  readonly eventsParam?: string;
}

export interface RouteTable {
  match(verb: string, path: string, host?: string): RouteEntry | undefined;
}

/** A trie node as build-map.mjs writes it: statics, parameter child, routes ending here by [host, row]. */
export interface StoredNode {
  readonly s?: Readonly<Record<string, StoredNode>>;
  readonly p?: StoredNode;
  readonly r?: readonly (readonly [string, number])[];
}

/** The top of the trie: the first two path segments, ending in route group numbers. */
export interface StoredTop {
  readonly s?: Readonly<Record<string, StoredTop | number>>;
  readonly p?: StoredTop | number;
}

/** One decoded route group: its routes, and its subtree (below the first two segments) per verb. */
export interface RouteGroup {
  readonly entries: readonly RouteEntry[];
  readonly trees: Readonly<Record<string, StoredNode | undefined>>;
}

const SEEN_LIMIT = 1_000;
const SEEN_CHARS = 256 * 1024;
const MAX_CACHED_PATH = 1024;

class Node {
  statics: Map<string, Node> | undefined = undefined;
  param: Node | undefined = undefined;
  /** Routes ending here, by host. */
  routes: Map<string, RouteEntry> | undefined = undefined;
  /** The route for the API host (or the only host): what most requests match. */
  fallback: RouteEntry | undefined = undefined;
  /** A route group not decoded yet (its verb's subtree is decoded on the first walk through here). */
  group = -1;
  verb = '';
}

/**
 * The route table over a stored trie. `loadGroup(n)` decodes route group `n`; it is called once
 * per group, the first time a request path reaches it.
 */
export function storedRoutes(tops: Readonly<Record<string, StoredTop>>, loadGroup: (group: number, verb: string) => RouteGroup): RouteTable {
  const roots = new Map<string, Node>();
  for (const [verb, top] of Object.entries(tops)) roots.set(verb, fromTop(top, verb));

  function open(node: Node): void {
    const group = loadGroup(node.group, node.verb);
    node.group = -1;
    const stored = group.trees[node.verb];
    if (stored) fill(node, stored, group.entries);
  }

  // Walks the path in place (no split): static child first, then the parameter child.
  function walk(node: Node, path: string, start: number): Node | undefined {
    if (node.group >= 0) open(node);
    if (start > path.length) return node.routes ? node : undefined;
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    const s = node.statics?.get(path.slice(start, end));
    const viaStatic = s && walk(s, path, end + 1);
    if (viaStatic) return viaStatic;
    return node.param && end > start ? walk(node.param, path, end + 1) : undefined;
  }

  // Paths repeat (the guard's request model hands the same path string for the same request):
  // each verb remembers where its recent paths end. Bounded in entries and in characters.
  const seen = new Map<string, Map<string, Node | null>>();
  let seenChars = 0;
  function find(verb: string, root: Node, path: string): Node | undefined {
    let byPath = seen.get(verb);
    const hit = byPath?.get(path);
    if (hit !== undefined) return hit ?? undefined;
    const node = walk(root, path, 1);
    if (path.length <= MAX_CACHED_PATH) {
      if (seenChars + path.length > SEEN_CHARS || (byPath && byPath.size >= SEEN_LIMIT)) {
        seen.clear();
        seenChars = 0;
        byPath = undefined;
      }
      if (!byPath) seen.set(verb, (byPath = new Map()));
      byPath.set(path, node ?? null);
      seenChars += path.length;
    }
    return node;
  }

  return {
    match(verb, path, host) {
      const root = roots.get(verb);
      if (!root || path[0] !== '/') return undefined;
      const node = find(verb, root, path);
      if (!node) return undefined;
      // A client pointed at stripe-mock or a proxy sends another host: fall back to the API host's route.
      return (host && host !== API_HOST && node.routes!.get(host)) || node.fallback;
    },
  };
}

function fromTop(top: StoredTop | number, verb: string): Node {
  const node = new Node();
  if (typeof top === 'number') {
    node.group = top;
    node.verb = verb;
    return node;
  }
  if (top.s) node.statics = new Map(Object.entries(top.s).map(([seg, child]) => [seg, fromTop(child, verb)]));
  if (top.p !== undefined) node.param = fromTop(top.p, verb);
  return node;
}

function fill(node: Node, stored: StoredNode, entries: readonly RouteEntry[]): Node {
  if (stored.s) node.statics = new Map(Object.entries(stored.s).map(([seg, child]) => [seg, fill(new Node(), child, entries)]));
  if (stored.p) node.param = fill(new Node(), stored.p, entries);
  if (stored.r) {
    node.routes = new Map();
    for (const [host, row] of stored.r) node.routes.set(host || API_HOST, entries[row]!);
    node.fallback = node.routes.get(API_HOST) ?? node.routes.values().next().value;
  }
  return node;
}
