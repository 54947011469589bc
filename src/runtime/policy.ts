// What guard() and the msw handlers decide for one canonical request: the grant (a fixed one,
// or what a permissions function returned), the one verdict (verdict.ts) acted on — violations
// built, reported once, recorded for coverage. Neither surface decides anything on its own.
import { callLabel } from '../core/request.js';
import { compileGrant, evaluate, type Grant } from '../core/grant.js';
import { verdictOf } from '../core/verdict.js';
import { checkPermissionName } from '../core/names.js';
import { getCatalog } from '../map/catalog.js';
import { resolveCanonical } from '../core/resolve.js';
import { applyOverrides } from '../config/overrides.js';
import { GuardOptionsError, invalidViolation, missingViolation, refusedViolation, unmappedViolation, type Violation } from '../core/errors.js';
import { safeCall, safeWarn } from '../config/callbacks.js';
import { activeRecorder, toRecord, type CheckRecord } from './record.js';
import { copyNames, describe, intersect, NAMES_LIMIT, undeclaredWarning, type Policy } from '../config/options.js';
import type { CanonicalRequest, PermissionContext, Resolution } from '../common/types.js';

export { compilePolicy, PERMISSION_OPTION_NAMES, rejectUnknownOptions, validateNames, describe, intersect } from '../config/options.js';
export type { Logger, PermissionOptions, PermissionsFunction, PermissionsSource, Policy, UnmappedStrategy } from '../config/options.js';
export { safeWarn };

const GRANT_LIMIT = 500;
/** Compiled grants of what permissions functions returned, by content; bounded in entries and key characters. */
const grantCache = new Map<string, Grant>();
let grantChars = 0;
const GRANT_CHARS = 256 * 1024;

/**
 * The compiled grant for what a permissions function returned, or the error to settle the
 * request with. The list is copied once; everything is checked and compiled from that copy, and
 * the cache key is that copy's content (JSON: keys cannot collide). Names the catalog does not
 * know are warned once (Stripe may have added them), not thrown.
 */
function grantFor(returned: unknown, policy: Policy): Grant | GuardOptionsError {
  const names = copyNames(returned);
  if (!names || !names.every((n): n is string => typeof n === 'string' && n.length <= 200)) {
    return new GuardOptionsError(
      `The permissions function must return (or resolve to) an array of permission names; it returned ${describe(returned)}${Array.isArray(returned) && returned.length > NAMES_LIMIT ? ` (at most ${NAMES_LIMIT} are read)` : ''}.`,
    );
  }
  const key = JSON.stringify(names);
  let g = grantCache.get(key);
  if (!g) {
    const catalog = getCatalog();
    for (const n of names) {
      if (catalog.permissions.has(n)) continue;
      const verdict = checkPermissionName(n, policy.overrides?.permissions ?? []);
      if (!verdict.ok && policy.warned.first(`unknown name ${n}`)) {
        safeWarn(policy.logger, `The permissions function returned ${verdict.message}; it grants nothing it does not name.`);
      }
    }
    g = compileGrant(Object.freeze(names));
    if (key.length <= GRANT_CHARS) {
      if (grantCache.size >= GRANT_LIMIT || grantChars + key.length > GRANT_CHARS) {
        grantCache.clear();
        grantChars = 0;
      }
      grantCache.set(key, g);
      grantChars += key.length;
    }
  }
  const declared = policy.declared;
  if (!declared) return g;
  const undeclared = g.declared.filter((n) => !declared.by.has(n));
  if (undeclared.length && policy.warned.first(`undeclared ${key}`)) safeWarn(policy.logger, undeclaredWarning(undeclared, policy.manifestName));
  return intersected(g, declared);
}

// One intersection per (function grant, manifest grant): both are cached objects.
const intersections = new WeakMap<Grant, WeakMap<Grant, Grant>>();
function intersected(approved: Grant, declared: Grant): Grant {
  let byDeclared = intersections.get(approved);
  if (!byDeclared) intersections.set(approved, (byDeclared = new WeakMap()));
  let g = byDeclared.get(declared);
  if (!g) byDeclared.set(declared, (g = intersect(approved, declared)));
  return g;
}

function safeViolation(policy: Policy, v: Violation): void {
  const onViolation = policy.onViolation;
  if (!onViolation) return;
  safeCall(
    () => onViolation(v),
    (e) => safeWarn(policy.logger, `onViolation failed (${e instanceof Error ? e.name : describe(e)}); the request was handled as if it had not.`),
  );
}

// ---- the verdict ----------------------------------------------------------------------------

/** What to do with one request. */
export interface Verdict {
  /** Violations reported (onViolation, warnings). */
  readonly violations: readonly Violation[];
  /** Set when the request must not be sent. */
  readonly reject?: Violation;
  /** Set when the permissions function failed: settle the request with it. */
  readonly error?: GuardOptionsError;
  readonly outcome: CheckRecord['outcome'];
}

/** The verdict on every allowed request (one object: callers may compare with it). */
export const ALLOWED: Verdict = Object.freeze({ violations: Object.freeze([]), outcome: 'allowed' });

/** The permission context a permissions function is given: what is sent. */
function permissionContext(request: CanonicalRequest, resolution: Resolution): PermissionContext {
  return {
    ...(request.stripeAccount ? { stripeAccount: request.stripeAccount } : {}),
    ...(request.stripeContext ? { stripeContext: request.stripeContext } : {}),
    method: callLabel(request, resolution.methodId),
    httpMethod: request.method,
    path: request.path,
  };
}

/**
 * The verdict on one canonical request, synchronously when the permissions are fixed, as a
 * promise when a permissions function is asked (which may return anything or throw: the
 * verdict then carries the error, it never rejects). Reports violations and records the check.
 */
export function decide(policy: Policy, request: CanonicalRequest): Verdict | Promise<Verdict> {
  const fixed = policy.grant || !policy.source;
  // The wire reader hands out the same request for the same tuple: the last one this fixed
  // grant allowed is allowed again (measured: resolving and judging were half of the guard's
  // time per request in a steady state). Not while a recorder counts every check.
  if (fixed && request === policy.lastAllowed.request && !activeRecorder()) return ALLOWED;
  const resolution = applyOverrides(resolveCanonical(request, policy.strictReads), request, policy.overrides);
  if (fixed) {
    const verdict = judge(policy, request, resolution, policy.grant ?? EMPTY_GRANT());
    if (verdict === ALLOWED) policy.lastAllowed.request = request;
    return verdict;
  }
  let returned: unknown;
  try {
    returned = policy.source(permissionContext(request, resolution));
    if (returned !== null && (typeof returned === 'object' || typeof returned === 'function') && !Array.isArray(returned)) {
      // A thenable (or anything else): settled through a real promise, whatever its then() does.
      return Promise.resolve(returned).then(
        (names) => fromNames(policy, request, resolution, names),
        (e: unknown) => functionFailed(e),
      );
    }
  } catch (e) {
    return functionFailed(e);
  }
  return fromNames(policy, request, resolution, returned);
}

function fromNames(policy: Policy, request: CanonicalRequest, resolution: Resolution, names: unknown): Verdict {
  let grant: Grant | GuardOptionsError;
  try {
    grant = grantFor(names, policy);
  } catch (e) {
    return functionFailed(e);
  }
  if (grant instanceof GuardOptionsError) return { violations: [], error: grant, outcome: 'rejected' };
  return judge(policy, request, resolution, grant, true);
}

function functionFailed(e: unknown): Verdict {
  const error = new GuardOptionsError(`The permissions function threw: ${e instanceof Error ? e.message : describe(e)}. The request was not sent.`, {
    cause: e,
  });
  return { violations: [], error, outcome: 'rejected' };
}

let empty: Grant | undefined;
const EMPTY_GRANT = () => (empty ??= compileGrant(Object.freeze([])));

/** The one verdict (verdictOf), acted on: violations built, reported and recorded. */
function judge(policy: Policy, request: CanonicalRequest, resolution: Resolution, appGrant: Grant, runtime = false): Verdict {
  const account = request.stripeAccount;
  const recorder = activeRecorder();
  // What the signed-in user may do is what the app may do and the user holds.
  const grant = policy.user ? intersected(appGrant, policy.user) : appGrant;
  const v = verdictOf(request.invalid.length ? { ...resolution, invalid: request.invalid } : resolution, grant);
  if (v.kind === 'allowed' || (v.kind === 'unknown' && policy.onUnmapped === 'allow' && !v.unknowns.some((u) => u.kind === 'request'))) {
    if (recorder) recorder(toRecord(resolution, grant, v.satisfied, v.missing, 'allowed', account, v));
    return ALLOWED;
  }
  const violations: Violation[] = [];
  let reject: Violation | undefined;
  if (v.kind === 'invalid' || v.kind === 'refused') {
    violations.push(v.kind === 'invalid' ? invalidViolation(request, resolution, account) : refusedViolation(resolution, account));
    if (policy.enforce) reject = violations[0];
  } else {
    if (v.kind === 'missing') {
      // The app may make the call and only the user lacks a permission: Stripe's session error.
      const appMissing = policy.user ? evaluate(resolution, appGrant).missing : v.missing;
      const declaredMissing = runtime && policy.declared ? evaluate(resolution, policy.declared).missing.map((m) => m.permission) : undefined;
      violations.push(
        missingViolation(resolution, appMissing.length ? appMissing : v.missing, account, {
          manifestName: policy.manifestName,
          runtime,
          ...(declaredMissing ? { undeclared: declaredMissing } : {}),
          ...(appMissing.length ? {} : { session: true }),
        }),
      );
      if (policy.enforce) reject = violations[0];
    }
    const unreadable = v.unknowns.some((u) => u.kind === 'request');
    if (v.unknowns.length && (policy.onUnmapped !== 'allow' || unreadable) && !reject) {
      violations.push(unmappedViolation(resolution, v.missing, account, request));
      if (policy.enforce && (policy.onUnmapped === 'throw' || unreadable)) reject = violations[violations.length - 1];
    }
  }
  const outcome = reject ? 'rejected' : 'warned';
  const verdict: Verdict = reject ? { violations, reject, outcome } : { violations, outcome };
  report(policy, verdict);
  recorder?.(toRecord(resolution, grant, v.satisfied, v.missing, outcome, account, v));
  return verdict;
}

/** onViolation for each violation; a warning once for each one not rejected. */
function report(policy: Policy, verdict: Verdict): void {
  for (const v of verdict.violations) safeViolation(policy, v);
  if (verdict.reject) return;
  for (const v of verdict.violations) {
    const key = JSON.stringify([v.kind, v.method, v.missingPermissions, v.unknowns.map((u) => u.reason)]);
    if (policy.warned.first(key)) safeWarn(policy.logger, v.message);
  }
}
