// Reads and validates stripe-app.json (and local manifests that `extends` it).
// Collects every problem with its file and entry, then throws once.
import { getCatalog } from './catalog.js';
import { ManifestError, type ManifestProblem } from './errors.js';
import { nearest } from './suggest.js';
import { describeJsonError } from './json.js';

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
  readonly warnings: readonly ManifestProblem[];
  /** The merged manifest, as read (other fields untouched). */
  readonly raw: Readonly<Record<string, unknown>>;
}

// node:fs and node:path are loaded on demand, so that bundling the package for a UI
// extension (which passes a parsed manifest or a permissions list) pulls in no Node built-ins.
interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string;
}
interface NodePath {
  resolve(...p: string[]): string;
  dirname(p: string): string;
  basename(p: string): string;
}
function node<T>(id: 'node:fs' | 'node:path'): T {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  const mod = get?.(id);
  if (!mod) throw new TypeError(`[stripe-permission-guard] Reading a manifest from a path needs Node.js ≥ 20.16 (${id}). Pass the parsed manifest object, or \`permissions\`, instead.`);
  return mod as T;
}
const readFileSync = (p: string, e: 'utf8') => node<NodeFs>('node:fs').readFileSync(p, e);
const resolve = (...p: string[]) => node<NodePath>('node:path').resolve(...p);
const dirname = (p: string) => node<NodePath>('node:path').dirname(p);
const basename = (p: string) => node<NodePath>('node:path').basename(p);

const MAX_PERMISSIONS = 500;
const MAX_EXTENDS_DEPTH = 5;
const NAME = /^[a-z][a-z0-9_]*$/;
const ENTRY_KEYS = new Set(['permission', 'purpose']);

/**
 * Loads and validates a manifest file. Follows `"extends"`: fields of the local manifest
 * replace the base's, `permissions` included (the local list is the whole list).
 *
 * @example
 * loadManifest('./stripe-app.dev.json').names // ['customer_read', …]
 * @throws {ManifestError} with every problem found
 */
export function loadManifest(path: string): Manifest {
  const problems: ManifestProblem[] = [];
  const raw = readWithExtends(resolve(path), problems, []);
  return finish(raw, displayName(path), problems);
}

/**
 * Validates a manifest you already parsed (a UI extension's imported stripe-app.json).
 *
 * @example
 * parseManifest({ permissions: [{ permission: 'customer_read', purpose: 'Show customers' }] })
 */
export function parseManifest(value: unknown, file = '(inline manifest)'): Manifest {
  const problems: ManifestProblem[] = [];
  if (!isPlainObject(value)) {
    problems.push({ file, entry: '(root)', message: `a manifest is a JSON object, got ${describe(value)}`, severity: 'error' });
    throw new ManifestError(problems);
  }
  return finish(value, file, problems);
}

function displayName(path: string): string {
  const rel = path.startsWith('/') ? basename(path) : path.replace(/^\.\//, '');
  return rel;
}

function readWithExtends(path: string, problems: ManifestProblem[], chain: string[]): Record<string, unknown> | undefined {
  const file = displayName(path);
  if (chain.includes(path)) {
    problems.push({ file, entry: 'extends', message: `extends itself through ${chain.map(displayName).join(' → ')}`, severity: 'error' });
    return undefined;
  }
  if (chain.length > MAX_EXTENDS_DEPTH) {
    problems.push({ file, entry: 'extends', message: `more than ${MAX_EXTENDS_DEPTH} levels of extends`, severity: 'error' });
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problems.push({
      file,
      entry: '(file)',
      message: code === 'ENOENT' ? `not found at ${path}. Pass the path of your app's stripe-app.json.` : `cannot be read (${code ?? String(e)})`,
      severity: 'error',
    });
    return undefined;
  }
  const parsed = parseJson(text, file, problems);
  if (parsed === undefined) return undefined;
  if (!isPlainObject(parsed)) {
    problems.push({ file, entry: '(root)', message: `a manifest is a JSON object, got ${describe(parsed)}`, severity: 'error' });
    return undefined;
  }
  const ext = parsed.extends;
  if (ext === undefined) return parsed;
  if (typeof ext !== 'string' || ext.length === 0) {
    problems.push({ file, entry: 'extends', message: `must be the path of the base manifest, e.g. "stripe-app.json", got ${describe(ext)}`, severity: 'error' });
    return parsed;
  }
  const base = readWithExtends(resolve(dirname(path), ext), problems, [...chain, path]);
  if (!base) return undefined;
  // Fields of the local manifest replace the base's; `extends` itself is not inherited.
  const merged: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(base)) if (k !== 'extends') merged[k] = v;
  for (const [k, v] of Object.entries(parsed)) if (k !== 'extends') merged[k] = v;
  return merged;
}

function parseJson(text: string, file: string, problems: ManifestProblem[]): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const { where, detail } = describeJsonError(text, e);
    problems.push({ file, entry: '(file)', message: `is not valid JSON${where}: ${detail}`, severity: 'error' });
    return undefined;
  }
}

function finish(raw: Record<string, unknown> | undefined, file: string, problems: ManifestProblem[]): Manifest {
  const permissions: ManifestPermission[] = [];
  if (raw) validatePermissions(raw.permissions, file, problems, permissions);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length || !raw) throw new ManifestError(problems);
  const names = Object.freeze(permissions.map((p) => p.permission));
  return Object.freeze({
    file,
    permissions: Object.freeze(permissions),
    names,
    warnings: Object.freeze(problems.filter((p) => p.severity === 'warning')),
    raw: Object.freeze({ ...raw }),
  });
}

function validatePermissions(value: unknown, file: string, problems: ManifestProblem[], out: ManifestPermission[]): void {
  const err = (entry: string, message: string) => problems.push({ file, entry, message, severity: 'error' });
  const warn = (entry: string, message: string) => problems.push({ file, entry, message, severity: 'warning' });
  if (value === undefined) {
    warn('permissions', 'is missing: the app declares no permissions, so every API call will be rejected');
    return;
  }
  if (!Array.isArray(value)) {
    err('permissions', `must be an array of { "permission", "purpose" } entries, got ${describe(value)}`);
    return;
  }
  if (value.length > MAX_PERMISSIONS) {
    err('permissions', `has ${value.length} entries; the catalog knows ${getCatalog().permissions.size} permissions, so at most ${MAX_PERMISSIONS} are read`);
    return;
  }
  const catalog = getCatalog();
  const seen = new Map<string, number>();
  value.forEach((entry, i) => {
    const at = `permissions[${i}]`;
    if (!isPlainObject(entry)) {
      err(at, `must be an object like { "permission": "customer_read", "purpose": "…" }, got ${describe(entry)}`);
      return;
    }
    for (const key of Object.keys(entry)) {
      if (!ENTRY_KEYS.has(key)) err(`${at}.${safeKey(key)}`, `unexpected key; an entry has only "permission" and "purpose"`);
    }
    const name = entry.permission;
    const purpose = entry.purpose;
    let ok = true;
    if (typeof purpose !== 'string' || purpose.trim() === '') {
      err(`${at}.purpose`, purpose === undefined
        ? 'is missing: Stripe shows the purpose to installing users and rejects entries without one'
        : `must be a non-empty string, got ${describe(purpose)}`);
      ok = false;
    }
    if (typeof name !== 'string') {
      err(`${at}.permission`, `must be a permission name string, got ${describe(name)}`);
      return;
    }
    if (name.includes(',')) {
      const parts = name.split(',').map((s) => s.trim()).filter(Boolean);
      err(`${at}.permission`, `"${clip(name)}" names several permissions; Stripe rejects this at upload. Use one entry each: ${parts.map((p) => `"${clip(p)}"`).join(', ')}`);
      return;
    }
    const info = catalog.permissions.get(name);
    if (!info) {
      const guess = NAME.test(name) || name.length < 80 ? nearest(name, catalog.permissions.keys()) : undefined;
      err(`${at}.permission`, `unknown permission "${clip(name)}"${guess ? ` — did you mean "${guess}"?` : ''} (Stripe rejects unknown names at upload)`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      warn(`${at}.permission`, `"${name}" is declared again (first at permissions[${first}]); the duplicate is ignored`);
      return;
    }
    seen.set(name, i);
    if (info.status === 'legacy') {
      warn(`${at}.permission`, `"${name}" appears only in older editions of the permissions reference (${info.editions.join(', ')}); Stripe may no longer accept it`);
    }
    if (ok) out.push({ permission: name, purpose: purpose as string });
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string "${clip(v)}"`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${clip(String(v))}`;
}

function clip(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

function safeKey(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(clip(key));
}
