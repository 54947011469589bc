// The permission options guard() and the msw handlers share: validated and compiled once into
// a Policy (policy.ts decides per request with it).
import { compileGrant, type Grant } from '../core/grant.js';
import { loadManifest, parseManifest } from './manifest.js';
import { compileOverrides, type CompiledOverrides, type Overrides } from './overrides.js';
import { nearest } from '../common/nearest.js';
import { checkPermissionName } from '../core/names.js';
import { GuardOptionsError, type Violation } from '../core/errors.js';
import { WarnOnce, type Logger } from './callbacks.js';
import { noun } from '../common/text.js';
import type { CanonicalRequest, PermissionContext } from '../common/types.js';

export type PermissionsFunction = (ctx: PermissionContext) => readonly string[] | Promise<readonly string[]>;
export type PermissionsSource = readonly string[] | PermissionsFunction;
export type UnmappedStrategy = 'throw' | 'warn' | 'allow';
export type { Logger };

const UNMAPPED: readonly UnmappedStrategy[] = ['throw', 'warn', 'allow'];

/** The options guard() and the msw handlers share; each surface documents what differs. */
export interface PermissionOptions {
  /** Path of stripe-app.json (or a local manifest that `extends` it), or the parsed manifest. */
  readonly manifest?: string | URL | Readonly<Record<string, unknown>>;
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
  const problems: string[] = [];
  names.forEach((name, i) => {
    if (typeof name !== 'string') problems.push(`permissions[${i}] is ${describe(name)}, not a permission name`);
    else {
      // The one name check: the same words as the manifest, check(), the matchers and the ESLint rule.
      const verdict = checkPermissionName(name, extra);
      if (!verdict.ok) problems.push(`permissions[${i}] ${verdict.message}`);
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

export function undeclaredWarning(names: readonly string[], manifestName: string): string {
  const list = names.slice(0, 5).map((n) => JSON.stringify(n.slice(0, 80)));
  return (
    `The permissions include ${list.join(', ')}${names.length > 5 ? ` and ${names.length - 5} more` : ''}, which ${manifestName} does not declare: ` +
    'Stripe grants an app only what it declares, so they allow nothing. Declare them (stripe apps grant permission) if the app needs them.'
  );
}

/** A list of names read once, element by element (a Proxy or getters are not asked twice), or undefined. */
export function copyNames(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const n = value.length;
  if (!Number.isInteger(n) || n > NAMES_LIMIT) return undefined;
  const out: unknown[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = (value as unknown[])[i];
  return out;
}

export const NAMES_LIMIT = 1_000;
