// What guard() and the msw handlers share: the permission options (validated once), the
// permission context, the grant cache, warn-once, safe user callbacks, and the verdict on one
// canonical request. Neither surface decides anything on its own.
import { callLabel } from './request.js';
import { compileGrant, evaluate, type Grant } from './grant.js';
import { verdictOf } from './verdict.js';
import { getCatalog } from './catalog.js';
import { loadManifest, parseManifest } from './manifest.js';
import { resolveCanonical } from './resolve.js';
import { applyOverrides, compileOverrides, type CompiledOverrides, type Overrides } from './overrides.js';
import { nearest } from './nearest.js';
import { GuardOptionsError, invalidViolation, missingViolation, refusedViolation, unmappedViolation, type Violation } from './errors.js';
import { prefixed } from './messages.js';
import { noun } from './text.js';
import { activeRecorder, toRecord, type CheckRecord } from './record.js';
import type { CanonicalRequest, PermissionContext, Resolution } from './types.js';

export type PermissionsFunction = (ctx: PermissionContext) => readonly string[] | Promise<readonly string[]>;
export type PermissionsSource = readonly string[] | PermissionsFunction;
export type UnmappedStrategy = 'throw' | 'warn' | 'allow';
export interface Logger {
  warn(message: string): void;
}

const UNMAPPED: readonly UnmappedStrategy[] = ['throw', 'warn', 'allow'];

/** The options guard() and the msw handlers share; each surface documents what differs. */
export interface PermissionOptions {
  /** Path of stripe-app.json (or a local manifest that `extends` it), or the parsed manifest. */
  readonly manifest?: string | Readonly<Record<string, unknown>>;
  /**
   * The granted permissions, or a function of the request (told its `stripeAccount`,
   * `stripeContext`, method and path). With a manifest as well, rejections say which missing
   * permissions the manifest lacks too. A function that never settles leaves its request
   * pending: time it out yourself.
   */
  readonly permissions?: PermissionsSource;
  /** Requests the map cannot decide. Default `'warn'`: sent, and reported once. */
  readonly onUnmapped?: UnmappedStrategy;
  /** Require `X_read` for reads instead of accepting `X_write` too. */
  readonly strictReads?: boolean;
  /** Where warnings go. Default: `console`. A logger that throws does not stop requests. */
  readonly logger?: Logger;
  /** Called for every violation, before the request is answered. What it throws is ignored. */
  readonly onViolation?: (violation: Violation) => void;
  /**
   * In a UI extension: the permissions the signed-in Dashboard user holds (what
   * `getUserAuthorizedPermissions()` returns). A call the app may make but the user may not is
   * rejected as Stripe does, with `more_permissions_required_for_session`.
   */
  readonly userPermissions?: readonly string[];
  /**
   * Your own entries, as an object or the path of a JSON file: `{ permissions?: [names the
   * catalog does not know yet], routes?: { "GET /v1/climate/**": ["climate_read"], "climate.orders.*": "none" } }`.
   * An override beats the map.
   */
  readonly overrides?: Overrides | string;
}

/** The names of {@link PermissionOptions}, for the unknown-option check. */
export const PERMISSION_OPTION_NAMES: readonly (keyof PermissionOptions)[] = [
  'manifest',
  'permissions',
  'onUnmapped',
  'strictReads',
  'logger',
  'onViolation',
  'overrides',
  'userPermissions',
];

/**
 * Options are checked for JavaScript callers too: every name that is not an option, at once,
 * with the nearest option.
 */
export function rejectUnknownOptions(options: object, names: readonly string[], caller: string): void {
  const unknown = Object.keys(options).filter((k) => !names.includes(k));
  if (!unknown.length) return;
  const listed = unknown.map((k) => {
    const guess = nearest(k, names);
    return `${JSON.stringify(k)}${guess ? ` (did you mean "${guess}"?)` : ''}`;
  });
  throw new GuardOptionsError(`${caller}: unknown ${noun(unknown.length, 'option')} ${listed.join(', ')}; the options are ${names.join(', ')}.`);
}

/** The options of guard() and the msw handlers, compiled once. */
export interface Policy {
  /** The manifest's grant, when a manifest is given: what the app declares. */
  readonly declared?: Grant;
  /** A fixed list of granted permissions (or the manifest's, when no list or function is given). */
  readonly grant?: Grant;
  /** …or a function asked per request: what the account (or Dashboard user) has granted. */
  readonly source?: PermissionsFunction;
  /** How messages name the declared set: the manifest's file. */
  readonly manifestName: string;
  /** The manifest's warnings (duplicates, legacy names), to log with safeWarn(). */
  readonly warnings: readonly string[];
  readonly onUnmapped: UnmappedStrategy;
  readonly strictReads: boolean;
  /** Reject rather than warn (guard mode 'throw'; always for msw). */
  readonly enforce: boolean;
  readonly logger: Logger;
  readonly onViolation: ((violation: Violation) => void) | undefined;
  readonly warned: WarnOnce;
  readonly overrides: CompiledOverrides | undefined;
  /** The signed-in Dashboard user's permissions (UI extensions): the grant is narrowed to them. */
  readonly user?: Grant;
  /** The last request this policy's fixed grant allowed. */
  readonly lastAllowed: { request: CanonicalRequest | undefined };
}

/**
 * Validates and compiles the permission options. `caller` names the API in error messages;
 * `optional` lets guard() in mode 'off' go without permissions.
 */
export function compilePolicy(options: PermissionOptions, caller: string, enforce: boolean, optional = false): Policy {
  const onUnmapped = options.onUnmapped ?? 'warn';
  if (!UNMAPPED.includes(onUnmapped))
    throw new GuardOptionsError(`${caller}: onUnmapped must be one of ${UNMAPPED.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(onUnmapped)}.`);
  if (options.strictReads !== undefined && typeof options.strictReads !== 'boolean') {
    throw new GuardOptionsError(`${caller}: strictReads must be true or false, got ${JSON.stringify(options.strictReads)}.`);
  }
  const logger = options.logger ?? console;
  if (!logger || typeof logger.warn !== 'function') throw new GuardOptionsError(`${caller}: logger must have a warn(message) method.`);
  if (options.onViolation !== undefined && typeof options.onViolation !== 'function') throw new GuardOptionsError(`${caller}: onViolation must be a function.`);
  const overrides = options.overrides !== undefined ? compileOverrides(options.overrides, caller) : undefined;
  const extraPermissions = overrides?.permissions ?? [];
  const base = {
    onUnmapped,
    strictReads: options.strictReads === true,
    enforce,
    logger,
    onViolation: options.onViolation,
    warned: new WarnOnce(),
    overrides,
    lastAllowed: { request: undefined as CanonicalRequest | undefined },
  };
  let declared: Grant | undefined;
  let manifestName = 'stripe-app.json';
  let warnings: readonly string[] = [];
  if (options.manifest !== undefined) {
    const manifest =
      typeof options.manifest === 'string' ? loadManifest(options.manifest, { extraPermissions }) : parseManifest(options.manifest, { extraPermissions });
    declared = compileGrant(manifest.names);
    if (manifest.file !== '(inline manifest)') manifestName = manifest.file;
    warnings = manifest.warnings.map((w) => `${w.file}: ${w.entry}: ${w.message}`);
  }
  let user: Grant | undefined;
  if (options.userPermissions !== undefined) {
    if (!Array.isArray(options.userPermissions))
      throw new GuardOptionsError(`${caller}: userPermissions must be an array of permission names, got ${describe(options.userPermissions)}.`);
    user = compileGrant(Object.freeze(validateNames(copyNames(options.userPermissions) ?? [], caller, extraPermissions)));
  }
  const shared = { ...base, manifestName, warnings, ...(declared ? { declared } : {}), ...(user ? { user } : {}) };
  const permissions = options.permissions;
  if (Array.isArray(permissions)) {
    const names = Object.freeze(validateNames(copyNames(permissions) ?? [], caller, extraPermissions));
    const undeclared = declared ? names.filter((n) => !declared.by.has(n)) : [];
    if (undeclared.length) warnings = [...warnings, undeclaredWarning(undeclared, manifestName)];
    return { ...shared, warnings, grant: declared ? intersect(compileGrant(names), declared) : compileGrant(names) };
  }
  if (typeof permissions === 'function') return { ...shared, source: permissions as PermissionsFunction };
  if (permissions !== undefined)
    throw new GuardOptionsError(`${caller}: permissions must be an array of permission names or a function of the request, got ${describe(permissions)}.`);
  if (declared) return { ...shared, grant: declared };
  if (optional) return shared;
  throw new GuardOptionsError(`${caller} needs { manifest: './stripe-app.json' } or { permissions: [...] | (ctx) => [...] }.`);
}

/** A static permission list: every entry a known name, all problems at once (GuardOptionsError with the nearest names). */
export function validateNames(names: readonly unknown[], caller: string, extra: readonly string[] = []): string[] {
  if (!Array.isArray(names)) throw new GuardOptionsError(`${caller}: the permissions must be an array of permission names, got ${describe(names)}.`);
  const catalog = getCatalog();
  const problems: string[] = [];
  names.forEach((name, i) => {
    if (typeof name !== 'string') problems.push(`permissions[${i}] is ${describe(name)}, not a permission name`);
    else if (!catalog.permissions.has(name) && !extra.includes(name)) {
      const guess = nearest(name, catalog.permissions.keys());
      problems.push(`permissions[${i}] ${JSON.stringify(name)} is not a Stripe Apps permission${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
  });
  if (problems.length) throw new GuardOptionsError(`${caller}: ${problems.join('; ')}.`);
  return names as string[];
}

/** What a value is, for a message: its type and shape, never its content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Set) return 'a Set';
  if (value instanceof Map) return 'a Map';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
  return typeof value === 'string' ? 'a string' : `${typeof value}`;
}

// ---- grants -------------------------------------------------------------------------------

/**
 * What Stripe enforces when both are given: what the app declares (the manifest) and what the
 * account — or the signed-in user — approved (the permissions). A permission is granted when
 * both grant it, directly or by implication.
 */
export function intersect(approved: Grant, declared: Grant): Grant {
  const by = new Map<string, string>();
  for (const [name, via] of approved.by) if (declared.by.has(name)) by.set(name, via);
  return Object.freeze({ declared: Object.freeze(approved.declared.filter((n) => by.has(n))), by });
}

function undeclaredWarning(names: readonly string[], manifestName: string): string {
  const list = names.slice(0, 5).map((n) => JSON.stringify(n.slice(0, 80)));
  return (
    `The permissions include ${list.join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}, which ${manifestName} does not declare: ` +
    'Stripe grants an app only what it declares, so they allow nothing. Declare them (stripe apps grant permission) if the app needs them.'
  );
}

/** A list of names read once, element by element (a Proxy or getters are not asked twice), or undefined. */
function copyNames(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const n = value.length;
  if (!Number.isInteger(n) || n > NAMES_LIMIT) return undefined;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = (value as unknown[])[i];
  return out;
}

const NAMES_LIMIT = 1_000;
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
export function grantFor(returned: unknown, policy: Policy): Grant | GuardOptionsError {
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
      if (!catalog.permissions.has(n) && !policy.overrides?.permissions.includes(n) && policy.warned.first(`unknown name ${n}`)) {
        safeWarn(
          policy.logger,
          `The permissions function returned ${JSON.stringify(n.slice(0, 80))}, which is not a permission this version knows; it grants nothing it does not name.`,
        );
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

// ---- warn-once and callbacks ---------------------------------------------------------------------

const WARN_LIMIT = 1_000;
const WARN_CHARS = 256 * 1024;

/** A bounded "warned already" set (entries and characters): past its size it starts again (a warning may repeat, memory may not grow). */
export class WarnOnce {
  readonly #keys = new Set<string>();
  #chars = 0;
  first(key: string): boolean {
    if (this.#keys.has(key)) return false;
    if (this.#keys.size >= WARN_LIMIT || this.#chars + key.length > WARN_CHARS) {
      this.#keys.clear();
      this.#chars = 0;
    }
    this.#keys.add(key);
    this.#chars += key.length;
    return true;
  }
}

/**
 * Runs a user's callback: whatever it throws, returns or rejects with, the request goes on and
 * the process does not end (a returned promise's rejection is caught).
 */
export function safeCall(fn: () => unknown, onError?: (e: unknown) => void): void {
  try {
    const r = fn();
    if (r !== null && (typeof r === 'object' || typeof r === 'function')) {
      Promise.resolve(r).then(undefined, (e: unknown) => onError?.(e));
    }
  } catch (e) {
    onError?.(e);
  }
}

/** A user's logger: whatever it throws or rejects with, the request goes on. */
export function safeWarn(logger: Logger, message: string): void {
  safeCall(() => logger.warn(prefixed(message)));
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
export function permissionContext(request: CanonicalRequest, resolution: Resolution): PermissionContext {
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
    if (recorder) recorder(toRecord(resolution, grant, v.satisfied, v.missing, 'allowed', account));
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
  recorder?.(toRecord(resolution, grant, v.satisfied, v.missing, outcome, account));
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
