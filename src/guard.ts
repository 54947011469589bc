// The ONLY module that knows stripe-node internals. It replaces the client's
// `_requestSender._request` — the one function every request goes through (resource
// methods, auto-pagination, rawRequest, file uploads, any httpClient) — with a check
// that either calls the original unchanged or answers the SDK's callback with a
// StripePermissionError built from the user's own stripe instance. A rejected request
// never reaches the HttpClient, so there is nothing to retry and nothing leaves.
import type { Grant } from './explain.js';
import { resolveRequest, type RequestShape, type Resolution } from './resolve.js';

const STRICT = Object.freeze({ strictReads: true });
const LENIENT = Object.freeze({ strictReads: false });
import { expandFromForm, expandFromParams } from './request.js';
import { compilePermissionOptions, grantFor, judge, type CompiledPermissions, type PermissionsFunction, type PermissionsSource, type UnmappedStrategy } from './permission-source.js';
import {
  GuardOptionsError,
  PERMISSION_ERROR_CODE,
  PREFIX,
  UnmappedRequestError,
  type GuardErrorFields,
  type Violation,
} from './errors.js';

export type GuardMode = 'throw' | 'warn' | 'off';
export type { PermissionsFunction, PermissionsSource, UnmappedStrategy };

/** What a runtime permissions function is told about the request. */
export interface PermissionContext {
  /** The connected account the request acts on (`stripeAccount` option or client setting). */
  readonly stripeAccount?: string;
  readonly method: string;
  readonly httpMethod: string;
  readonly path: string;
}


export interface GuardOptions {
  /** Path of stripe-app.json (or a local manifest that `extends` it), or the parsed manifest. */
  readonly manifest?: string | Readonly<Record<string, unknown>>;
  /** The granted permissions, or a function of the request's account (backend) or user (UI extension). */
  readonly permissions?: PermissionsSource;
  /** Default `'throw'`; the environment variable STRIPE_PERMISSION_GUARD_MODE overrides it. */
  readonly mode?: GuardMode;
  /** Require `X_read` for reads instead of accepting `X_write` too. */
  readonly strictReads?: boolean;
  /** Requests the map cannot decide. Default `'warn'`: sent, and reported once. */
  readonly onUnmapped?: UnmappedStrategy;
  /** Where warnings go. Default: `console`. */
  readonly logger?: { warn(message: string): void };
  /** Called for every violation, in every mode (also 'warn'). */
  readonly onViolation?: (violation: Violation) => void;
}

/** The minimum of a stripe client the guard relies on. */
export interface StripeClientLike {
  // `never` parameters: any stripe major's constructor signature is assignable here.
  readonly errors: { readonly StripePermissionError: new (...args: never[]) => Error };
  getApiField?(key: string): unknown;
}

type RequestFn = (...args: unknown[]) => unknown;
interface Sender {
  _request: RequestFn;
}
interface GuardState extends CompiledPermissions {
  readonly options: GuardOptions;
  readonly mode: GuardMode;
  readonly strictReads: boolean;
  readonly warned: Set<string>;
  readonly logger: { warn(message: string): void };
}
interface Installed {
  readonly sender: Sender;
  readonly original: RequestFn;
  readonly originalWithContext?: unknown;
  state: GuardState;
}

const installed = new WeakMap<object, Installed>();
const MODES: readonly GuardMode[] = ['throw', 'warn', 'off'];

/**
 * Checks every request of a Stripe client against your app's permissions before it leaves.
 * Returns the same client, with its type. Calling it again on a guarded client replaces the
 * options (it never wraps twice); {@link unguard} removes it.
 *
 * @example
 * const stripe = guard(new Stripe(key), { manifest: './stripe-app.json' });
 * await stripe.customers.update('cus_1', { name: 'x' });
 * // StripePermissionError: … Having the 'customer_write' permission would allow this request to continue.
 */
export function guard<T extends StripeClientLike>(stripe: T, options: GuardOptions): T {
  const state = buildState(options);
  const existing = installed.get(stripe);
  if (existing) {
    existing.state = state;
    return stripe;
  }
  install(stripe, state);
  if (state.mode !== 'off') for (const w of state.warnings) state.logger.warn(w);
  return stripe;
}

function install<T extends StripeClientLike>(stripe: T, state: GuardState): void {
  const sender = (stripe as unknown as { _requestSender?: Sender })._requestSender;
  if (!sender || typeof sender._request !== 'function') {
    throw new GuardOptionsError(`${PREFIX} guard() takes a Stripe client (new Stripe(key)); this object has no request sender. Is it a Stripe instance of stripe ≥ 14?`);
  }
  const client = stripe as unknown as Record<string, unknown>;
  const withContext = client.withStripeContext;
  const record: Installed = {
    sender,
    original: sender._request,
    originalWithContext: Object.hasOwn(client, 'withStripeContext') ? withContext : undefined,
    state,
  };
  if (typeof withContext === 'function') {
    // A derived client shares nothing with this one but its settings: guard it with the same state
    // (the manifest is not read again).
    client.withStripeContext = function (this: unknown, ...args: unknown[]) {
      const derived = (withContext as RequestFn).apply(stripe, args) as T;
      if (!installed.has(derived)) install(derived, record.state);
      return derived;
    };
  }
  sender._request = function guardedRequest(this: unknown, ...args: unknown[]) {
    return handle(stripe, record, this, args);
  };
  installed.set(stripe, record);
}

/**
 * Removes the guard from a client; requests go out unchecked again.
 *
 * @example
 * unguard(stripe) === stripe // true
 */
export function unguard<T extends object>(stripe: T): T {
  const record = installed.get(stripe);
  if (!record) return stripe;
  record.sender._request = record.original;
  const client = stripe as unknown as Record<string, unknown>;
  if (record.originalWithContext) client.withStripeContext = record.originalWithContext;
  else if (Object.hasOwn(client, 'withStripeContext')) delete client.withStripeContext;
  installed.delete(stripe);
  return stripe;
}

/** Whether guard() is applied to this client. */
export function isGuarded(stripe: object): boolean {
  return installed.has(stripe);
}

function buildState(options: GuardOptions): GuardState {
  if (!options || typeof options !== 'object') {
    throw new GuardOptionsError(`${PREFIX} guard(stripe, options) needs options: { manifest: './stripe-app.json' } or { permissions: [...] }.`);
  }
  const mode = readEnvMode() ?? options.mode ?? 'throw';
  if (!MODES.includes(mode)) throw new GuardOptionsError(`${PREFIX} mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}.`);
  const compiled = compilePermissionOptions(options, 'guard()', mode === 'off');
  return { ...compiled, options, mode, strictReads: !!options.strictReads, warned: new Set(), logger: options.logger ?? console };
}

function readEnvMode(): GuardMode | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.STRIPE_PERMISSION_GUARD_MODE?.trim();
  if (!raw) return undefined;
  if (!MODES.includes(raw as GuardMode)) {
    throw new GuardOptionsError(`${PREFIX} STRIPE_PERMISSION_GUARD_MODE must be one of ${MODES.join(', ')}, got ${JSON.stringify(raw)}.`);
  }
  return raw as GuardMode;
}

// ---- per request -------------------------------------------------------------------


function handle(stripe: StripeClientLike, record: Installed, self: unknown, args: unknown[]): unknown {
  const state = record.state;
  if (state.mode === 'off') return record.original.apply(self, args);
  let callback: ((err: unknown, res?: unknown) => void) | undefined;
  for (let i = 5; i < args.length; i++) {
    if (typeof args[i] === 'function') {
      callback = args[i] as (err: unknown) => void;
      break;
    }
  }
  const rawMethod = String(args[0]);
  const method = rawMethod === 'GET' || rawMethod === 'POST' || rawMethod === 'DELETE' ? rawMethod : rawMethod.toUpperCase();
  const host = typeof args[1] === 'string' && args[1] ? args[1] : undefined;
  const full = String(args[2]);
  const q = full.indexOf('?');
  const path = q < 0 ? full : full.slice(0, q);
  const query = q < 0 ? '' : full.slice(q + 1);
  const data = args[3];
  // Expand paths: in the query of GETs, in the params object (or form string) of POSTs.
  const fromQuery = expandFromForm(query);
  const fromData = data && typeof data === 'object' ? expandFromParams(data) : typeof data === 'string' ? expandFromForm(data) : undefined;
  const expand = fromData && fromData.length ? [...fromQuery, ...fromData] : fromQuery;
  const params = data && (typeof data === 'object' || typeof data === 'string') ? (data as Record<string, unknown> | string) : undefined;
  const request: RequestShape = host ? { method, path, host, expand, params } : { method, path, expand, params };
  const resolution = resolveRequest(request, state.strictReads ? STRICT : LENIENT);
  const send = () => record.original.apply(self, args);
  const accountOf = () =>
    ((args[5] as { headers?: Record<string, unknown> } | undefined)?.headers?.['Stripe-Account'] as string | undefined) ??
    (stripe.getApiField?.('stripeAccount') as string | undefined) ??
    undefined;

  if (state.grant) return decide(stripe, state, resolution, state.grant, accountOf, send, callback);
  const account = accountOf();
  const ctx: PermissionContext = { ...(account ? { stripeAccount: account } : {}), method: resolution.methodId ?? `${method} ${path}`, httpMethod: method, path };
  let granted: readonly string[] | Promise<readonly string[]>;
  try {
    granted = state.source!(ctx);
  } catch (e) {
    return fail(callback, e);
  }
  const known = () => account;
  if (Array.isArray(granted)) return decide(stripe, state, resolution, grantFor(granted), known, send, callback);
  Promise.resolve(granted).then(
    (names) => decide(stripe, state, resolution, grantFor(names ?? []), known, send, callback),
    (e) => fail(callback, e),
  );
  return undefined;
}

function fail(callback: ((err: unknown) => void) | undefined, error: unknown): undefined {
  const err = new GuardOptionsError(`${PREFIX} The permissions function threw: ${error instanceof Error ? error.message : String(error)}`);
  if (callback) queueMicrotask(() => callback(err));
  return undefined;
}

function decide(
  stripe: StripeClientLike,
  state: GuardState,
  resolution: Resolution,
  grant: Grant,
  accountOf: () => string | undefined,
  send: () => unknown,
  callback: ((err: unknown) => void) | undefined,
): unknown {
  const verdict = judge(resolution, grant, { enforce: state.mode === 'throw', onUnmapped: state.onUnmapped, manifestName: state.manifestName }, accountOf);
  for (const v of verdict.violations) state.options.onViolation?.(v);
  if (verdict.reject) {
    const v = verdict.reject;
    const error = v.kind === 'missing' ? buildPermissionError(stripe, v) : new UnmappedRequestError(v.message, v);
    if (callback) queueMicrotask(() => callback(error));
    return undefined;
  }
  for (const v of verdict.violations) {
    warnOnce(state, v.kind === 'missing' ? `${v.method}|${v.missingPermissions.join()}` : `unmapped|${v.method}|${v.unknowns.map((u) => u.because).join()}`, v.message);
  }
  return send();
}

function warnOnce(state: GuardState, key: string, message: string): void {
  if (state.warned.has(key)) return;
  state.warned.add(key);
  state.logger.warn(message.startsWith(PREFIX) ? message : `${PREFIX} ${message}`);
}

/** The error Stripe would send, as the user's own stripe copy builds it, plus our fields. */
function buildPermissionError(stripe: StripeClientLike, v: Violation): Error {
  const ErrorClass = stripe.errors.StripePermissionError as unknown as new (raw: Record<string, unknown>) => Error;
  const error = new ErrorClass({
    message: v.message,
    type: 'invalid_request_error',
    code: PERMISSION_ERROR_CODE,
    statusCode: 403,
  });
  const fields: GuardErrorFields = {
    missingPermissions: v.missingPermissions,
    requiredPermissions: v.requiredPermissions,
    method: v.method,
    httpMethod: v.httpMethod,
    path: v.path,
    ...(v.expand[0] ? { expandPath: v.expand[0] } : {}),
    violation: v,
  };
  return Object.assign(error, fields);
}
