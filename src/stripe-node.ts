// The ONLY module that knows stripe-node internals. Every request of a client (resource
// methods, auto-pagination, rawRequest, file uploads, any HttpClient) goes through
// `_requestSender._request(method, host, path, data, authenticator, options, usage, callback,
// requestDataProcessor)` — the same positions in stripe 14 to 23. It is replaced by a function
// that reads those arguments once into the canonical request and either calls the original
// with a snapshot of the params (what was judged is what is sent) or answers the callback.
import { bodilessRequest, canonicalRequest, isV2Path, snapshotParams } from './request.js';
import { RefusedRequestError } from './errors.js';
import type { CanonicalRequest } from './types.js';

export type RequestFn = (...args: unknown[]) => unknown;
export type Callback = (err: unknown, res?: unknown) => void;

/**
 * What the guard decided for one request: `undefined` sends it (the snapshot), `{ error }`
 * answers the caller with the error instead. A promise when the decision waits for a
 * permissions function.
 */
export type Decision = undefined | { readonly error: unknown };

/** The guard's judgement of one request. May throw: the caller's request then settles with the error. */
export type Handler = (request: CanonicalRequest) => Decision | Promise<Decision>;

/**
 * The install record, kept on the client under a global symbol so that every copy of this
 * package in a process (ESM and CommonJS builds) sees one guard per client.
 */
export interface Installation {
  readonly version: 1;
  /** The current handler; `undefined` makes the client send unchecked (unguarded). */
  handler: Handler | undefined;
  /** For a client derived by `withStripeContext`: follow the parent's handler until guarded itself. */
  parent: Installation | undefined;
  /** Puts the guarded sender in place (again). */
  readonly attach: () => void;
  /** Puts the original sender back: the client, and those derived from it, send unchecked. */
  readonly restore: () => void;
}

const INSTALLED = Symbol.for('stripe-permission-guard.installation');

interface Client {
  _requestSender?: { _request?: unknown };
  getApiField?(key: string): unknown;
  _api?: Record<string, unknown>;
  withStripeContext?: unknown;
  errors?: { StripePermissionError?: unknown };
  [INSTALLED]?: Installation;
}

/** The handler in force for a client: its own, or its parent's, or none. */
export function activeHandler(inst: Installation | undefined): Handler | undefined {
  for (let i = inst, n = 0; i && n < 64; i = i.parent, n++) if (i.handler || !i.parent) return i.handler;
  return undefined;
}

export function installationOf(stripe: object): Installation | undefined {
  const inst = (stripe as Client)[INSTALLED];
  return inst && inst.version === 1 ? inst : undefined;
}

/**
 * Why this object cannot be guarded, or undefined. The sender's `_request` must take the
 * arguments by position as stripe 14–23 do (at least the eight before requestDataProcessor).
 */
export function unsupportedClient(stripe: unknown): string | undefined {
  const client = stripe as Client;
  if (!client || typeof client !== 'object') return 'it is not an object';
  const request = client._requestSender?._request;
  if (typeof request !== 'function') return 'it has no request sender (_requestSender._request)';
  if (request.length < 5 || request.length > 9)
    return `its request sender takes ${request.length} arguments, not stripe-node's (method, host, path, data, authenticator, options, usage, callback)`;
  if (typeof client.getApiField !== 'function') return 'it has no getApiField()';
  if (typeof client.errors?.StripePermissionError !== 'function') return 'it has no errors.StripePermissionError';
  return undefined;
}

/**
 * Installs `handler` on a client, or replaces the handler of an installed one. The record stays
 * on the client after {@link Installation.restore}, so clients derived from it keep following
 * it when it is guarded again.
 */
export function install(stripe: object, handler: Handler | undefined, parent?: Installation): Installation {
  const client = stripe as Client;
  const existing = installationOf(client);
  if (existing) {
    // An explicit guard() of a derived client detaches it from its parent.
    existing.handler = handler;
    existing.parent = undefined;
    existing.attach();
    return existing;
  }
  const sender = client._requestSender as { _request: RequestFn };
  const original = sender._request;
  const hadOwnWithContext = Object.hasOwn(client, 'withStripeContext');
  const withContext = client.withStripeContext;
  // By position, as stripe-node calls it: no array is made for a request that is judged and sent.
  const guardedRequest = function guardedRequest(
    this: unknown,
    method: unknown,
    host: unknown,
    path: unknown,
    data: unknown,
    authenticator: unknown,
    options: unknown,
    usage: unknown,
    callback: unknown,
    processor: unknown,
  ) {
    const active = activeHandler(inst);
    // eslint-disable-next-line prefer-rest-params -- the arguments exactly as given
    if (!active) return original.apply(this, arguments as unknown as unknown[]);
    return handleRequest(client, active, original, this, method, host, path, data, authenticator, options, usage, callback, processor);
  };
  const deriving =
    typeof withContext === 'function'
      ? function (this: unknown, ...args: unknown[]) {
          // A derived client is a new instance with its own sender: it follows this client's
          // guard, including later guard() and unguard() calls on this one.
          const derived = (withContext as RequestFn).apply(stripe, args) as object;
          if (derived && typeof derived === 'object' && !installationOf(derived) && !unsupportedClient(derived)) install(derived, undefined, inst);
          return derived;
        }
      : undefined;
  const inst: Installation = {
    version: 1,
    handler,
    parent,
    attach() {
      sender._request = guardedRequest;
      if (deriving) client.withStripeContext = deriving;
    },
    restore() {
      inst.handler = undefined;
      inst.parent = undefined;
      if (sender._request === guardedRequest) sender._request = original;
      if (hadOwnWithContext) client.withStripeContext = withContext;
      else delete client.withStripeContext;
    },
  };
  inst.attach();
  Object.defineProperty(client, INSTALLED, { value: inst, configurable: true, enumerable: false, writable: false });
  return inst;
}

function handleRequest(
  client: Client,
  handler: Handler,
  original: RequestFn,
  self: unknown,
  method: unknown,
  host: unknown,
  path: unknown,
  data: unknown,
  authenticator: unknown,
  options: unknown,
  usage: unknown,
  callback: unknown,
  processor: unknown,
  rounds = 0,
): unknown {
  // What is sent: the arguments as given, the params replaced by the snapshot that is judged.
  let sent = data;
  let decision: Decision | Promise<Decision>;
  let judged: CanonicalRequest;
  const json = typeof path === 'string' && isV2Path(path);
  let unreadable: string | undefined;
  try {
    if (data && typeof data === 'object') {
      const snap = snapshotParams(data, json);
      if (snap) sent = snap.value;
      else unreadable = 'the request parameters are too large or too deeply nested to read';
    }
    judged = readRequest(client, method, host, path, options, sent, json, unreadable);
    decision = handler(judged);
  } catch (e) {
    return answer(options, usage, callback, processor, e);
  }
  if (decision === undefined) {
    try {
      // Trailing parameters stripe-node was not given arrive as undefined: its defaults apply alike.
      return original.call(self, method, host, path, sent, authenticator, options, usage, callback, processor);
    } catch (e) {
      // stripe-node throws synchronously for some bad inputs (a path it refuses); the caller's
      // promise must still settle.
      return answer(options, usage, callback, processor, e);
    }
  }
  if (decision instanceof Promise) {
    decision.then(
      (d) => {
        if (d !== undefined) return answer(options, usage, callback, processor, d.error);
        try {
          // stripe-node reads the client's settings (account, context, API version, host) when it
          // sends: if they changed while the permissions function ran, the request is judged anew.
          const now = readRequest(client, method, host, path, options, sent, json, unreadable);
          const same = sameTarget(now, judged);
          if (!same && rounds >= MAX_REJUDGED) return answer(options, usage, callback, processor, changedWhileJudged(judged));
          // Sent by the path above (the decision made), or judged again.
          return handleRequest(
            client,
            same ? SEND : handler,
            original,
            self,
            method,
            host,
            path,
            sent,
            authenticator,
            options,
            usage,
            callback,
            processor,
            rounds + 1,
          );
        } catch (e) {
          return answer(options, usage, callback, processor, e);
        }
      },
      (e: unknown) => answer(options, usage, callback, processor, e),
    );
    return undefined;
  }
  return answer(options, usage, callback, processor, decision.error);
}

const MAX_REJUDGED = 2;
/** The handler of a request already judged: send it. */
const SEND: Handler = () => undefined;

function sameTarget(a: CanonicalRequest, b: CanonicalRequest): boolean {
  return a.host === b.host && a.stripeAccount === b.stripeAccount && a.stripeContext === b.stripeContext && a.apiVersion === b.apiVersion;
}

function changedWhileJudged(request: CanonicalRequest): RefusedRequestError {
  const why = "the client's account, context, API version or host kept changing while the permissions function ran";
  const message = `Refused ${request.method} ${request.path.length > 80 ? `${request.path.slice(0, 80)}…` : request.path}: ${why}. The request was not sent.`;
  return new RefusedRequestError(message, {
    kind: 'invalid',
    method: `${request.method} ${request.path}`,
    httpMethod: request.method,
    path: request.path,
    ...(request.stripeAccount ? { stripeAccount: request.stripeAccount } : {}),
    missingPermissions: [],
    requiredPermissions: [],
    missing: [],
    unknowns: [],
    expand: [],
    invalid: [why],
    message,
  });
}

/**
 * Settles the caller's request with `error`: stripe-node's callback (the eighth argument, or the
 * first function after the fifth), on a later microtask.
 */
function answer(options: unknown, usage: unknown, callback: unknown, processor: unknown, error: unknown): undefined {
  const cb = [callback, options, usage, processor].find((f) => typeof f === 'function') as Callback | undefined;
  if (cb) queueMicrotask(() => cb(error));
  return undefined;
}

/** The canonical request for stripe-node's `_request` arguments, `params` being what is sent. */
function readRequest(
  client: Client,
  method: unknown,
  host: unknown,
  path: unknown,
  given: unknown,
  params: unknown,
  json: boolean,
  unreadable: string | undefined,
): CanonicalRequest {
  const options = (given && typeof given === 'object' ? given : NO_OPTIONS) as { headers?: unknown; stripeAccount?: unknown; stripeContext?: unknown };
  const sent = readHeaders(options.headers);
  // The client's settings as stripe-node reads them: through getApiField() (which a test double
  // may override), or, when that is stripe-node's own `return this._api[key]`, from _api directly.
  const api = client.getApiField === plainGetter || isPlainGetter(client.getApiField) ? client._api : undefined;
  const field = api && typeof api === 'object' ? api : undefined;
  const account = (sent ? sent.account : undefined) ?? text(options.stripeAccount) ?? text(field ? field.stripeAccount : client.getApiField?.('stripeAccount'));
  const context = (sent ? sent.context : undefined) ?? text(options.stripeContext) ?? text(field ? field.stripeContext : client.getApiField?.('stripeContext'));
  const apiVersion = (sent ? sent.version : undefined) ?? text(field ? field.version : client.getApiField?.('version'));
  const sentHost = typeof host === 'string' && host ? host : field ? field.host : client.getApiField?.('host');
  if (!unreadable && !(params && typeof params === 'object'))
    return bodilessRequest(String(method), sentHost, path as string, account || undefined, context || undefined, apiVersion || undefined);
  return canonicalRequest({
    method: String(method),
    host: sentHost,
    path: path as string,
    params,
    json,
    stripeAccount: account || undefined,
    stripeContext: context || undefined,
    apiVersion: apiVersion || undefined,
    unreadable,
  });
}

const NO_OPTIONS = Object.freeze({});

// stripe-node's getApiField, once its source is seen to be `return this._api[<its parameter>]`
// (stripe 14–23): a client whose getApiField is that function has its settings read from _api.
// The last function found to be something else is remembered too, so neither is read twice.
let plainGetter: unknown;
let otherGetter: unknown;
const PLAIN_GETTER = /^getApiField\s*\(\s*(\w+)\s*\)\s*\{\s*return\s+this\._api\[\1\];?\s*\}$/;

function isPlainGetter(getter: unknown): boolean {
  if (typeof getter !== 'function' || getter === otherGetter) return false;
  if (PLAIN_GETTER.test(Function.prototype.toString.call(getter))) {
    plainGetter = getter;
    return true;
  }
  otherGetter = getter;
  return false;
}

/** The headers that change what a request is judged with, as {@link header} reads each. */
interface SentHeaders {
  account: string | null | undefined;
  context: string | null | undefined;
  version: string | null | undefined;
}

/**
 * The headers as stripe-node sends them: user-supplied headers are normalised (`stripe-account` ->
 * `Stripe-Account`) and override the defaults; of keys that normalise alike, the last wins.
 * `null` means "explicitly none", `undefined` "not given". One pass over the keys; `undefined`
 * (nothing allocated) when none of the three is among them.
 */
function readHeaders(headers: unknown): SentHeaders | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  const h = headers as Record<string, unknown>;
  let out: SentHeaders | undefined;
  // for-in with an own-property test: Object.keys' keys, in its order, without an array per request.
  for (const key in h) {
    // The three names are 14 characters long: other keys are not lower-cased (no string made).
    if (key.length !== 14 || !Object.hasOwn(h, key)) continue;
    const lower = key.toLowerCase();
    if (lower === 'stripe-account') (out ??= noHeaders()).account = headerValue(h[key]);
    else if (lower === 'stripe-context') (out ??= noHeaders()).context = headerValue(h[key]);
    else if (lower === 'stripe-version') (out ??= noHeaders()).version = headerValue(h[key]);
  }
  return out;
}

function noHeaders(): SentHeaders {
  return { account: undefined, context: undefined, version: undefined };
}

function headerValue(found: unknown): string | null {
  if (found === undefined || found === null) return null;
  return Array.isArray(found) ? found.map(String).join(', ') : String(found);
}

function text(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const s = typeof value === 'string' ? value : String(value);
  return s || undefined;
}

/** The error Stripe would send, built by the user's own stripe copy (so `instanceof` holds). */
export function stripePermissionError(stripe: object, raw: { message: string; code: string }): Error {
  const ErrorClass = (stripe as Client).errors!.StripePermissionError as new (raw: Record<string, unknown>) => Error;
  return new ErrorClass({ message: raw.message, type: 'invalid_request_error', code: raw.code, statusCode: 403 });
}
