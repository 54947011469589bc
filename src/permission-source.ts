// What guard() and the msw handlers share: the `manifest` / `permissions` / `onUnmapped`
// options, validated once and compiled, and the verdict on each request.
import { compileGrant, evaluate, type Grant } from './explain.js';
import { loadManifest, parseManifest } from './manifest.js';
import { GuardOptionsError, PREFIX, missingViolation, unmappedViolation, type Violation } from './errors.js';
import { activeRecorder, toRecord, type CheckRecord } from './record.js';
import type { PermissionContext } from './guard.js';
import type { Resolution } from './resolve.js';

export type PermissionsFunction = (ctx: PermissionContext) => readonly string[] | Promise<readonly string[]>;
export type PermissionsSource = readonly string[] | PermissionsFunction;
export type UnmappedStrategy = 'throw' | 'warn' | 'allow';

const UNMAPPED: readonly UnmappedStrategy[] = ['throw', 'warn', 'allow'];

export interface PermissionOptions {
  readonly manifest?: string | Readonly<Record<string, unknown>>;
  readonly permissions?: PermissionsSource;
  readonly onUnmapped?: UnmappedStrategy;
}

export interface CompiledPermissions {
  /** A fixed grant (manifest or list), or… */
  readonly grant?: Grant;
  /** …a function asked per request. */
  readonly source?: PermissionsFunction;
  /** How messages name the declared set: the manifest's file, or "the granted permissions". */
  readonly manifestName: string;
  /** The manifest's warnings (duplicates, legacy names), ready to log. */
  readonly warnings: readonly string[];
  readonly onUnmapped: UnmappedStrategy;
}

/**
 * Validates and compiles the permission options. `caller` names the API in error messages;
 * `optional` lets guard() in mode 'off' go without permissions.
 */
export function compilePermissionOptions(options: PermissionOptions, caller: string, optional = false): CompiledPermissions {
  const onUnmapped = options.onUnmapped ?? 'warn';
  if (!UNMAPPED.includes(onUnmapped)) throw new GuardOptionsError(`${PREFIX} onUnmapped must be one of ${UNMAPPED.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(onUnmapped)}.`);
  if (options.manifest !== undefined && options.permissions !== undefined) {
    throw new GuardOptionsError(`${PREFIX} Pass either manifest or permissions, not both: permissions replaces what the manifest declares.`);
  }
  if (options.manifest !== undefined) {
    const manifest = typeof options.manifest === 'string' ? loadManifest(options.manifest) : parseManifest(options.manifest);
    return {
      grant: compileGrant(manifest.names),
      manifestName: manifest.file === '(inline manifest)' ? 'stripe-app.json' : manifest.file,
      warnings: manifest.warnings.map((w) => `${PREFIX} ${w.file}: ${w.entry}: ${w.message}`),
      onUnmapped,
    };
  }
  const granted = { manifestName: 'the granted permissions', warnings: [], onUnmapped };
  if (Array.isArray(options.permissions)) {
    const names = options.permissions as readonly string[];
    if (!names.every((p) => typeof p === 'string')) throw new GuardOptionsError(`${PREFIX} permissions must be an array of permission names (strings).`);
    return { ...granted, grant: compileGrant(Object.freeze([...names])) };
  }
  if (typeof options.permissions === 'function') return { ...granted, source: options.permissions as PermissionsFunction };
  if (optional) return { manifestName: 'stripe-app.json', warnings: [], onUnmapped };
  throw new GuardOptionsError(`${PREFIX} ${caller} needs { manifest: './stripe-app.json' } or { permissions: [...] | (ctx) => [...] }.`);
}

const grantCache = new Map<string, Grant>();

/**
 * The compiled grant for what a permissions function returned: the same list (by content)
 * compiles once, so per-request functions cost a lookup, not a compile.
 */
export function grantFor(names: readonly string[]): Grant {
  const key = names.join(',');
  let g = grantCache.get(key);
  if (!g) {
    if (grantCache.size > 1000) grantCache.clear();
    grantCache.set(key, (g = compileGrant(Object.freeze([...names]))));
  }
  return g;
}

/** What to do with one request: its violations, the one to reject with (if any), and the outcome to record. */
export interface Verdict {
  /** Violations to report (onViolation, warnings): the missing permissions, then the unmapped parts. */
  readonly violations: readonly Violation[];
  /** Set when the request must not be sent. */
  readonly reject?: Violation;
  readonly outcome: CheckRecord['outcome'];
}

/**
 * The shared decision of guard() and the msw handlers. `enforce`: reject rather than warn
 * (guard mode 'throw'; always for msw). A request rejected for missing permissions reports
 * only those; an unmapped one is rejected only under `onUnmapped: 'throw'`. Records the check.
 */
export function judge(
  resolution: Resolution,
  grant: Grant,
  policy: { readonly enforce: boolean; readonly onUnmapped: UnmappedStrategy; readonly manifestName: string },
  accountOf: () => string | undefined,
): Verdict {
  const { missing, satisfied } = evaluate(resolution, grant);
  const unmapped = resolution.unknowns.length > 0 && policy.onUnmapped !== 'allow';
  const recorder = activeRecorder();
  if (!missing.length && !unmapped) {
    if (recorder) recorder(toRecord(resolution, grant, satisfied, missing, 'allowed', accountOf()));
    return ALLOWED;
  }
  const account = accountOf();
  const violations: Violation[] = [];
  let reject: Violation | undefined;
  if (missing.length) {
    violations.push(missingViolation(resolution, missing, account, policy.manifestName));
    if (policy.enforce) reject = violations[0];
  }
  if (unmapped && !reject) {
    violations.push(unmappedViolation(resolution, missing, account));
    if (policy.enforce && policy.onUnmapped === 'throw') reject = violations[violations.length - 1];
  }
  const outcome = reject ? 'rejected' : 'warned';
  recorder?.(toRecord(resolution, grant, satisfied, missing, outcome, account));
  return reject ? { violations, reject, outcome } : { violations, outcome };
}

const ALLOWED: Verdict = Object.freeze({ violations: Object.freeze([]), outcome: 'allowed' });
