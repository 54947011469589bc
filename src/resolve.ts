// PURE: (request, catalog, options) → the permissions the request needs, with why.
// No I/O, no stripe-node knowledge; the guard, explain() and the msw handlers share it.
import { getCatalog, type Catalog } from './catalog.js';
import { walkExpand, type ExpandContext, type ExpandResult } from './expand.js';
import type { RouteEntry } from './routes.js';
import { eventRequirements } from './event-requirements.js';

export interface ResolveOptions {
  /** Reads need `X_read` itself; by default `X_write` satisfies a read too, as Stripe documents. */
  readonly strictReads?: boolean;
}

/** A request, as the HTTP contract sees it. */
export interface RequestShape {
  readonly method: string;
  /** The path without its query string, e.g. `/v1/customers/cus_1`. */
  readonly path: string;
  readonly host?: string;
  readonly expand?: readonly string[];
  /** The SDK method id, when the caller knows it (`customers.retrieve`). */
  readonly methodId?: string;
  /**
   * The request's parameters — a params object, a parsed JSON body, or a form-encoded body —
   * read only by routes whose requirements depend on them (`enabled_events` of webhook endpoints).
   */
  readonly params?: Readonly<Record<string, unknown>> | string | null;
  /** The API version the request is sent with, when known: expand paths are judged against it. */
  readonly apiVersion?: string;
}

/** One object type an expand path may lead to, and what covers it. */
export interface ExpandCandidate {
  readonly type: string;
  readonly anyOf: readonly string[];
}

/** The request needs one permission out of `anyOf`. */
export interface Requirement {
  readonly anyOf: readonly string[];
  /** Why: the SDK method id (or `VERB /path`), or `expand <path prefix>`. */
  readonly because: string;
  /** The expand path, as the caller wrote it, that caused this requirement. */
  readonly expand?: string;
  /** For a polymorphic property (BalanceTransaction.source): each type it may hold. */
  readonly candidates?: readonly ExpandCandidate[];
  /** The event types (of `enabled_events`) that need this requirement. */
  readonly events?: readonly string[];
}

/** Something the map cannot decide: reported, never turned into a guessed permission. */
export interface UnknownItem {
  readonly kind: 'endpoint' | 'expand' | 'object' | 'event';
  readonly because: string;
  readonly reason: string;
  readonly expand?: string;
}

export interface Resolution {
  /** Of the endpoint: mapped to permissions, needs `none`, or `unknown` to the map. */
  readonly status: 'mapped' | 'none' | 'unknown';
  readonly methodId?: string;
  readonly route?: { readonly method: string; readonly path: string; readonly host?: string };
  readonly requirements: readonly Requirement[];
  readonly unknowns: readonly UnknownItem[];
  /** The route's reason and source, from mappings/. */
  readonly reason?: string;
  readonly source?: string;
}




const RESOLUTION_CACHE_LIMIT = 1_000;
/** Per route: resolutions by (strictness, method id, expand paths). Frozen, shared by every caller. */
const resolutionCache = new WeakMap<RouteEntry, Map<string, Resolution>>();
const lenientByArray = new WeakMap<readonly string[], WeakMap<RouteEntry, Resolution>>();
const strictByArray = new WeakMap<readonly string[], WeakMap<RouteEntry, Resolution>>();

/**
 * What a request needs. The hot path of every guarded call: a route lookup and, for a
 * (route, expand paths) seen before, one cache hit — nothing is rebuilt per request.
 *
 * @example
 * resolveRequest({ method: 'GET', path: '/v1/customers/cus_1', expand: ['default_source'] }).requirements
 */
export function resolveRequest(req: RequestShape, options: ResolveOptions = {}, catalog: Catalog = getCatalog()): Resolution {
  const method = req.method === 'GET' || req.method === 'POST' || req.method === 'DELETE' ? req.method : req.method.toUpperCase();
  const route = catalog.routes.match(method, req.path, req.host);
  if (!route) return unknownRoute(method, req, catalog);
  // Event subscriptions depend on the request body: not cached (webhook endpoint writes are rare).
  if (route.eventsParam) return build(route, method, req, options, catalog);
  const expand = req.expand;
  // Fast path for the guard: its expand arrays come from a parse cache, so the same array
  // object means the same paths — no key to build.
  const fast = !req.methodId && expand !== undefined && Object.isFrozen(expand) ? (options.strictReads ? strictByArray : lenientByArray) : undefined;
  const fastHit = fast?.get(expand!)?.get(route);
  if (fastHit) return fastHit;
  const key = `${options.strictReads ? 1 : 0}${req.methodId ?? ''}${expand && expand.length ? `\u0000${expand.join('\u0000')}` : ''}`;
  let byKey = resolutionCache.get(route);
  if (!byKey) resolutionCache.set(route, (byKey = new Map()));
  let hit = byKey.get(key);
  if (!hit) {
    if (byKey.size >= RESOLUTION_CACHE_LIMIT) byKey.clear();
    byKey.set(key, (hit = deepFreeze(build(route, method, req, options, catalog))));
  }
  if (fast) {
    let byRoute = fast.get(expand!);
    if (!byRoute) fast.set(expand!, (byRoute = new WeakMap()));
    byRoute.set(route, hit);
  }
  return hit;
}

function unknownRoute(method: string, req: RequestShape, catalog: Catalog): Resolution {
  const because = req.methodId ?? `${method} ${req.path}`;
  return {
    status: 'unknown',
    ...(req.methodId ? { methodId: req.methodId } : {}),
    requirements: [],
    unknowns: [{ kind: 'endpoint', because, reason: `${method} ${req.path} is not a route of any recorded stripe SDK (${catalog.stripeVersions.join(', ')})` }],
  };
}

function build(route: RouteEntry, method: string, req: RequestShape, options: ResolveOptions, catalog: Catalog): Resolution {
  const methodId = req.methodId ?? pickMethod(route);
  const because = methodId ?? `${method} ${route.path}`;
  const requirements: Requirement[] = [];
  const unknowns: UnknownItem[] = [];
  if (route.status === 'mapped') {
    const anyOf = (options.strictReads ? route.strictAnyOf : undefined) ?? route.anyOf ?? [];
    requirements.push({ anyOf, because });
  } else if (route.status === 'unknown') {
    unknowns.push({ kind: 'endpoint', because, reason: route.reason });
  }
  for (const path of req.expand ?? []) {
    const result = resolveExpand(route, methodId, path, { strict: !!options.strictReads, ...(req.apiVersion ? { apiVersion: req.apiVersion } : {}) }, catalog);
    requirements.push(...result.requirements);
    unknowns.push(...result.unknowns);
  }
  if (route.eventsParam) {
    const result = eventRequirements(req.params, route.eventsParam, catalog, !!options.strictReads);
    requirements.push(...result.requirements);
    unknowns.push(...result.unknowns);
  }
  return {
    status: route.status,
    ...(methodId ? { methodId } : {}),
    route: { method: route.verb, path: route.path, ...(route.host ? { host: route.host } : {}) },
    requirements: dedupe(requirements),
    unknowns,
    reason: route.reason,
    ...(route.source ? { source: route.source } : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function pickMethod(route: RouteEntry | undefined): string | undefined {
  return route?.methods[0];
}

function dedupe(reqs: Requirement[]): Requirement[] {
  const seen = new Set<string>();
  return reqs.filter((r) => {
    const key = `${r.because}\u0000${r.anyOf.join(',')}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function resolveExpand(route: RouteEntry, methodId: string | undefined, path: string, ctx: ExpandContext, catalog: Catalog): ExpandResult {
  const shapeId = methodId && catalog.shapes.has(methodId) ? methodId : route.methods.find((m) => catalog.shapes.has(m));
  // Not cached here: the whole resolution is, per (route, expand paths).
  return walkExpand(shapeId ? catalog.shapes.get(shapeId) : undefined, shapeId ?? `${route.verb} ${route.path}`, path, ctx, catalog);
}

