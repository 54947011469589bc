// msw handlers that answer like Stripe does when an app lacks a permission: a 403 with
// Stripe's error body. They check at the network layer, so they cover any client — an
// unwrapped stripe instance, fetch, another language's SDK under test — and they compose
// with the app's own msw fixtures: a covered request falls through to the next handler.
// The request is read by the same model as guard() and judged by the same policy.
import { http, HttpResponse, type HttpHandler } from 'msw';
import { compilePolicy, decide, PERMISSION_OPTION_NAMES, rejectUnknownOptions, safeWarn, type PermissionOptions, type Policy } from '../runtime/policy.js';
import { readWire } from '../core/wire.js';
import { getCatalog } from '../map/catalog.js';
import { GuardOptionsError, PERMISSION_ERROR_CODE } from '../core/errors.js';
import type { UnmappedStrategy } from '../runtime/policy.js';
import type { CanonicalRequest } from '../common/types.js';

export interface StripePermissionHandlersOptions extends PermissionOptions {
  /**
   * Requests the map cannot decide. `'warn'` (default): passed through, warned once.
   * `'throw'`: answered with a 500 `api_error` naming what is unmapped (never a 403: Stripe may
   * well allow the request), marked not to be retried. `'allow'`: passed through silently.
   */
  readonly onUnmapped?: UnmappedStrategy;
}

/** Bodies beyond this are not read (the request is unreadable): file uploads are far smaller. */
const MAX_BODY = 64 * 1024 * 1024;

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
  if (v?.kind === 'missing' || v?.kind === 'refused')
    return stripeError(403, 'invalid_request_error', v.code ?? PERMISSION_ERROR_CODE, v.message, v.missingPermissions);
  if (v?.kind === 'invalid') return stripeError(400, 'invalid_request_error', 'stripe_permission_guard_refused', v.message);
  if (v) return stripeError(500, 'api_error', 'stripe_permission_guard_unmapped', v.message);
  return undefined;
}

/**
 * A fetch Request as the tuple stripe-node hands an HttpClient, read by the guard's own wire
 * reader. The body is read from a clone (the answering handler can still read it), as bytes, up
 * to a bound.
 */
async function readRequest(request: Request): Promise<CanonicalRequest> {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = request.body ? await readBounded(request.clone()) : undefined;
  const wire = readWire(
    request.method,
    url.hostname,
    url.port || undefined,
    `${url.pathname}${url.search}`,
    headers,
    body ?? undefined,
    url.protocol.slice(0, -1),
  );
  if (body !== null) return wire.request;
  return { ...wire.request, unreadable: [...wire.request.unreadable, `the body is larger than ${MAX_BODY} bytes`] };
}

/** The body's bytes, or null past MAX_BODY (the rest is not read). */
async function readBounded(request: Request): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY || !request.body) return declared > MAX_BODY ? null : new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
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
