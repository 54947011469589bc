// guard(), unguard(), isGuarded(): install the policy on a client's HttpClient (stripe-node.ts)
// and act on the verdict (policy.ts). A rejected request never reaches the user's HttpClient:
// it is answered as Stripe would answer it, so nothing leaves and nothing is retried.
import {
  ALLOWED,
  compilePolicy,
  decide,
  PERMISSION_OPTION_NAMES,
  rejectUnknownOptions,
  safeWarn,
  type PermissionOptions,
  type PermissionsFunction,
  type PermissionsSource,
  type Policy,
  type UnmappedStrategy,
  type Verdict,
} from './policy.js';
import { activeHandler, install, installationOf, unsupportedClient, type Decision, type Handler } from './stripe-node.js';
import { GuardOptionsError, PERMISSION_ERROR_CODE, RefusedRequestError, UnmappedRequestError, type GuardErrorFields, type Violation } from '../core/errors.js';

export type GuardMode = 'throw' | 'warn' | 'off';
export type { PermissionsFunction, PermissionsSource, UnmappedStrategy };
export type { PermissionContext } from '../common/types.js';

export interface GuardOptions extends PermissionOptions {
  /** Default `'throw'`; the environment variable STRIPE_PERMISSION_GUARD_MODE overrides it. */
  readonly mode?: GuardMode;
  /** Called for every violation, in every mode (also 'warn'). What it throws is ignored. */
  readonly onViolation?: (violation: Violation) => void;
}

/** The minimum of a stripe client the guard relies on. */
export interface StripeClientLike {
  // `never` parameters: any stripe major's constructor signature is assignable here.
  readonly errors: { readonly StripePermissionError: new (...args: never[]) => Error };
  getApiField?(key: string): unknown;
}

const MODES: readonly GuardMode[] = ['throw', 'warn', 'off'];
const OPTION_NAMES: readonly string[] = [...PERMISSION_OPTION_NAMES, 'mode'];

/**
 * Checks every request of a Stripe client against your app's permissions before it leaves.
 * Returns the same client, with its type. Calling it again on a guarded client replaces the
 * options (it never wraps twice, even from another copy of this package); {@link unguard}
 * removes it. Clients made by `withStripeContext` follow this client's guard.
 *
 * @example
 * const stripe = guard(new Stripe(key), { manifest: './stripe-app.json' });
 * await stripe.customers.update('cus_1', { name: 'x' });
 * // StripePermissionError: … Having the 'customer_write' permission would allow this request to continue.
 */
export function guard<T extends StripeClientLike>(stripe: T, options: GuardOptions): T {
  const why = installationOf(stripe) ? undefined : unsupportedClient(stripe);
  if (why) throw new GuardOptionsError(`guard() takes a Stripe client (new Stripe(key)) of stripe ≥ 14; ${why}.`);
  const { policy, mode } = buildPolicy(options);
  const fresh = !installationOf(stripe);
  install(stripe, mode === 'off' ? undefined : handlerFor(policy));
  if (fresh && mode !== 'off') for (const w of policy.warnings) safeWarn(policy.logger, w);
  return stripe;
}

/**
 * Removes the guard from a client; requests go out unchecked again, also those of clients it
 * derived with `withStripeContext`.
 *
 * @example
 * unguard(stripe) === stripe // true
 */
export function unguard<T extends object>(stripe: T): T {
  installationOf(stripe)?.restore();
  return stripe;
}

/**
 * Whether guard() is in force on this client (its own, or its parent's for a derived client),
 * whichever copy of the package installed it.
 *
 * @example
 * isGuarded(guard(new Stripe(key), { manifest: './stripe-app.json' })) // true
 */
export function isGuarded(stripe: object): boolean {
  return activeHandler(installationOf(stripe)) !== undefined;
}

function buildPolicy(options: GuardOptions): { policy: Policy; mode: GuardMode } {
  if (!options || typeof options !== 'object') {
    throw new GuardOptionsError(`guard(stripe, options) needs options: { manifest: './stripe-app.json' } or { permissions: [...] }.`);
  }
  rejectUnknownOptions(options, OPTION_NAMES, 'guard()');
  const mode = readEnvMode() ?? options.mode ?? 'throw';
  if (!MODES.includes(mode)) throw new GuardOptionsError(`guard(): mode must be one of ${MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}.`);
  return { policy: compilePolicy(options, 'guard()', mode === 'throw', mode === 'off'), mode };
}

function readEnvMode(): GuardMode | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const raw = env?.STRIPE_PERMISSION_GUARD_MODE?.trim();
  if (!raw) return undefined;
  if (!MODES.includes(raw as GuardMode)) {
    throw new GuardOptionsError(`STRIPE_PERMISSION_GUARD_MODE must be one of ${MODES.join(', ')}, got ${JSON.stringify(raw.slice(0, 40))}.`);
  }
  return raw as GuardMode;
}

// ---- per request -------------------------------------------------------------------

function handlerFor(policy: Policy): Handler {
  return (request) => {
    const verdict = decide(policy, request);
    if (verdict === ALLOWED) return undefined;
    return verdict instanceof Promise ? verdict.then(decisionOf) : decisionOf(verdict);
  };
}

/**
 * Send (`undefined`), or the answer Stripe would give instead: a 403 for a missing permission
 * or a request Stripe refuses (stripe-node builds the caller's own StripePermissionError from
 * it; the guard adds its fields), else the guard's own error.
 */
function decisionOf(verdict: Verdict): Decision {
  if (verdict.error)
    return {
      reject: { status: 400, type: 'invalid_request_error', code: 'stripe_permission_guard_error', message: verdict.error.message, error: verdict.error },
    };
  const v = verdict.reject;
  if (!v) return undefined;
  if (v.kind === 'missing' || v.kind === 'refused') {
    const fields: GuardErrorFields = {
      missingPermissions: v.missingPermissions,
      requiredPermissions: v.requiredPermissions,
      method: v.method,
      httpMethod: v.httpMethod,
      path: v.path,
      ...(v.expand[0] ? { expandPath: v.expand[0] } : {}),
      violation: v,
    };
    return { reject: { status: 403, type: 'invalid_request_error', code: v.code ?? PERMISSION_ERROR_CODE, message: v.message, fields } };
  }
  const error = v.kind === 'invalid' ? new RefusedRequestError(v.message, v) : new UnmappedRequestError(v.message, v);
  return {
    reject: {
      status: 400,
      type: 'invalid_request_error',
      code: v.kind === 'invalid' ? 'stripe_permission_guard_refused' : 'stripe_permission_guard_unmapped',
      message: v.message,
      error,
    },
  };
}
