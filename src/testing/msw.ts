// msw handlers that answer like Stripe does when an app lacks a permission: a 403 with
// Stripe's error body. They check at the network layer, so they cover any client — an
// unwrapped stripe instance, fetch, another language's SDK under test — and they compose
// with the app's own msw fixtures: a covered request falls through to the next handler.
import { http, HttpResponse, type HttpHandler } from 'msw';
import type { Grant } from '../explain.js';
import { resolveRequest, type Resolution } from '../resolve.js';
import { expandFromForm, expandFromParams } from '../request.js';
import { compilePermissionOptions, grantFor, judge, type CompiledPermissions } from '../permission-source.js';
import { getCatalog } from '../catalog.js';
import { GuardOptionsError, PERMISSION_ERROR_CODE, PREFIX, type Violation } from '../errors.js';
import type { PermissionContext, PermissionsSource, UnmappedStrategy } from '../guard.js';


export interface StripePermissionHandlersOptions {
  /** Path of stripe-app.json (or a local manifest that `extends` it), or the parsed manifest. */
  readonly manifest?: string | Readonly<Record<string, unknown>>;
  /** The granted permissions, or a function of the request (its `Stripe-Account` header, method, path). */
  readonly permissions?: PermissionsSource;
  /** Require `X_read` for reads instead of accepting `X_write` too. */
  readonly strictReads?: boolean;
  /**
   * Requests the map cannot decide. `'warn'` (default): passed through, warned once.
   * `'throw'`: answered with a 500 `api_error` naming what is unmapped (never a 403: Stripe may
   * well allow the request), marked not to be retried. `'allow'`: passed through silently.
   */
  readonly onUnmapped?: UnmappedStrategy;
  /** Where warnings go. Default: `console`. */
  readonly logger?: { warn(message: string): void };
  /** Called for every violation, before the response is sent. */
  readonly onViolation?: (violation: Violation) => void;
}

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/**
 * msw 2.x handlers that enforce your app's permissions on every request to Stripe. Put them
 * before your fixtures: a request the permissions do not cover gets Stripe's 403
 * (`more_permissions_required_for_application`, naming the permission); a covered one falls
 * through to the next handler unchanged.
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
  const state = buildState(options);
  // Every host a recorded route is served from: the API, file uploads, v2 meter event streams.
  return getCatalog().hosts.map((host) => http.all(`https://${host}/*`, ({ request }) => check(state, request)));
}

interface State extends CompiledPermissions {
  readonly options: StripePermissionHandlersOptions;
  readonly warned: Set<string>;
  readonly logger: { warn(message: string): void };
}

function buildState(options: StripePermissionHandlersOptions): State {
  if (!options || typeof options !== 'object') {
    throw new GuardOptionsError(`${PREFIX} stripePermissionHandlers(options) needs { manifest: './stripe-app.json' } or { permissions: [...] }.`);
  }
  const compiled = compilePermissionOptions(options, 'stripePermissionHandlers()');
  const logger = options.logger ?? console;
  for (const w of compiled.warnings) logger.warn(w);
  return { ...compiled, options, warned: new Set<string>(), logger };
}

async function check(state: State, request: Request): Promise<Response | undefined> {
  const url = new URL(request.url);
  const method = request.method.toUpperCase();
  const { expand, params } = await readRequest(request, url, method);
  const resolution = resolveRequest(
    { method, path: url.pathname, host: url.host, expand, ...(params ? { params } : {}) },
    { strictReads: !!state.options.strictReads },
  );
  const account = request.headers.get('stripe-account') ?? undefined;
  let grant = state.grant;
  if (!grant) {
    const ctx: PermissionContext = { ...(account ? { stripeAccount: account } : {}), method: resolution.methodId ?? `${method} ${url.pathname}`, httpMethod: method, path: url.pathname };
    try {
      grant = grantFor((await state.source!(ctx)) ?? []);
    } catch (e) {
      return stripeError(500, 'api_error', 'stripe_permission_guard_error', `${PREFIX} The permissions function threw: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return decide(state, resolution, grant, account);
}

/**
 * Expand paths and parameters from the query and the body. The body is read from a clone,
 * so the handler that answers the request can still read it.
 */
async function readRequest(request: Request, url: URL, method: string): Promise<{ expand: readonly string[]; params?: Record<string, unknown> | string }> {
  const expand = expandFromForm(url.search.slice(1));
  if (WITHOUT_BODY.has(method)) return { expand };
  const type = request.headers.get('content-type') ?? '';
  // Multipart bodies are file uploads: they carry no expand paths or event types worth a parse.
  if (type.startsWith('multipart/')) return { expand };
  const text = await request.clone().text();
  if (!text) return { expand };
  if (type.includes('json') || /^\s*[{[]/.test(text)) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
        return { expand: [...expand, ...expandFromParams(parsed)], params: parsed as Record<string, unknown> };
      }
    } catch {
      // Not JSON after all: read it as a form body below.
    }
  }
  return { expand: [...expand, ...expandFromForm(text)], params: text };
}

function decide(state: State, resolution: Resolution, grant: Grant, account: string | undefined): Response | undefined {
  const verdict = judge(resolution, grant, { enforce: true, onUnmapped: state.onUnmapped, manifestName: state.manifestName }, () => account);
  for (const v of verdict.violations) state.options.onViolation?.(v);
  const v = verdict.reject;
  if (v?.kind === 'missing') return stripeError(403, 'invalid_request_error', PERMISSION_ERROR_CODE, v.message);
  if (v) return stripeError(500, 'api_error', 'stripe_permission_guard_unmapped', v.message);
  for (const w of verdict.violations) {
    const key = `${w.method}|${w.unknowns.map((u) => u.because).join()}`;
    if (!state.warned.has(key)) {
      state.warned.add(key);
      state.logger.warn(w.message);
    }
  }
  return undefined;
}

/** Stripe's error shape. `stripe-should-retry: false` keeps stripe-node from retrying a 500. */
function stripeError(status: number, type: string, code: string, message: string): Response {
  return HttpResponse.json(
    { error: { type, code, message } },
    { status, headers: { 'request-id': requestId(), 'stripe-should-retry': 'false' } },
  );
}

function requestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = 'req_';
  for (let i = 0; i < 14; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}
