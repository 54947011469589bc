// The ONLY module that knows stripe-node internals. stripe 14 to 23 send every request of a
// client — resource methods, auto-pagination, rawRequest, file uploads, retries — through
// `getApiField('httpClient').makeRequest(host, port, path, method, headers, body, protocol,
// timeout)`, after the authenticator, header normalisation, encoding and multipart buffering.
// The guard replaces the client's httpClient with one that reads that tuple (wire.ts), judges
// it, and either hands the same values to the user's HttpClient or answers with the 403 Stripe
// would send — so stripe-node itself builds the user's own StripePermissionError, emits its
// events and does not retry. The request sender's `_request` is wrapped only to settle the
// caller with the guard's details (the missing permissions on that error, or the guard's own
// error for a request it refuses); it decides nothing.
import { readWire } from '../core/wire.js';
import { GuardOptionsError } from '../core/errors.js';
import type { CanonicalRequest } from '../common/types.js';

export type Callback = (err: unknown, res?: unknown) => void;
type RequestFn = (...args: unknown[]) => unknown;

/**
 * What the guard decided for one request: `undefined` sends it; `{ reject }` answers with the
 * response Stripe would send, and settles the caller with `reject.error` (or, when
 * `reject.fields` is set, with stripe-node's own error from that response plus those fields).
 */
export type Decision = undefined | { readonly reject: Rejection };

export interface Rejection {
  /** The HTTP status and Stripe error body of the answer. */
  readonly status: number;
  readonly type: string;
  readonly code: string;
  readonly message: string;
  /** Added to the StripePermissionError stripe-node builds from a 403 (the missing permissions…). */
  readonly fields?: object;
  /** Otherwise: the error the caller gets instead of stripe-node's. */
  readonly error?: unknown;
}

/** The guard's judgement of one request, as read from the wire. May throw: the request then settles with the error. */
export type Handler = (request: CanonicalRequest) => Decision | Promise<Decision>;

/**
 * The install record, kept on the client under a global symbol so that every copy of this
 * package in a process (ESM and CommonJS builds) sees one guard per client.
 */
export interface Installation {
  readonly version: 2;
  /** The current handler; `undefined` makes the client send unchecked (unguarded). */
  handler: Handler | undefined;
  /** For a client derived by `withStripeContext`: follow the parent's handler until guarded itself. */
  parent: Installation | undefined;
  /** Puts the guarded HttpClient and sender in place (again). */
  readonly attach: () => void;
  /** Puts the originals back: the client, and those derived from it, send unchecked. */
  readonly restore: () => void;
}

const INSTALLED = Symbol.for('stripe-permission-guard.installation');
/** On a guarded HttpClient: the HttpClient it sends with. */
const INNER = Symbol.for('stripe-permission-guard.inner-http-client');
/** On the error body of a rejection: what settles the caller. */
const REJECTION = Symbol.for('stripe-permission-guard.rejection');

interface HttpClientLike {
  makeRequest(...args: unknown[]): unknown;
  getClientName?(): unknown;
  [INNER]?: HttpClientLike;
}

interface Client {
  _requestSender?: { _request?: unknown };
  _api?: { httpClient?: unknown };
  withStripeContext?: unknown;
  errors?: { StripePermissionError?: unknown };
  [INSTALLED]?: { version?: unknown };
}

/** The handler in force for a client: its own, or its parent's, or none. */
export function activeHandler(inst: Installation | undefined): Handler | undefined {
  for (let i = inst, n = 0; i && n < 64; i = i.parent, n++) if (i.handler || !i.parent) return i.handler;
  return undefined;
}

export function installationOf(stripe: object): Installation | undefined {
  const inst = (stripe as Client)[INSTALLED];
  return inst && inst.version === 2 ? (inst as Installation) : undefined;
}

/** Why this object cannot be guarded, or undefined. */
export function unsupportedClient(stripe: unknown): string | undefined {
  const client = stripe as Client;
  if (!client || typeof client !== 'object') return 'it is not an object';
  const installed = client[INSTALLED];
  if (installed && installed.version !== 2) return 'it is guarded by another version of stripe-permission-guard (unguard it with that version first)';
  const request = client._requestSender?._request;
  if (typeof request !== 'function') return 'it has no request sender (_requestSender._request)';
  const http = client._api?.httpClient as HttpClientLike | undefined;
  if (!http || typeof http.makeRequest !== 'function') return 'it has no HttpClient (_api.httpClient.makeRequest)';
  if (typeof client.errors?.StripePermissionError !== 'function') return 'it has no errors.StripePermissionError';
  return undefined;
}

/**
 * Installs `handler` on a client, or replaces the handler of an installed one. The record stays
 * on the client after {@link Installation.restore}, so clients derived from it keep following
 * it when it is guarded again.
 */
export function install(stripe: object, handler: Handler | undefined, parent?: Installation): Installation {
  const client = stripe as Client & { _api: { httpClient: HttpClientLike }; _requestSender: { _request: RequestFn } };
  const existing = installationOf(client);
  if (existing) {
    // An explicit guard() of a derived client detaches it from its parent.
    existing.handler = handler;
    existing.parent = undefined;
    existing.attach();
    return existing;
  }
  const sender = client._requestSender;
  const original = sender._request;
  // A derived client is given its parent's guarded HttpClient: send with the one underneath.
  const given = client._api.httpClient;
  const inner = given[INNER] ?? given;
  const hadOwnWithContext = Object.hasOwn(client, 'withStripeContext');
  const withContext = client.withStripeContext;
  const guardedClient = guardedHttpClient(inner, () => activeHandler(inst));
  // By position, as stripe 14–23 call it (trailing parameters not given arrive as undefined:
  // stripe-node's defaults apply alike); only the callback is wrapped.
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
    const settle = typeof callback === 'function' ? (err: unknown, res?: unknown) => (callback as Callback)(settled(err), res) : callback;
    return original.call(this, method, host, path, data, authenticator, options, usage, settle, processor);
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
    version: 2,
    handler,
    parent,
    attach() {
      client._api.httpClient = guardedClient;
      sender._request = guardedRequest;
      if (deriving) client.withStripeContext = deriving;
    },
    restore() {
      inst.handler = undefined;
      inst.parent = undefined;
      if (client._api.httpClient === guardedClient) client._api.httpClient = inner;
      if (sender._request === guardedRequest) sender._request = original;
      if (hadOwnWithContext) client.withStripeContext = withContext;
      else delete client.withStripeContext;
    },
  };
  inst.attach();
  Object.defineProperty(client, INSTALLED, { value: inst, configurable: true, enumerable: false, writable: false });
  return inst;
}

/**
 * An HttpClient that judges each request and sends it with `inner` — the same host, port, path,
 * method, body, protocol and timeout, and the headers as read — or answers as Stripe would.
 * Everything else is `inner`'s (its prototype).
 */
function guardedHttpClient(inner: HttpClientLike, handlerNow: () => Handler | undefined): HttpClientLike {
  const guarded = Object.create(inner) as HttpClientLike;
  Object.defineProperty(guarded, INNER, { value: inner });
  guarded.getClientName = () => inner.getClientName?.();
  guarded.makeRequest = function makeRequest(host, port, path, method, headers, body, protocol, timeout) {
    const handler = handlerNow();
    if (!handler) return inner.makeRequest(host, port, path, method, headers, body, protocol, timeout);
    // Bytes (a buffered upload) are copied once: whatever mutates the caller's buffer later, what is judged is sent.
    const sentBody = body instanceof Uint8Array ? body.slice() : body;
    let decision: Decision | Promise<Decision>;
    let sentHeaders: unknown;
    try {
      const read = readWire(method, host, port, path, headers, sentBody, protocol);
      sentHeaders = headers !== null && typeof headers === 'object' ? read.headers : headers;
      decision = handler(read.request);
    } catch (e) {
      return Promise.resolve(answer(failed(e)));
    }
    if (decision === undefined) return inner.makeRequest(host, port, path, method, sentHeaders, sentBody, protocol, timeout);
    if (!(decision instanceof Promise)) return Promise.resolve(answer(decision.reject));
    return withTimeout(decision, timeout).then(
      (d) => (d === undefined ? inner.makeRequest(host, port, path, method, sentHeaders, sentBody, protocol, timeout) : answer(d.reject)),
      (e: unknown) => answer(failed(e)),
    );
  };
  return guarded;
}

/** A decision that waits for a permissions function: refused once the request's own timeout passes. */
function withTimeout(decision: Promise<Decision>, timeout: unknown): Promise<Decision> {
  if (typeof timeout !== 'number' || !(timeout > 0) || timeout > 2 ** 31 - 1) return decision;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new GuardOptionsError(`The permissions function did not settle within the request's timeout (${timeout} ms); the request was not sent.`)),
      timeout,
    );
    decision.then(
      (d) => {
        clearTimeout(timer);
        resolve(d);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** A request that could not be judged (a header getter threw, a permissions function timed out): not sent, settled with the error. */
function failed(e: unknown): Rejection {
  const message = e instanceof Error ? e.message : 'the request could not be judged';
  return { status: 400, type: 'invalid_request_error', code: 'stripe_permission_guard_error', message, error: e };
}

/** The caller's error: the guard's details on stripe-node's error, or the guard's own error. */
function settled(err: unknown): unknown {
  const raw = err && typeof err === 'object' ? (err as { raw?: unknown }).raw : undefined;
  const rejection = raw && typeof raw === 'object' ? (raw as { [REJECTION]?: Rejection })[REJECTION] : undefined;
  if (!rejection) return err;
  return rejection.fields ? Object.assign(err as object, rejection.fields) : rejection.error;
}

/**
 * The response Stripe would send: its status, `request-id`, and `{ error: { type, code,
 * message } }`; `stripe-should-retry: false`, so stripe-node never retries it. The rejection
 * rides on the error body (a non-enumerable symbol) to the caller's callback.
 */
function answer(rejection: Rejection): unknown {
  const headers = { 'content-type': 'application/json', 'request-id': requestId(), 'stripe-should-retry': 'false' };
  return {
    getStatusCode: () => rejection.status,
    getHeaders: () => headers,
    getRawResponse: () => undefined,
    toStream: () => {
      throw new Error('stripe-permission-guard: a rejected request has no stream');
    },
    toJSON: () => {
      const error = { type: rejection.type, code: rejection.code, message: rejection.message };
      Object.defineProperty(error, REJECTION, { value: rejection });
      return Promise.resolve({ error });
    },
  };
}

function requestId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let id = 'req_';
  for (let i = 0; i < 14; i++) id += alphabet[Math.floor(Math.random() * alphabet.length)];
  return id;
}
