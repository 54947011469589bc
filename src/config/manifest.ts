// Reads and validates stripe-app.json (and local manifests that `extends` it). Manifest files are
// hostile input: only regular files of bounded size are read, and no message quotes a file that is
// not a JSON manifest. Every problem is collected with its file, entry and fix, then thrown once.
import { getCatalog } from '../map/catalog.js';
import { GuardOptionsError, ManifestError, type ManifestProblem } from '../core/errors.js';
import { inspectJson, parseJson, type JsonPath } from './json.js';
import { node, readTextFile, type NodePath } from './text-file.js';
import { checkPermissionName } from '../core/names.js';
import { nearest } from '../common/nearest.js';

/** One entry of a manifest's `permissions` array. */
export interface ManifestPermission {
  readonly permission: string;
  readonly purpose: string;
}

/** A manifest after validation and `extends` resolution. */
export interface Manifest {
  /** The file it came from (`stripe-app.json`), or `(inline manifest)`. */
  readonly file: string;
  readonly permissions: readonly ManifestPermission[];
  /** The permission names, frozen. */
  readonly names: readonly string[];
  /** Warnings: duplicates, legacy names. Errors throw instead. */
  readonly warnings: readonly ManifestIssue[];
  /** The merged manifest, as read (other fields untouched). */
  readonly raw: Readonly<Record<string, unknown>>;
}

export type ManifestProblemCode =
  | 'unreadable'
  | 'invalid_json'
  | 'duplicate_key'
  | 'not_an_object'
  | 'too_large'
  | 'forbidden_key'
  | 'unknown_key'
  | 'extends_invalid'
  | 'extends_cycle'
  | 'extends_too_deep'
  | 'permissions_missing'
  | 'permissions_invalid'
  | 'entry_invalid'
  | 'purpose_invalid'
  | 'name_invalid'
  | 'several_names'
  | 'misnamed_permission'
  | 'event_type'
  | 'unknown_permission'
  | 'duplicate_permission'
  | 'legacy_permission';

/** A problem as data (zod style): `path` locates it, `entry` is the same path as text. */
export interface ManifestIssue extends ManifestProblem {
  readonly code: ManifestProblemCode;
  readonly path: JsonPath;
}

export interface ManifestOptions {
  /** Names the catalog does not know yet (your overrides declare them): accepted as permissions. */
  readonly extraPermissions?: Iterable<string>;
}

const INLINE = '(inline manifest)';
const MAX_BYTES = 1024 * 1024;
const MAX_PERMISSIONS = 500;
const MAX_EXTENDS_DEPTH = 5;
const MAX_EXTRA = 10_000;
const LIMITS = { maxDepth: 32, maxMembers: 1000, maxValues: 20_000, forbiddenKeys: new Set(['__proto__', 'constructor']) };
const ENTRY_KEYS = ['permission', 'purpose'];
// stripe-app.json fields (Stripe's schema and the app manifest reference), and `extends` of local manifests.
const ROOT_KEYS = [
  '$schema',
  'id',
  'version',
  'name',
  'icon',
  'permissions',
  'app_backend',
  'post_install_action',
  'ui_extension',
  'constants',
  'allowed_redirect_uris',
  'distribution_type',
  'stripe_api_access_type',
  'sandbox_install_compatible',
  'extends',
];

type Problems = ManifestIssue[];
type Add = (code: ManifestProblemCode, path: JsonPath | '(file)', message: string, severity?: 'error' | 'warning') => void;
const adder =
  (problems: Problems, file: string): Add =>
  (code, path, message, severity = 'error') => {
    problems.push({ file, entry: path === '(file)' ? '(file)' : entryOf(path), code, path: path === '(file)' ? [] : path, message, severity });
  };

/**
 * Loads and validates a manifest file. Follows `"extends"`: fields of the local manifest
 * replace the base's, `permissions` included (the local list is the whole list). A relative
 * path resolves against `process.cwd()`; a `file:` URL names the file wherever the code runs from.
 *
 * @example
 * loadManifest('./stripe-app.dev.json').names // ['customer_read', …]
 * loadManifest(new URL('../stripe-app.json', import.meta.url))
 * loadManifest('./stripe-app.json', { extraPermissions: ['tax_settings_write'] })
 * @throws {ManifestError} with every problem found
 */
export function loadManifest(location: string | URL, options: ManifestOptions = {}): Manifest {
  const extra = extraNames(options);
  const problems: Problems = [];
  const path = typeof location === 'string' ? location : filePathOf(location, problems);
  if (path === undefined) return finish(undefined, INLINE, INLINE, problems, extra);
  const read = readWithExtends(resolve(path), problems, [], undefined);
  return finish(read?.value, read?.permissionsFile ?? displayName(path), displayName(path), problems, extra);
}

// A URL object may come from another realm (jsdom's URL under Jest), so it is recognized by shape.
function isUrl(v: unknown): v is URL {
  return (
    typeof v === 'object' &&
    v !== null &&
    !isPlainObject(v) &&
    typeof (v as URL).href === 'string' &&
    typeof (v as URL).protocol === 'string' &&
    typeof (v as URL).pathname === 'string'
  );
}

/** The path of a `file:` URL (`new URL('../stripe-app.json', import.meta.url)`); other URLs are a problem. */
function filePathOf(url: URL, problems: Problems): string | undefined {
  if (url.protocol === 'file:') {
    const { fileURLToPath } = node<{ fileURLToPath(u: string): string }>('node:url');
    try {
      return fileURLToPath(url.href);
    } catch {
      // A file: URL with a host or an encoded separator names no local file.
    }
  }
  const scheme = clip(url.protocol, 20);
  adder(problems, INLINE)(
    'unreadable',
    '(file)',
    `a manifest URL must be a local file: URL, got ${url.protocol === 'file:' ? 'one that names no local file' : `a ${scheme} URL${scheme === 'http:' ? " (import.meta.url is one in vitest's jsdom and happy-dom environments)" : ''}`}. Pass a path (relative to the current directory), a file: URL, or the parsed manifest`,
  );
  return undefined;
}

/**
 * Validates a manifest you already parsed (a UI extension's imported stripe-app.json), or its
 * JSON text. A string second argument names the file in messages. A `file:` URL object is
 * loaded like a path (see {@link loadManifest}).
 *
 * @example
 * parseManifest({ permissions: [{ permission: 'customer_read', purpose: 'Show customers' }] })
 * parseManifest(text, { file: 'stripe-app.json', extraPermissions: ['tax_settings_write'] })
 */
export function parseManifest(value: unknown, options: string | (ManifestOptions & { readonly file?: string }) = {}): Manifest {
  const { file = INLINE, ...rest } = typeof options === 'string' ? { file: options } : options;
  const extra = extraNames(rest);
  const problems: Problems = [];
  if (isUrl(value)) return loadManifest(value, rest);
  const root = typeof value === 'string' ? fromText(value, file, problems, undefined) : checkRoot(value, file, problems);
  return finish(root, file, file, problems, extra);
}

function extraNames(options: ManifestOptions): ReadonlySet<string> {
  const extra = options.extraPermissions;
  const bad = () => new GuardOptionsError(`extraPermissions must be an array or Set of at most ${MAX_EXTRA} permission names (strings).`);
  if (extra === undefined) return new Set();
  if (typeof extra === 'string' || typeof (extra as Partial<Iterable<string>>)[Symbol.iterator] !== 'function') throw bad();
  const names = new Set<string>();
  for (const name of extra) {
    if (typeof name !== 'string' || names.size >= MAX_EXTRA) throw bad();
    names.add(name);
  }
  return names;
}

function readWithExtends(
  path: string,
  problems: Problems,
  chain: string[],
  namedBy: string | undefined,
): { value: Record<string, unknown>; permissionsFile: string } | undefined {
  const file = displayName(path);
  const add = adder(problems, file);
  if (chain.includes(path)) {
    // Reported where the cycle closes: the `extends` of the last file read.
    adder(problems, namedBy ?? file)(
      'extends_cycle',
      ['extends'],
      `closes a cycle: ${[...chain, path].map(displayName).join(' → ')}. Remove "extends" from one of these files`,
    );
    return undefined;
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    add(
      'extends_too_deep',
      ['extends'],
      `more than ${MAX_EXTENDS_DEPTH} levels of extends (${[...chain, path].map(displayName).join(' → ')}); extend stripe-app.json directly`,
    );
    return undefined;
  }
  const read = readTextFile(path, MAX_BYTES);
  if (!read.ok) {
    const fix = namedBy ? `"extends" in ${namedBy} must name a stripe-app.json manifest` : "Pass the path of your app's stripe-app.json";
    add(read.code === 'too_large' ? 'too_large' : 'unreadable', '(file)', `${read.code === 'not_found' ? `not found at ${path}` : read.message}. ${fix}`);
    return undefined;
  }
  const parsed = fromText(read.text, file, problems, namedBy);
  if (!parsed) return undefined;
  const ext = parsed.extends;
  const own = { value: parsed, permissionsFile: file };
  if (ext === undefined) return own;
  // When the base is unusable (an error is recorded), this file's own permissions are still checked.
  const partial = parsed.permissions === undefined ? undefined : own;
  if (typeof ext !== 'string' || ext.length === 0) {
    add('extends_invalid', ['extends'], `must be the path of the base manifest, e.g. "stripe-app.json", got ${describe(ext)}`);
    return partial;
  }
  const base = readWithExtends(resolve(dirname(path), ext), problems, [...chain, path], file);
  if (!base) return partial;
  // Fields of the local manifest replace the base's; `extends` itself is not inherited.
  const merged: Record<string, unknown> = {};
  for (const source of [base.value, parsed]) {
    for (const [k, v] of Object.entries(source))
      if (k !== 'extends') Object.defineProperty(merged, k, { value: v, writable: true, enumerable: true, configurable: true });
  }
  return { value: merged, permissionsFile: parsed.permissions === undefined ? base.permissionsFile : file };
}

function fromText(text: string, file: string, problems: Problems, namedBy: string | undefined): Record<string, unknown> | undefined {
  const add = adder(problems, file);
  const parsed = parseJson(text, { maxDepth: LIMITS.maxDepth });
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    const fix = namedBy ? `"extends" in ${namedBy} must name a stripe-app.json manifest` : 'fix the JSON syntax';
    add('invalid_json', '(file)', `is not valid JSON at line ${line}, column ${column}: ${message}. ${cap(fix)}`);
    return undefined;
  }
  const root = checkRoot(parsed.value, file, problems);
  if (!root) return undefined;
  for (const d of parsed.duplicates) {
    add(
      'duplicate_key',
      d.path,
      `the key "${clip(d.key)}" appears twice in one object (lines ${d.firstLine} and ${d.line}); JSON keeps the last one. Remove the other`,
      'warning',
    );
  }
  return root;
}

// Any manifest, parsed or read: an object, within bounds, with no prototype keys; typo'd fields named.
function checkRoot(value: unknown, file: string, problems: Problems): Record<string, unknown> | undefined {
  const add = adder(problems, file);
  if (!isPlainObject(value)) {
    add('not_an_object', [], `a manifest is a JSON object, got ${kindOf(value)}. Write it as { "permissions": [ … ], … }`);
    return undefined;
  }
  const findings = inspectJson(value, LIMITS);
  for (const f of findings) add(f.code === 'forbidden_key' ? 'forbidden_key' : 'too_large', f.path, f.message);
  if (findings.some((f) => f.code !== 'forbidden_key')) return undefined;
  for (const key of Object.keys(value)) {
    if (ROOT_KEYS.includes(key) || LIMITS.forbiddenKeys.has(key)) continue;
    const guess = nearest(key, ROOT_KEYS);
    if (!guess) continue; // Stripe adds fields over time: only a likely typo is reported
    const permissions = guess === 'permissions' && value.permissions === undefined;
    add(
      'unknown_key',
      [key],
      `is not a stripe-app.json field — did you mean "${guess}"?${permissions ? ' As written, this file declares no permissions' : ' Stripe rejects unknown fields at upload'}`,
      permissions ? 'error' : 'warning',
    );
  }
  return value;
}

function finish(raw: Record<string, unknown> | undefined, permissionsFile: string, file: string, problems: Problems, extra: ReadonlySet<string>): Manifest {
  const permissions: ManifestPermission[] = [];
  if (raw) validatePermissions(raw, adder(problems, permissionsFile), permissions, extra);
  if (!raw || problems.some((p) => p.severity === 'error')) throw new ManifestError(problems);
  return Object.freeze({
    file,
    permissions: Object.freeze(permissions),
    names: Object.freeze(permissions.map((p) => p.permission)),
    warnings: Object.freeze(problems.filter((p) => p.severity === 'warning')),
    raw: Object.freeze({ ...raw }),
  });
}

function validatePermissions(raw: Record<string, unknown>, add: Add, out: ManifestPermission[], extra: ReadonlySet<string>): void {
  const value = raw.permissions;
  if (value === undefined) {
    const typo = Object.keys(raw).some((k) => !ROOT_KEYS.includes(k) && nearest(k, ROOT_KEYS) === 'permissions');
    if (!typo) add('permissions_missing', ['permissions'], 'is missing: the app declares no permissions, so every API call will be rejected', 'warning');
    return;
  }
  if (!Array.isArray(value))
    return add('permissions_invalid', ['permissions'], `must be an array of { "permission", "purpose" } entries, got ${kindOf(value)}`);
  if (value.length > MAX_PERMISSIONS) {
    return add(
      'permissions_invalid',
      ['permissions'],
      `has ${value.length} entries; the catalog knows ${getCatalog().permissions.size} permissions, so at most ${MAX_PERMISSIONS} are read`,
    );
  }
  const catalog = getCatalog();
  const seen = new Map<string, number>();
  value.forEach((entry: unknown, i) => {
    const at = (key?: string): JsonPath => (key === undefined ? ['permissions', i] : ['permissions', i, key]);
    if (!isPlainObject(entry))
      return add('entry_invalid', at(), `must be an object like { "permission": "customer_read", "purpose": "…" }, got ${kindOf(entry)}`);
    // A misspelt key is reported once, as the typo, not again as the key it fails to provide.
    const meant = new Set<string>();
    for (const key of Object.keys(entry)) {
      if (ENTRY_KEYS.includes(key) || LIMITS.forbiddenKeys.has(key)) continue;
      const guess = nearest(key, ENTRY_KEYS);
      if (guess && entry[guess] === undefined) meant.add(guess);
      add('entry_invalid', at(key), `unexpected key${guess ? ` — did you mean "${guess}"?` : ''}; an entry has only "permission" and "purpose"`);
    }
    const { permission: name, purpose } = entry;
    let ok = true;
    if ((typeof purpose !== 'string' || purpose.trim() === '') && !meant.has('purpose')) {
      add(
        'purpose_invalid',
        at('purpose'),
        purpose === undefined
          ? 'is missing: Stripe shows the purpose to installing users and rejects entries without one'
          : `must be a non-empty string, got ${describe(purpose)}`,
      );
      ok = false;
    }
    if (typeof name !== 'string') {
      if (!meant.has('permission')) add('name_invalid', at('permission'), `must be a permission name string, got ${describe(name)}`);
      return;
    }
    const problem = nameProblem(name, extra);
    if (problem) return add(problem[0], at('permission'), problem[1]);
    const first = seen.get(name);
    if (first !== undefined)
      return add('duplicate_permission', at('permission'), `"${name}" is declared again (first at permissions[${first}]); remove the duplicate`, 'warning');
    seen.set(name, i);
    const info = catalog.permissions.get(name);
    if (info?.status === 'legacy') {
      add(
        'legacy_permission',
        at('permission'),
        `"${name}" appears only in older editions of the permissions reference (${info.editions.join(', ')}); Stripe may no longer accept it`,
        'warning',
      );
    }
    if (ok) out.push({ permission: name, purpose: purpose as string });
  });
}

/** Why a name is not a permission, with the one to declare instead (src/core/names.ts); undefined when it is one. */
function nameProblem(name: string, extra: ReadonlySet<string>): [ManifestProblemCode, string] | undefined {
  const check = checkPermissionName(name, extra);
  if (check.ok) return undefined;
  return [check.code === 'name_invalid' ? 'name_invalid' : check.code, check.message];
}

const resolve = (...p: string[]) => node<NodePath>('node:path').resolve(...p);
const dirname = (p: string) => node<NodePath>('node:path').dirname(p);

function displayName(path: string): string {
  const p = node<NodePath>('node:path');
  return p.isAbsolute(path) ? p.basename(path) : path.replace(/^\.[\\/]/, '');
}

function entryOf(path: JsonPath): string {
  if (!path.length) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_$][\w$-]*$/.test(p) ? `${i ? '.' : ''}${p}` : `[${JSON.stringify(clip(p))}]`))
    .join('');
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The kind of a value, without its content: for roots and containers, which may be anything. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** A value inside a manifest object, quoted (clipped, secrets redacted) to help find it. */
function describe(v: unknown): string {
  if (typeof v === 'string') return `the string "${clip(v)}"`;
  return typeof v === 'number' || typeof v === 'boolean' ? `${typeof v} ${v}` : kindOf(v);
}

// Stripe secret, restricted and webhook-signing keys are never echoed, even clipped.
const SECRET = /\b((?:sk|rk|pk)_(?:live|test)|whsec|rak)_[A-Za-z0-9_]+/g;

function clip(s: string, max = 60): string {
  const safe = s.replace(SECRET, '$1_…');
  return safe.length > max ? `${safe.slice(0, max)}…` : safe;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
