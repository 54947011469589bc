// explain() and check(): what a call needs, and what a set of permissions lacks for it.
import { getCatalog, type Catalog } from './catalog.js';
import { resolveRequest, type Requirement, type Resolution, type ResolveOptions, type RequestShape } from './resolve.js';
import { nearest } from './nearest.js';
import { expandFromForm, expandFromParams, splitPath } from './request.js';

/** A request as it goes over HTTP. `path` may carry the query string. */
export interface HttpCall {
  readonly method: string;
  readonly path: string;
  readonly host?: string;
  /** A form-encoded body (`expand[0]=customer`), or a parsed JSON body. */
  readonly body?: string | Record<string, unknown> | null;
}

/** An SDK call: method id and the params you would pass it. */
export type MethodParams = Record<string, unknown> & { readonly expand?: readonly string[] };

export interface Explanation extends Resolution {
  readonly expand: readonly string[];
}

/**
 * What a Stripe call needs, and why.
 *
 * @example
 * explain('invoices.retrieve', { expand: ['customer'] }).requirements
 * // [{ anyOf: ['invoice_read', 'invoice_write'], because: 'invoices.retrieve' },
 * //  { anyOf: ['customer_read', 'customer_write'], because: 'expand customer', expand: 'customer' }]
 * explain({ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' })
 */
export function explain(methodId: string, params?: MethodParams, options?: ResolveOptions): Explanation;
export function explain(call: HttpCall, options?: ResolveOptions): Explanation;
export function explain(call: string | HttpCall, a?: MethodParams | ResolveOptions, b?: ResolveOptions): Explanation {
  if (typeof call === 'string' && !getCatalog().methods.has(call)) return unknownMethod(call, expandFromParams(a));
  const [shape, options] = toRequestShape(call, a, b);
  return { ...resolveRequest(shape, options), expand: shape.expand ?? [] };
}

function unknownMethod(methodId: string, expand: readonly string[]): Explanation {
  const catalog = getCatalog();
  const guess = nearest(methodId, catalog.methods.keys());
  const reason = `"${methodId}" is not a method of stripe ${catalog.stripeVersions.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  return {
    status: 'unknown',
    methodId,
    requirements: [],
    unknowns: [{ kind: 'endpoint', because: methodId, reason }],
    reason,
    expand,
  };
}

function toRequestShape(call: string | HttpCall, a: unknown, b: ResolveOptions | undefined): [RequestShape, ResolveOptions] {
  const catalog = getCatalog();
  if (typeof call === 'string') {
    const route = catalog.methods.get(call)!;
    const expand = expandFromParams(a);
    const params = a && typeof a === 'object' ? { params: a as Record<string, unknown> } : {};
    return [{ method: route.verb, path: route.path, ...(route.host ? { host: route.host } : {}), methodId: call, expand, ...params }, b ?? {}];
  }
  if (!call || typeof call.method !== 'string' || typeof call.path !== 'string') {
    throw new TypeError('[stripe-permission-guard] explain() takes an SDK method id ("customers.retrieve") or { method, path }.');
  }
  const { path, query } = splitPath(call.path);
  const expand = [
    ...expandFromForm(query),
    ...(typeof call.body === 'string' ? expandFromForm(call.body) : expandFromParams(call.body)),
  ];
  const params = call.body ? { params: call.body } : {};
  return [{ method: call.method, path, ...(call.host ? { host: call.host } : {}), expand, ...params }, (a as ResolveOptions | undefined) ?? {}];
}

/** A requirement the granted permissions do not meet. */
export interface MissingRequirement extends Requirement {
  /** The permission to add: the first of `anyOf` (the read one for reads). */
  readonly permission: string;
}

/** A requirement and the declared permission that meets it. */
export interface SatisfiedRequirement extends Requirement {
  /** The declared permission that satisfied it, directly or by implying it. */
  readonly satisfiedBy: string;
  /** Which alternative of `anyOf` it granted. */
  readonly via: string;
  /** For a polymorphic expand: the candidate types the grant leaves uncovered. */
  readonly uncoveredCandidates?: readonly string[];
}

export interface CheckResult {
  /** No requirement is missing. Unknowns do not make a call disallowed: they are reported. */
  readonly allowed: boolean;
  readonly missing: readonly MissingRequirement[];
  readonly satisfied: readonly SatisfiedRequirement[];
  readonly explanation: Explanation;
}

/**
 * A compiled set of granted permissions: each grantable name → the declared name that grants it.
 * Build it once per manifest; checks then cost one map lookup per alternative.
 */
export interface Grant {
  readonly declared: readonly string[];
  readonly by: ReadonlyMap<string, string>;
}

const grantCache = new WeakMap<readonly string[], Grant>();

/**
 * Compiles declared permissions with everything they imply.
 *
 * @example
 * compileGrant(['customer_read']).by.get('billing_clock_read') // 'customer_read'
 */
export function compileGrant(declared: readonly string[], catalog: Catalog = getCatalog()): Grant {
  const cached = grantCache.get(declared);
  if (cached) return cached;
  const by = new Map<string, string>();
  for (const name of declared) by.set(name, name);
  for (const name of declared) {
    for (const implied of catalog.permissions.get(name)?.impliesClosure ?? []) if (!by.has(implied)) by.set(implied, name);
  }
  const grant = Object.freeze({ declared: Object.freeze([...declared]), by });
  if (Object.isFrozen(declared)) grantCache.set(declared, grant);
  return grant;
}

export interface Evaluation {
  readonly missing: readonly MissingRequirement[];
  readonly satisfied: readonly SatisfiedRequirement[];
}

// Resolutions from resolveRequest's cache are frozen and shared, and grants are compiled once
// per permission set: their evaluation is cached too, so a repeated call costs two lookups.
const evaluations = new WeakMap<Resolution, WeakMap<Grant, Evaluation>>();

/**
 * Splits a resolution's requirements into met and missing ones under a grant.
 *
 * @example
 * evaluate(resolveRequest({ method: 'POST', path: '/v1/customers' }), compileGrant(['customer_read'])).missing[0].permission
 * // 'customer_write'
 */
export function evaluate(resolution: Resolution, grant: Grant): Evaluation {
  const cacheable = Object.isFrozen(resolution);
  let byGrant = cacheable ? evaluations.get(resolution) : undefined;
  const hit = byGrant?.get(grant);
  if (hit) return hit;
  const missing: MissingRequirement[] = [];
  const satisfied: SatisfiedRequirement[] = [];
  for (const req of resolution.requirements) {
    const via = req.anyOf.find((p) => grant.by.has(p));
    if (via === undefined) {
      missing.push({ ...req, permission: req.anyOf[0] ?? '' });
      continue;
    }
    const uncovered = req.candidates?.filter((c) => !c.anyOf.some((p) => grant.by.has(p))).map((c) => c.type);
    satisfied.push({ ...req, satisfiedBy: grant.by.get(via)!, via, ...(uncovered?.length ? { uncoveredCandidates: uncovered } : {}) });
  }
  const result: Evaluation = Object.freeze({ missing: Object.freeze(missing), satisfied: Object.freeze(satisfied) });
  if (cacheable) {
    if (!byGrant) evaluations.set(resolution, (byGrant = new WeakMap()));
    byGrant.set(grant, result);
  }
  return result;
}

/**
 * Which requirements of a call the permissions do not meet.
 *
 * @example
 * check('customers.create', {}, ['customer_read']).missing[0].permission // 'customer_write'
 */
export function check(methodId: string, params: MethodParams | undefined, permissions: readonly string[] | Grant, options?: ResolveOptions): CheckResult;
export function check(call: HttpCall, permissions: readonly string[] | Grant, options?: ResolveOptions): CheckResult;
export function check(call: string | HttpCall, a: unknown, b?: unknown, c?: ResolveOptions): CheckResult {
  const [params, permissions, options] = typeof call === 'string'
    ? [a as MethodParams | undefined, b as readonly string[] | Grant, c]
    : [undefined, a as readonly string[] | Grant, b as ResolveOptions | undefined];
  const explanation = typeof call === 'string' ? explain(call, params, options) : explain(call, options);
  const grant = isGrant(permissions) ? permissions : compileGrant(permissions);
  const { missing, satisfied } = evaluate(explanation, grant);
  return { allowed: missing.length === 0, missing, satisfied, explanation };
}

function isGrant(p: unknown): p is Grant {
  return !!p && typeof p === 'object' && 'by' in p && (p as Grant).by instanceof Map;
}
