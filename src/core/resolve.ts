// PURE: (request, catalog, options) → the permissions the request needs, with why.
// No I/O, no stripe-node knowledge; the guard, explain() and the msw handlers share it.
import { callLabel } from './request.js';
import { getCatalog, type Catalog } from '../map/catalog.js';
import { newerThanRecorded, walkExpand, type ExpandContext, type ExpandResult } from './expand.js';
import type { RouteEntry } from '../map/routes.js';
import { eventRequirements } from './event-requirements.js';
import { withRefusal } from '../map/refusals.js';
import type { CanonicalRequest, RequestShape, ResolveOptions, Requirement, Resolution, UnknownItem } from '../common/types.js';

export type { RequestShape, ResolveOptions, ExpandCandidate, Requirement, UnknownItem, Resolution } from '../common/types.js';

/** Resolutions kept at most, over all routes, and the characters of their keys: past either the cache starts again. */
const RESOLUTION_CACHE_LIMIT = 1_000;
const RESOLUTION_CACHE_CHARS = 512 * 1024;
/** Per route: resolutions by (strictness, method id, API version, expand paths). Frozen, shared by every caller. */
let resolutionCache = new WeakMap<RouteEntry, Map<string, Resolution>>();
let cached = 0;
let cachedChars = 0;

/**
 * What a request needs. The hot path of every guarded call: a route lookup and, for a
 * (route, expand paths) seen before, one cache hit — nothing is rebuilt per request.
 *
 * @example
 * resolveRequest({ method: 'GET', path: '/v1/customers/cus_1', expand: ['default_source'] }).requirements
 */
export function resolveRequest(req: RequestShape, options: ResolveOptions = {}, catalog: Catalog = getCatalog()): Resolution {
  const method = req.method === 'GET' || req.method === 'POST' || req.method === 'DELETE' ? req.method : String(req.method).toUpperCase();
  const route = catalog.routes.match(method, req.path, req.host);
  if (!route) return unknownRoute(method, req, catalog);
  if (route.eventsParam) return build(route, method, req, options, catalog);
  // The key joins its parts with newlines. The request model refuses them in expand paths and
  // versions, but resolveRequest() and explain()'s apiVersion are public: a part holding one
  // (['customer\ninvoice'] would share the key of ['customer', 'invoice']) is resolved uncached.
  const expand = req.expand ?? NONE;
  if (hasNewline(req.methodId) || hasNewline(req.apiVersion) || expand.some(hasNewline)) return deepFreeze(build(route, method, req, options, catalog));
  const key = `${options.strictReads ? 1 : 0}\n${req.methodId ?? ''}\n${req.apiVersion ?? ''}\n${expand.length === 1 ? expand[0] : expand.join('\n')}`;
  let byKey = resolutionCache.get(route);
  let hit = byKey?.get(key);
  if (hit) return hit;
  hit = deepFreeze(build(route, method, req, options, catalog));
  if (key.length > 8 * 1024) return hit;
  if (cached >= RESOLUTION_CACHE_LIMIT || cachedChars + key.length > RESOLUTION_CACHE_CHARS) {
    resolutionCache = new WeakMap();
    byKey = undefined;
    cached = cachedChars = 0;
  }
  if (!byKey) resolutionCache.set(route, (byKey = new Map()));
  byKey.set(key, hit);
  cached++;
  cachedChars += key.length;
  return hit;
}

const NONE: readonly string[] = Object.freeze([]);
const hasNewline = (s: string | undefined): boolean => s !== undefined && s.includes('\n');

const STRICT: ResolveOptions = Object.freeze({ strictReads: true });
const LENIENT: ResolveOptions = Object.freeze({ strictReads: false });

/**
 * The resolution of a canonical request (request.ts): its route and expand paths, plus an
 * unknown for each part the request model could not read.
 */
export function resolveCanonical(request: CanonicalRequest, strictReads: boolean): Resolution {
  const version = request.apiVersion ? graphVersion(request.apiVersion) : undefined;
  const shape: RequestShape = {
    method: request.method,
    path: request.path,
    expand: request.expand,
    host: request.host,
    methodId: request.methodId,
    events: request.events,
    apiVersion: version,
  } as RequestShape;
  const resolution = withRefusal(request, resolveRequest(shape, strictReads ? STRICT : LENIENT));
  if (!request.unreadable.length) return resolution;
  const because = callLabel(request, resolution.methodId);
  return {
    ...resolution,
    unknowns: [...resolution.unknowns, ...request.unreadable.map((reason): UnknownItem => ({ kind: 'request', because, reason }))],
  };
}

const VERSION_LIMIT = 100;
const MAX_CACHED_VERSION = 64;
const graphVersions = new Map<string, string>();
/**
 * The recorded API version whose expand graph judges a request's version (the newest recorded
 * one at or before it); a version newer than every recorded one is kept as it is, so that messages
 * name it. Resolutions are cached per graph, not per version string, so older versions in any
 * number cost a handful of cache entries.
 */
function graphVersion(apiVersion: string): string {
  const known = graphVersions.get(apiVersion);
  if (known !== undefined) return known;
  const catalog = getCatalog();
  const chosen = catalog.expandGraph(apiVersion).version.apiVersion;
  // A version newer than every recorded one keeps its own name: messages say it is newer.
  const key = newerThanRecorded(apiVersion, catalog) ? apiVersion : chosen;
  if (apiVersion.length > MAX_CACHED_VERSION) return key;
  if (graphVersions.size >= VERSION_LIMIT) graphVersions.clear();
  graphVersions.set(apiVersion, key);
  return key;
}

function unknownRoute(method: string, req: RequestShape, catalog: Catalog): Resolution {
  const because = callLabel({ method, path: req.path }, req.methodId);
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
    const result = eventRequirements(req.events ?? req.params, route.eventsParam, catalog, !!options.strictReads);
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
