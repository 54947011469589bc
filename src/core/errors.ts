// The Stripe-shaped rejection, and our own errors for bad manifests and options.
// One prefix, one shape: "[stripe-permission-guard] What failed: why. How to fix."
import { callLabel } from './request.js';
import type { CanonicalRequest, MissingRequirement, Resolution, UnknownItem } from '../common/types.js';

import { PREFIX, prefixed } from '../common/messages.js';
import { plural } from '../common/text.js';

export { PREFIX, prefixed };
/**
 * The `code` of the 403 Stripe answers (and the guard rejects with) when an app lacks a permission.
 *
 * @example
 * if (err.code === PERMISSION_ERROR_CODE) console.log(err.missingPermissions);
 */
export const PERMISSION_ERROR_CODE = 'more_permissions_required_for_application' as const;

/**
 * The `code` of the 403 Stripe answers when the app declares the permission but the signed-in
 * Dashboard user of a UI extension does not hold it (stripe-apps #851).
 */
export const SESSION_PERMISSION_ERROR_CODE = 'more_permissions_required_for_session' as const;

/** What every violation says: the call, its requirements, the message. */
interface ViolationFields {
  /** SDK method id when known (`customers.update`), else `VERB /path/template`. */
  readonly method: string;
  readonly httpMethod: string;
  /** The request path, without its query string. */
  readonly path: string;
  readonly stripeAccount?: string;
  /** The permission to add for each unmet requirement (kind `missing`). */
  readonly missingPermissions: readonly string[];
  /** Every permission requirement of the request, met or not. */
  readonly requiredPermissions: readonly (readonly string[])[];
  readonly missing: readonly MissingRequirement[];
  readonly unknowns: readonly UnknownItem[];
  /** The expand paths that caused a missing requirement. */
  readonly expand: readonly string[];
  /** What made an `invalid` request refused, one sentence each. */
  readonly invalid?: readonly string[];
  /** The message a rejection carries (or a warning prints). */
  readonly message: string;
  /** Stripe's error code for a `missing` violation: the app's, or the signed-in user's (session). */
  readonly code?: typeof PERMISSION_ERROR_CODE | typeof SESSION_PERMISSION_ERROR_CODE;
}

/**
 * What the guard found wrong with one request, by kind. Passed to `onViolation` in every mode;
 * its message is rendered here, in one place, by the builders below.
 * - `missing`: the permissions do not cover the request (`code` says whose: the app's or the user's).
 * - `unmapped`: the map cannot tell, or a part of the request cannot be read.
 * - `invalid`: the request names no single endpoint or expand path (`invalid` says why).
 * - `refused`: Stripe refuses it for every app.
 */
export type Violation =
  | (ViolationFields & { readonly kind: 'missing'; readonly code: typeof PERMISSION_ERROR_CODE | typeof SESSION_PERMISSION_ERROR_CODE })
  | (ViolationFields & { readonly kind: 'invalid'; readonly invalid: readonly string[] })
  | (ViolationFields & { readonly kind: 'unmapped' | 'refused' });

/** The fields the guard adds to the `StripePermissionError` it throws. */
export interface GuardErrorFields {
  readonly missingPermissions: readonly string[];
  readonly requiredPermissions: readonly (readonly string[])[];
  readonly method: string;
  readonly httpMethod: string;
  readonly path: string;
  /** The first expand path that needs a missing permission, when one does. */
  readonly expandPath?: string;
  readonly violation: Violation;
}

/** How a rejection names what is missing: the manifest, or a grant made at run time. */
export interface MissingContext {
  readonly manifestName?: string;
  /** The permissions came from a permissions function: what the account or user granted. */
  readonly runtime?: boolean;
  /** With a manifest as well: the missing permissions it does not declare either. */
  readonly undeclared?: readonly string[];
  /** The app has every permission the request needs; the signed-in Dashboard user lacks these. */
  readonly session?: boolean;
}

/**
 * Stripe's own sentence, naming the permission (Stripe names a scope), then ours: which
 * call or expand path needs it and how to fix it.
 */
export function rejectionMessage(v: Omit<Violation, 'message'>, context: MissingContext | string = {}): string {
  const ctx: MissingContext = typeof context === 'string' ? { manifestName: context } : context;
  const manifestName = ctx.manifestName ?? 'stripe-app.json';
  const perms = v.missingPermissions;
  const on = v.stripeAccount ? ` on account '${v.stripeAccount}'` : '';
  const having =
    perms.length === 1
      ? `Having the '${perms[0]}' permission would allow this request to continue.`
      : `Having the ${perms.map((p) => `'${p}'`).join(' and ')} permissions would allow this request to continue.`;
  const needs = v.missing
    .map((m) => `${m.expand ? `${v.method} with ${m.because}` : m.because} needs ${m.anyOf.length > 1 ? `one of ${m.anyOf.join(', ')}` : m.anyOf[0]}`)
    .join('; ');
  const grantCmd = (list: readonly string[]) => list.map((p) => `stripe apps grant permission "${p}" "<purpose>"`).join(' && ');
  if (ctx.session) {
    return (
      `The signed-in user does not have the required permissions for this endpoint${on}. ${having}\n` +
      prefixed(
        `${needs}: ${manifestName} declares it, but the signed-in Dashboard user does not hold it (userPermissions). ` +
          'Check isPermissionAuthorized() before the call and hide the action, or have an administrator give the user a role that holds it.',
      )
    );
  }
  let tail: string;
  if (!ctx.runtime) tail = `, which ${manifestName} does not declare. Fix: ${grantCmd(perms)}`;
  else {
    const undeclared = ctx.undeclared ? perms.filter((p) => ctx.undeclared!.includes(p)) : [];
    tail =
      `, which the account${v.stripeAccount ? ` ${v.stripeAccount}` : ''} (or the signed-in user) has not granted.` +
      (undeclared.length
        ? ` ${manifestName} does not declare ${undeclared.join(', ')} either. Fix: ${grantCmd(undeclared)}, then have the account approve the new permissions.`
        : ' The account must approve the permissions your app declares (or the user must hold them).');
  }
  return `This application does not have the required permissions for this endpoint${on}. ${having}\n${prefixed(`${needs}${tail}`)}`;
}

function violationBase(resolution: Resolution, missing: readonly MissingRequirement[], account: string | undefined) {
  const route = resolution.route;
  return {
    method: resolution.methodId ?? (route ? `${route.method} ${route.path}` : (resolution.unknowns[0]?.because ?? 'unknown request')),
    httpMethod: route?.method ?? '',
    path: route?.path ?? '',
    ...(account ? { stripeAccount: account } : {}),
    requiredPermissions: resolution.requirements.map((r) => r.anyOf),
    missing,
    unknowns: resolution.unknowns,
  };
}

/**
 * The violation for a request whose requirements are not all met, with the message a rejection carries.
 *
 * @example
 * const r = resolveRequest({ method: 'POST', path: '/v1/customers' });
 * missingViolation(r, evaluate(r, compileGrant([])).missing, undefined).missingPermissions // ['customer_write']
 */
export function missingViolation(
  resolution: Resolution,
  missing: readonly MissingRequirement[],
  account: string | undefined,
  context?: MissingContext | string,
): Violation {
  const partial = {
    ...violationBase(resolution, missing, account),
    kind: 'missing' as const,
    missingPermissions: [...new Set(missing.map((m) => m.permission))],
    expand: [...new Set(missing.flatMap((m) => (m.expand ? [m.expand] : [])))],
    code: typeof context === 'object' && context.session ? SESSION_PERMISSION_ERROR_CODE : PERMISSION_ERROR_CODE,
  };
  return { ...partial, message: rejectionMessage(partial, context) };
}

/** The violation for a request the map cannot decide. */
export function unmappedViolation(
  resolution: Resolution,
  missing: readonly MissingRequirement[],
  account: string | undefined,
  request?: CanonicalRequest,
): Violation {
  const base = violationBase(resolution, missing, account);
  const partial = {
    ...base,
    ...(request && !resolution.route ? { httpMethod: request.method, path: request.path } : {}),
    kind: 'unmapped' as const,
    missingPermissions: [],
    expand: resolution.unknowns.flatMap((u) => (u.expand ? [u.expand] : [])),
  };
  return { ...partial, message: unmappedMessage(partial) };
}

/** The violation for a request Stripe refuses for every app (no permission allows it). */
export function refusedViolation(resolution: Resolution, account: string | undefined): Violation {
  const refused = resolution.refused!;
  const partial = {
    ...violationBase(resolution, [], account),
    kind: 'refused' as const,
    missingPermissions: [],
    expand: [],
  };
  const on = account ? ` on account '${account}'` : '';
  const message =
    `This application does not have the required permissions for this endpoint${on}. Having the 'read_only' scope would allow this request to continue.\n` +
    prefixed(`${partial.method}: no permission a Stripe App can declare allows this: ${refused.reason} (${refused.source}). Instead: ${refused.instead}.`);
  return { ...partial, message };
}

/** The violation for a request refused before sending: it names no single endpoint or expand path. */
export function invalidViolation(request: CanonicalRequest, resolution: Resolution, account: string | undefined): Violation {
  const partial = {
    ...violationBase(resolution, [], account),
    method: callLabel(request, resolution.methodId),
    httpMethod: request.method,
    path: request.path,
    kind: 'invalid' as const,
    missingPermissions: [],
    expand: [],
    invalid: request.invalid,
  };
  const message =
    `Refused ${request.method} ${request.path.length > 80 ? `${request.path.slice(0, 80)}…` : request.path}: ${request.invalid.slice(0, 5).join('; ')}${request.invalid.length > 5 ? ` (and ${request.invalid.length - 5} more)` : ''}. ` +
    'The request was not sent; pass ids and expand paths as Stripe issues them.';
  return { ...partial, message };
}

export function unmappedMessage(v: Pick<Violation, 'method' | 'unknowns'>): string {
  const parts = v.unknowns.map((u) => `${u.because}: ${u.reason}`).join('; ');
  return (
    `Cannot check ${v.method}: ${parts}. The request was not matched to a permission; ` +
    'declare what it needs yourself (overrides), or set onUnmapped: "allow" to silence this.'
  );
}

const BRAND = Symbol.for('stripe-permission-guard.error');

/**
 * Makes `instanceof cls` hold for the errors of every copy of the package in a process (its ESM
 * and CommonJS builds, a bundled copy, a test helper's): the class is checked, then the brand
 * each copy's prototype carries.
 */
function branded(cls: abstract new (...args: never[]) => Error, name: string): void {
  Object.defineProperty(cls.prototype, BRAND, { value: name, enumerable: false });
  const own = Function.prototype[Symbol.hasInstance];
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (own.call(this, value)) return true;
      // A subclass of ours is checked by its prototype chain only.
      return this === cls && !!value && typeof value === 'object' && (value as { [BRAND]?: unknown })[BRAND] === name;
    },
  });
}

/** What the guard's own rejections share: the message, and the violation as data. */
abstract class ViolationError extends Error {
  constructor(
    message: string,
    readonly violation: Violation,
  ) {
    super(prefixed(message));
  }
}

/**
 * Thrown (mode 'throw') for a request that names no single endpoint or expand path: a `..` id,
 * an encoded slash, an expand path deeper than Stripe allows. Nothing was sent.
 *
 * @example
 * await stripe.customers.retrieve('..').catch((e) => e instanceof RefusedRequestError) // true
 */
export class RefusedRequestError extends ViolationError {
  override readonly name = 'RefusedRequestError';
}
branded(RefusedRequestError, 'RefusedRequestError');

/**
 * Thrown (mode 'throw', onUnmapped 'throw') for a request the map cannot decide; `violation.unknowns` says why.
 *
 * @example
 * guard(stripe, { manifest: './stripe-app.json', onUnmapped: 'throw' });
 * await stripe.rawRequest('GET', '/v1/not_a_route').catch((e) => e instanceof UnmappedRequestError) // true
 */
export class UnmappedRequestError extends ViolationError {
  override readonly name = 'UnmappedRequestError';
}
branded(UnmappedRequestError, 'UnmappedRequestError');

/** One problem found in a manifest. */
export interface ManifestProblem {
  readonly file: string;
  /** Where in the file: `permissions[2].permission`, or `(root)`. */
  readonly entry: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  /** A stable code (`unknown_permission`, `invalid_json`, …) for tools. */
  readonly code?: string;
  /** The JSON path of the entry, as keys and indexes. */
  readonly path?: readonly (string | number)[];
}

/**
 * Every problem of a manifest (or several), thrown once; `problems` holds them as data.
 *
 * @example
 * try { loadManifest('./stripe-app.json'); } catch (e) { if (e instanceof ManifestError) console.log(e.problems.map((p) => p.entry)); }
 */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(prefixed(formatProblems(problems)));
  }
}
branded(ManifestError, 'ManifestError');

export function formatProblems(problems: readonly ManifestProblem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const files = [...new Set(problems.map((p) => p.file))].join(', ');
  const head =
    `Invalid manifest ${files}: ${plural(errors, 'error')}` + `${problems.length > errors ? `, ${plural(problems.length - errors, 'warning')}` : ''}.`;
  return [head, ...problems.map(formatProblem)].join('\n');
}

export function formatProblem(p: ManifestProblem): string {
  return `  ${p.severity === 'error' ? '✗' : '!'} ${p.file}: ${p.entry}: ${p.message}`;
}

/**
 * Bad options given to guard(), the msw handlers, overrides or the test helpers; also what a
 * request settles with when a permissions function throws or returns something else than names.
 *
 * @example
 * guard(stripe, { permissions: ['customer_reed'] }) // GuardOptionsError: … (did you mean "customer_read"?)
 */
export class GuardOptionsError extends TypeError {
  override readonly name = 'GuardOptionsError';
  constructor(message: string, options?: ErrorOptions) {
    super(prefixed(message), options);
  }
}
branded(GuardOptionsError, 'GuardOptionsError');
