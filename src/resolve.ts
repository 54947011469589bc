// PURE: (request, catalog, options) → the permissions the request needs, with why.
// No I/O, no stripe-node knowledge; the guard, explain() and the msw handlers share it.
import { getCatalog, type Catalog, type ExpandProp, type ObjectGrant, type MethodShape } from './catalog.js';
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

interface ExpandResult {
  readonly requirements: readonly Requirement[];
  readonly unknowns: readonly UnknownItem[];
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
    const result = resolveExpand(route, methodId, path, !!options.strictReads, catalog);
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

function resolveExpand(route: RouteEntry, methodId: string | undefined, path: string, strict: boolean, catalog: Catalog): ExpandResult {
  const shapeId = methodId && catalog.shapes.has(methodId) ? methodId : route.methods.find((m) => catalog.shapes.has(m));
  // Not cached here: the whole resolution is, per (route, expand paths).
  return walkExpand(shapeId ? catalog.shapes.get(shapeId) : undefined, shapeId ?? `${route.verb} ${route.path}`, path, strict, catalog);
}

function readAnyOf(grant: ObjectGrant | undefined, strict: boolean, catalog: Catalog): readonly string[] | undefined {
  if (!grant) return undefined;
  if (grant.permission) return [grant.permission];
  if (!grant.family) return undefined;
  const fam = catalog.families.get(grant.family);
  if (!fam) return undefined;
  const all = [fam.read, fam.write].filter((p): p is string => !!p);
  return strict && fam.read ? [fam.read] : all;
}

function walkExpand(shape: MethodShape | undefined, origin: string, path: string, strict: boolean, catalog: Catalog): ExpandResult {
  const requirements: Requirement[] = [];
  const unknowns: UnknownItem[] = [];
  const unknown = (reason: string, because = `expand ${path}`): ExpandResult => ({
    requirements,
    unknowns: [...unknowns, { kind: 'expand', because, reason, expand: path }],
  });
  if (!shape || shape.returns.length === 0) {
    return unknown(`the response type of ${origin} is not known, so its expand paths cannot be checked`);
  }
  const segs = path.split('.');
  let i = 0;
  if (shape.shape === 'list' || shape.shape === 'search') {
    if (segs[0] !== 'data') return unknown(`${origin} returns a list: its expand paths start with "data." (did you mean "data.${path}"?)`);
    i = 1;
  }
  let types: readonly string[] = shape.returns;
  // The object types whose family covers properties returned only when expanded.
  let owners: readonly string[] = shape.returns;
  let lastExpandable = false;
  for (; i < segs.length; i++) {
    const seg = segs[i]!;
    const prefix = segs.slice(0, i + 1).join('.');
    const found: [string, ExpandProp][] = [];
    for (const t of types) {
      const prop = catalog.types.get(t)?.get(seg);
      if (prop) found.push([t, prop]);
    }
    if (found.length === 0) {
      const where = types.length ? types.join(' | ') : 'a value that has no properties';
      return unknown(`"${seg}" is not an expandable property of ${where} (in expand path "${path}")`);
    }
    const expandable = found.filter(([, p]) => p.expand);
    const targets = [...new Set(found.flatMap(([, p]) => p.to))];
    lastExpandable = expandable.length > 0;
    if (lastExpandable) {
      const req = crossing(expandable, owners, prefix, path, strict, catalog);
      if ('reason' in req) unknowns.push(req);
      else requirements.push(req);
      owners = targets.length ? targets : owners;
    }
    types = targets;
    // A list property (Customer.subscriptions) is walked through its `data`; a map through any key.
    if (found.some(([, p]) => p.list) && segs[i + 1] === 'data') i++;
    else if (found.some(([, p]) => p.map) && i + 1 < segs.length) i++;
  }
  if (!lastExpandable) {
    return unknown(`"${segs[segs.length - 1]}" cannot be expanded: it is a plain sub-object, not an ID or an includable field (in expand path "${path}")`);
  }
  return { requirements, unknowns };
}

function crossing(
  found: readonly [string, ExpandProp][],
  owners: readonly string[],
  prefix: string,
  path: string,
  strict: boolean,
  catalog: Catalog,
): Requirement | UnknownItem {
  const because = `expand ${prefix}`;
  for (const [holder] of found) {
    const hand = catalog.properties.get(`${holder}.${prefix.slice(prefix.lastIndexOf('.') + 1)}`);
    const anyOf = readAnyOf(hand, strict, catalog);
    if (anyOf) return { anyOf, because, expand: path };
  }
  const included = found.every(([, p]) => p.expand === 'included');
  // Fields returned only when expanded belong to the object holding them (Checkout.Session.line_items).
  const candidatesTypes = included ? owners : [...new Set(found.flatMap(([, p]) => p.to))];
  const candidates: ExpandCandidate[] = [];
  const unknownTypes: string[] = [];
  const listed = new Set(candidatesTypes);
  for (const type of listed) {
    // Deleted* variants share their object's family: list the object once.
    if (type.replace(/^(.*\.)?Deleted/, '$1') !== type && listed.has(type.replace(/^(.*\.)?Deleted/, '$1'))) continue;
    const anyOf = readAnyOf(catalog.objects.get(type), strict, catalog);
    if (anyOf) candidates.push({ type, anyOf });
    else unknownTypes.push(type);
  }
  if (candidates.length === 0) {
    return {
      kind: 'object',
      because,
      expand: path,
      reason: `no permission family is known for ${unknownTypes.join(' | ')}`,
    };
  }
  const anyOf = [...new Set(candidates.flatMap((c) => c.anyOf))];
  return {
    anyOf,
    because,
    expand: path,
    ...(new Set(candidates.map((c) => c.anyOf.join())).size > 1 || unknownTypes.length ? { candidates: [...candidates, ...unknownTypes.map((type) => ({ type, anyOf: [] }))] } : {}),
  };
}
