// Compiles every "VERB /v1/path/{param}" template once into a segment trie per verb;
// a lookup walks the request path once (static segments before parameters).

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

interface Node {
  readonly statics: Map<string, Node>;
  param?: Node;
  /** Routes ending here, by host. */
  routes?: Map<string, RouteEntry>;
  /** The route for the API host (or the only host): what most requests match. */
  fallback?: RouteEntry;
}

export interface RouteTable {
  match(verb: string, path: string, host?: string): RouteEntry | undefined;
}

const newNode = (): Node => ({ statics: new Map() });

export function compileRoutes(entries: readonly RouteEntry[]): RouteTable {
  const roots = new Map<string, Node>();
  for (const entry of entries) {
    let node = roots.get(entry.verb);
    if (!node) roots.set(entry.verb, (node = newNode()));
    for (const seg of entry.path.split('/').slice(1)) {
      if (seg.startsWith('{')) node = node.param ??= newNode();
      else {
        let next = node.statics.get(seg);
        if (!next) node.statics.set(seg, (next = newNode()));
        node = next;
      }
    }
    (node.routes ??= new Map()).set(entry.host ?? API_HOST, entry);
    node.fallback = node.routes.get(API_HOST) ?? node.routes.values().next().value;
  }

  // Walks the path in place (no split): static child first, then the parameter child.
  function walk(node: Node, path: string, start: number): Node | undefined {
    if (start > path.length) return node.routes ? node : undefined;
    let end = path.indexOf('/', start);
    if (end < 0) end = path.length;
    const seg = path.slice(start, end);
    const s = node.statics.get(seg);
    const viaStatic = s && walk(s, path, end + 1);
    if (viaStatic) return viaStatic;
    return node.param && end > start ? walk(node.param, path, end + 1) : undefined;
  }

  return {
    match(verb, path, host) {
      const root = roots.get(verb);
      if (!root || path[0] !== '/') return undefined;
      const node = walk(root, path, 1);
      if (!node) return undefined;
      // A client pointed at stripe-mock or a proxy sends another host: fall back to the API host's route.
      return (host && host !== API_HOST && node.routes!.get(host)) || node.fallback;
    },
  };
}
