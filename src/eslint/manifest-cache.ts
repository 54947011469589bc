// The manifest a linted file is judged against: the rule's `manifest` option, or the nearest
// stripe-app.json above the file; with `overrides` (the user's own entries, as guard() takes them).
// An editor's ESLint server lints for hours: loaded manifests are cached by path and mtime (an
// edited manifest is read again), and the cache is bounded.
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { compileGrant, type Grant } from '../explain.js';
import { loadManifest, type Manifest } from '../config/manifest.js';
import { ManifestError, prefixed } from '../core/errors.js';
import { compileOverrides, type CompiledOverrides, type Overrides } from '../config/overrides.js';

export const MANIFEST_NAME = 'stripe-app.json';
const CACHE_LIMIT = 64;

export interface ManifestOptions {
  readonly manifest?: string;
  /** A local manifest (path or parsed object) whose fields replace the base's, `permissions` included. */
  /** Your own entries, as guard() takes them: `{ permissions?, routes? }`, or the path of a JSON file. */
  readonly overrides?: string | Overrides;
}

export type Loaded =
  | { readonly ok: true; readonly manifest: Manifest; readonly grant: Grant; readonly overrides?: CompiledOverrides }
  | { readonly ok: false; readonly message: string };

const cache = new Map<string, Loaded>();

/** The nearest stripe-app.json in `dir` or above, or undefined. */
export function findManifest(dir: string): string | undefined {
  for (let cur = resolve(dir); ; cur = dirname(cur)) {
    const candidate = join(cur, MANIFEST_NAME);
    if (stamp(candidate)) return candidate;
    if (dirname(cur) === cur) return undefined;
  }
}

function stamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The manifest for a file. Never throws: a missing or invalid manifest comes back as a message
 * the rule reports, so one bad file does not stop the lint run.
 */
export function manifestFor(filename: string, options: ManifestOptions, cwd: string): Loaded {
  const from = isAbsolute(filename) ? dirname(filename) : cwd;
  const path = options.manifest !== undefined ? resolve(cwd, options.manifest) : findManifest(from);
  if (!path) return { ok: false, message: prefixed(`No ${MANIFEST_NAME} found in ${from} or above. Set the rule's "manifest" option to your app's manifest.`) };
  const baseStamp = stamp(path);
  if (!baseStamp) return { ok: false, message: prefixed(`Cannot read manifest ${path}: no such file. Check the rule's "manifest" option.`) };
  const overrides = options.overrides;
  const overridePath = typeof overrides === 'string' ? resolve(cwd, overrides) : undefined;
  const overrideKey = overridePath ? `${overridePath}\u0000${stamp(overridePath) ?? 'missing'}` : overrides ? JSON.stringify(overrides) : '';
  // JSON.stringify cannot produce a NUL, and paths cannot hold one: the parts cannot run together.
  const key = `${path}\u0000${baseStamp}\u0000${overrideKey}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const loaded = load(path, overrides, overridePath);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, loaded);
  return loaded;
}

function load(path: string, overrides: ManifestOptions['overrides'], overridePath: string | undefined): Loaded {
  try {
    // The same overrides as guard() takes: { permissions?, routes? }, an object or a JSON file.
    const compiled = overrides !== undefined ? compileOverrides((overridePath ?? overrides) as Overrides | string, 'the rule\'s "overrides"') : undefined;
    const manifest = loadManifest(path, compiled ? { extraPermissions: compiled.permissions } : undefined);
    return { ok: true, manifest, grant: compileGrant(manifest.names), ...(compiled ? { overrides: compiled } : {}) };
  } catch (e) {
    if (e instanceof ManifestError) return { ok: false, message: e.message.replace(/\n\s*/g, ' ') };
    return { ok: false, message: prefixed(`${(e as Error).message ?? String(e)}`).replace(/\n\s*/g, ' ') };
  }
}
