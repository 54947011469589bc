// msw handlers that answer like Stripe does when an app lacks a permission: a 403 with
// Stripe's error body. They check at the network layer, so they cover any client — an
// unwrapped stripe instance, fetch, another language's SDK under test — and they compose
// with the app's own msw fixtures: a covered request falls through to the next handler.
// The request is read by the same model as guard() and judged by the same policy.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { compilePolicy, decide, PERMISSION_OPTION_NAMES, rejectUnknownOptions, safeWarn, type PermissionOptions, type Policy } from '../policy.js';
import { canonicalRequest, isV2Path } from '../request.js';
import { getCatalog } from '../catalog.js';
import { GuardOptionsError, PERMISSION_ERROR_CODE } from '../errors.js';
import type { UnmappedStrategy } from '../policy.js';
import type { CanonicalRequest } from '../types.js';

export interface StripePermissionHandlersOptions extends PermissionOptions {
  /**
   * Requests the map cannot decide. `'warn'` (default): passed through, warned once.
   * `'throw'`: answered with a 500 `api_error` naming what is unmapped (never a 403: Stripe may
   * well allow the request), marked not to be retried. `'allow'`: passed through silently.
   */
  readonly onUnmapped?: UnmappedStrategy;
}

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);
const MAX_BODY = 1024 * 1024;

/**
 * msw 2.x handlers that enforce your app's permissions on every request to Stripe. Put them
 * before your fixtures: a request the permissions do not cover gets Stripe's 403
 * (`more_permissions_required_for_application`, naming the permission, with
 * `error.missing_permissions` in the body); a covered one falls through to the next handler.
 *
 * @example
 * import { setupServer } from 'msw/node';
 * import { stripePermissionHandlers } from 'stripe-permission-guard/msw';
 * const server = setupServer(
 *   ...stripePermissionHandlers({ manifest: './stripe-app.json' }),
 *   http.get('https://api.stripe.com/v1/customers/:id', () => HttpResponse.json({ id: 'cus_1', object: 'customer' })),
 * );
 */
export function stripePermissionHandlers(options: StripePermissionHandlersOptions): HttpHandler[] {
  if (!options || typeof options !== 'object') {
    throw new GuardOptionsError(`stripePermissionHandlers(options) needs { manifest: './stripe-app.json' } or { permissions: [...] }.`);
  }
  rejectUnknownOptions(options, PERMISSION_OPTION_NAMES, 'stripePermissionHandlers()');
  const policy = compilePolicy(options, 'stripePermissionHandlers()', true);
  for (const w of policy.warnings) safeWarn(policy.logger, w);
  // Every host stripe-node can send to, in every form it can take: http or https, any port,
  // a trailing dot, any letter case.
  const hosts = getCatalog()
    .hosts.map((h) => h.replace(/\./g, '\\.'))
    .join('|');
  const pattern = new RegExp(`^https?://(?:${hosts})\\.?(?::\\d+)?(?:/|$)`, 'i');
  return [http.all(pattern, async ({ request }) => check(policy, request))];
}

async function check(policy: Policy, request: Request): Promise<Response | undefined> {
  const canonical = await readRequest(request);
  const verdict = await decide(policy, canonical);
  if (verdict.error) return stripeError(500, 'api_error', 'stripe_permission_guard_error', verdict.error.message);
  const v = verdict.reject;
  if (v?.kind === 'missing' || v?.kind === 'refused') return stripeError(403, 'invalid_request_error', PERMISSION_ERROR_CODE, v.message, v.missingPermissions);
  if (v?.kind === 'invalid') return stripeError(400, 'invalid_request_error', 'stripe_permission_guard_refused', v.message);
  if (v) return stripeError(500, 'api_error', 'stripe_permission_guard_unmapped', v.message);
  return undefined;
}

/** The canonical request of a fetch Request. The body is read from a clone: the answering handler can still read it. */
async function readRequest(request: Request): Promise<CanonicalRequest> {
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const headers = {
    ...(header(request, 'stripe-account') ? { stripeAccount: header(request, 'stripe-account')! } : {}),
    ...(header(request, 'stripe-context') ? { stripeContext: header(request, 'stripe-context')! } : {}),
    ...(header(request, 'stripe-version') ? { apiVersion: header(request, 'stripe-version')! } : {}),
  };
  const base = { method, host: url.hostname, path: `${url.pathname}${url.search}`, ...headers };
  if (WITHOUT_BODY.has(method)) return canonicalRequest(base);
  const type = request.headers.get('content-type') ?? '';
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY) return canonicalRequest({ ...base, unreadable: `the body is larger than ${MAX_BODY} bytes` });
  const text = await request.clone().text();
  if (text.length > MAX_BODY) return canonicalRequest({ ...base, unreadable: `the body is larger than ${MAX_BODY} bytes` });
  if (type.startsWith('multipart/')) {
    // File uploads: their fields are not read; one that could carry expand paths or event types is unreadable.
    const listField = /name="\[*(?:expand|enabled_events)[\]["]/.test(text);
    return canonicalRequest(listField ? { ...base, unreadable: 'a multipart field sets expand or enabled_events' } : base);
  }
  const json = type.includes('json') || (isV2Path(url.pathname) && /^\s*[{[]/.test(text));
  return canonicalRequest({ ...base, body: text, json });
}

function header(request: Request, name: string): string | undefined {
  return request.headers.get(name) || undefined;
}

/** Stripe's error shape. `stripe-should-retry: false` keeps stripe-node from retrying a 500. */
function stripeError(status: number, type: string, code: string, message: string, missing?: readonly string[]): Response {
  return HttpResponse.json(
    { error: { type, code, message, ...(missing ? { missing_permissions: missing } : {}) } },
    { status, headers: { 'request-id': requestId(), 'stripe-should-retry': 'false' } },
  );
}

function requestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = 'req_';
  for (let i = 0; i < 14; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}
