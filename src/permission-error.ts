// Reading a rejection as the guard's permission error, whichever surface produced it: guard()
// puts `missingPermissions` on the StripePermissionError it builds; the msw handlers answer with
// Stripe's 403 body, which stripe-node keeps as `err.raw` (`raw.missing_permissions`). Stripe's
// own sentence names the permissions too, read as a last resort.
import { PERMISSION_ERROR_CODE, SESSION_PERMISSION_ERROR_CODE } from './core/errors.js';

export interface PermissionErrorInfo {
  /** Whether it is a StripePermissionError with the guard's code. */
  readonly isPermissionError: boolean;
  readonly code: unknown;
  /** Its class as stripe-node names it (`type`), or the Error's name. */
  readonly kind: string;
  /** The permissions it says are missing; empty when it names none. */
  readonly missingPermissions: readonly string[];
  readonly method?: string;
  readonly path?: string;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? [...v] : undefined);

// "Having the 'customer_write' permission would allow …" / "Having the 'a' and 'b' permissions …"
const HAVING = /Having the ((?:'[a-z0-9_]+'(?:, | and )?)+) permissions? would allow/;

/**
 * What a rejection says about permissions.
 *
 * @example
 * readPermissionError(err).missingPermissions // ['customer_write']
 */
export function readPermissionError(value: unknown): PermissionErrorInfo {
  if (!value || typeof value !== 'object') {
    return { isPermissionError: false, code: undefined, kind: value === null ? 'null' : typeof value, missingPermissions: [] };
  }
  const e = value as Record<string, unknown>;
  const raw = e.raw && typeof e.raw === 'object' ? (e.raw as Record<string, unknown>) : {};
  const code = e.code ?? raw.code;
  const kind = typeof e.type === 'string' ? e.type : typeof e.name === 'string' ? e.name : 'object';
  const message = typeof e.message === 'string' ? e.message : '';
  const fromMessage = HAVING.exec(message)?.[1]?.match(/[a-z0-9_]+/g) ?? [];
  const missingPermissions = strings(e.missingPermissions) ?? strings(raw.missing_permissions) ?? fromMessage;
  return {
    // stripe-node sets `type` to the class name; a user's own stripe copy has its own class, so
    // the name is what can be compared, not the constructor.
    isPermissionError: kind === 'StripePermissionError' && (code === PERMISSION_ERROR_CODE || code === SESSION_PERMISSION_ERROR_CODE),
    code,
    kind,
    missingPermissions: [...new Set(missingPermissions)],
    ...(typeof e.method === 'string' ? { method: e.method } : {}),
    ...(typeof e.path === 'string' ? { path: e.path } : {}),
  };
}

/** A permission rejection, from guard() (with every field) or from the msw handlers (Stripe's fields). */
export interface PermissionError extends Error {
  readonly type: 'StripePermissionError';
  readonly code: typeof PERMISSION_ERROR_CODE | typeof SESSION_PERMISSION_ERROR_CODE;
  readonly statusCode?: number;
  /** guard() rejections: the permissions to add. For msw rejections read {@link readPermissionError}. */
  readonly missingPermissions?: readonly string[];
  readonly requiredPermissions?: readonly (readonly string[])[];
  readonly method?: string;
  readonly httpMethod?: string;
  readonly path?: string;
  readonly expandPath?: string;
  /** msw rejections: Stripe's error body, with `missing_permissions`. */
  readonly raw?: { readonly missing_permissions?: readonly string[] } & Record<string, unknown>;
}

/**
 * Whether a rejection is the guard's permission error (guard() or the msw handlers), typed so
 * TypeScript users need no cast.
 *
 * @example
 * try { await stripe.customers.update('cus_1', {}); }
 * catch (e) { if (isPermissionError(e)) console.log(readPermissionError(e).missingPermissions); }
 */
export function isPermissionError(e: unknown): e is PermissionError {
  return e instanceof Error && readPermissionError(e).isPermissionError;
}
