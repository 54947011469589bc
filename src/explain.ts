// explain() and check(): what a call needs, and what a set of permissions lacks for it.
import { GuardOptionsError } from './core/errors.js';
import { getCatalog } from './map/catalog.js';
import { compileGrant, type Grant } from './core/grant.js';
import { verdictOf, type RequestVerdict, type VerdictKind } from './core/verdict.js';
import { resolveCanonical } from './core/resolve.js';
import { applyOverrides, compileOverrides, type Overrides } from './config/overrides.js';
import { nearest } from './common/nearest.js';
import { canonicalRequest, isV2Path } from './core/request.js';
import { readWire } from './core/wire.js';
import { API_HOST } from './map/routes.js';
import type { CanonicalRequest, MissingRequirement, Resolution, ResolveOptions, SatisfiedRequirement } from './common/types.js';

export { compileGrant, evaluate, type Grant, type Evaluation } from './core/grant.js';
export { verdictOf, type RequestVerdict, type VerdictKind } from './core/verdict.js';

/** A request as it goes over HTTP. `path` may carry the query string. */
export interface HttpCall {
  readonly method: string;
  readonly path: string;
  readonly host?: string;
  /** A form-encoded body (`expand[0]=customer`) or JSON text, or the parameters as you would pass stripe-node. */
  readonly body?: string | Record<string, unknown> | null;
  /** Headers as sent: `Stripe-Account`, `Stripe-Context`, `Stripe-Version`, `Content-Type` are read as Stripe reads them. */
  readonly headers?: Readonly<Record<string, string>>;
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
  const options = (a as ResolveOptions | undefined) ?? {};
  const headers: Record<string, unknown> = call.headers && typeof call.headers === 'object' ? { ...call.headers } : {};
  const named = (name: string) => Object.keys(headers).some((k) => k.toLowerCase() === name);
  if (options.apiVersion && !named('stripe-version')) headers['Stripe-Version'] = options.apiVersion;
  if (body && typeof body === 'object') {
    // Parameters as a caller passes stripe-node, read by the params model; the headers by the wire's reader.
    const judged = readWire(call.method, call.host ?? API_HOST, undefined, call.path, headers, undefined, 'https').request;
    const request = canonicalRequest({
      method: call.method,
      path: call.path,
      ...(call.host ? { host: call.host } : {}),
      params: body,
      json: isV2Path(call.path),
      stripeAccount: judged.stripeAccount,
      stripeContext: judged.stripeContext,
      apiVersion: judged.apiVersion,
    });
    return [judged.invalid.length ? { ...request, invalid: [...judged.invalid, ...request.invalid] } : request, options];
  }
  // A request as it goes on the wire: read by the guard's own reader.
  if (typeof body === 'string' && body && !named('content-type')) {
    headers['Content-Type'] = /^\s*[{[]/.test(body) ? 'application/json' : 'application/x-www-form-urlencoded';
  }
  const request = readWire(call.method, call.host ?? API_HOST, undefined, call.path, headers, typeof body === 'string' ? body : undefined, 'https').request;
  return [request, options];
}

export type { MissingRequirement, SatisfiedRequirement } from './common/types.js';

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
