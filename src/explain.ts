// explain() and check(): what a call needs, and what a set of permissions lacks for it.
import { GuardOptionsError } from './errors.js';
import { getCatalog } from './catalog.js';
import { compileGrant, type Grant } from './grant.js';
import { verdictOf, type RequestVerdict, type VerdictKind } from './verdict.js';
import { resolveCanonical } from './resolve.js';
import { applyOverrides, compileOverrides, type Overrides } from './overrides.js';
import { nearest } from './nearest.js';
import { canonicalRequest, isV2Path } from './request.js';
import type { CanonicalRequest, MissingRequirement, Resolution, ResolveOptions, SatisfiedRequirement } from './types.js';

export { compileGrant, evaluate, type Grant, type Evaluation } from './grant.js';
export { verdictOf, type RequestVerdict, type VerdictKind } from './verdict.js';

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
  /** Why the request would be refused before sending (a `..` id, an expand path deeper than Stripe allows). */
  readonly invalid?: readonly string[];
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
  const [request, options] = toCanonical(call, a, b);
  if (typeof call === 'string' && !getCatalog().methods.has(call)) return unknownMethod(call, request);
  const overrides = options.overrides !== undefined ? compileOverrides(options.overrides as Overrides, 'explain()') : undefined;
  const resolution = applyOverrides(resolveCanonical(request, !!options.strictReads), request, overrides);
  return { ...resolution, expand: request.expand, ...(request.invalid.length ? { invalid: request.invalid } : {}) };
}

function unknownMethod(methodId: string, request: CanonicalRequest): Explanation {
  const catalog = getCatalog();
  // A known method that sends no request of its own (`oauth.authorizeUrl`): it needs nothing. Its
  // stand-in path names no endpoint, so no part of it is invalid either.
  const local = catalog.local.get(methodId);
  if (local)
    return {
      status: 'none',
      methodId,
      requirements: [],
      unknowns: [],
      reason: local.reason,
      ...(local.source ? { source: local.source } : {}),
      expand: request.expand,
    };
  const guess = nearest(methodId, catalog.methods.keys());
  const reason = `"${methodId}" is not a method of stripe ${catalog.stripeVersions.join(', ')}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  return {
    status: 'unknown',
    methodId,
    requirements: [],
    unknowns: [{ kind: 'endpoint', because: methodId, reason }],
    reason,
    expand: request.expand,
  };
}

/** explain()'s arguments, read by the same request model as the guard and the msw handlers. */
function toCanonical(call: string | HttpCall, a: unknown, b: ResolveOptions | undefined): [CanonicalRequest, ResolveOptions] {
  if (typeof call === 'string') {
    const route = getCatalog().methods.get(call);
    const params = a && typeof a === 'object' ? a : undefined;
    const path = route?.path ?? '/';
    const options = b ?? {};
    return [
      canonicalRequest({
        method: route?.verb ?? 'GET',
        path,
        ...(route?.host ? { host: route.host } : {}),
        params,
        json: isV2Path(path),
        methodId: call,
        ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
      }),
      options,
    ];
  }
  if (!call || typeof call.method !== 'string' || typeof call.path !== 'string') {
    throw new GuardOptionsError('explain() takes an SDK method id ("customers.retrieve") or { method, path }.');
  }
  const body = call.body;
  const json = typeof body === 'string' ? /^\s*[{[]/.test(body) : isV2Path(call.path);
  const options = (a as ResolveOptions | undefined) ?? {};
  const request = canonicalRequest({
    method: call.method,
    path: call.path,
    ...(options.apiVersion ? { apiVersion: options.apiVersion } : {}),
    ...(call.host ? { host: call.host } : {}),
    ...(typeof body === 'string' ? { body } : body && typeof body === 'object' ? { params: body } : {}),
    json,
  });
  return [request, options];
}

export type { MissingRequirement, SatisfiedRequirement } from './types.js';

export interface CheckResult {
  /**
   * Every requirement is met and nothing is unknown: an unknown method, route, expand path or
   * event, or a request refused before sending, is never "allowed".
   */
  readonly allowed: boolean;
  /** The one verdict every surface reports (the guard, msw, matchers, ESLint, scan): see {@link RequestVerdict}. */
  readonly verdict: VerdictKind;
  /** The verdict's detail: advice (permissions that would help, only when `missing`), refusal, invalid parts, unknowns. */
  readonly detail: RequestVerdict;
  readonly missing: readonly MissingRequirement[];
  readonly satisfied: readonly SatisfiedRequirement[];
  readonly explanation: Explanation;
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
  const [params, permissions, options] =
    typeof call === 'string'
      ? [a as MethodParams | undefined, b as readonly string[] | Grant, c]
      : [undefined, a as readonly string[] | Grant, b as ResolveOptions | undefined];
  const explanation = typeof call === 'string' ? explain(call, params, options) : explain(call, options);
  const grant = isGrant(permissions) ? permissions : compileGrant(permissions);
  const detail = verdictOf(explanation, grant);
  // A refused or invalid request is advised no permission: its `missing` is empty.
  return { allowed: detail.kind === 'allowed', verdict: detail.kind, detail, missing: detail.missing, satisfied: detail.satisfied, explanation };
}

function isGrant(p: unknown): p is Grant {
  return !!p && typeof p === 'object' && 'by' in p && (p as Grant).by instanceof Map;
}
