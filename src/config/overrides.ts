// The user's own entries: permissions the catalog does not know yet, and what a route or SDK
// method needs, beating the map. Given as an object or a JSON file, validated like a manifest
// (every problem at once), compiled once into automata matched in linear time (override-glob.ts).
import { callLabel } from '../core/request.js';
import { getCatalog } from '../map/catalog.js';
import { compileGlob, GlobError, type Glob } from './override-glob.js';
import { readTextFile } from './text-file.js';
import { nearest } from '../common/nearest.js';
import { GuardOptionsError } from '../core/errors.js';
import type { CanonicalRequest, Resolution } from '../common/types.js';

/** What `overrides` accepts: an object, or the path of a JSON file holding one. */
export interface Overrides {
  /** Permission names the catalog does not know yet (Stripe adds permissions faster than releases). */
  readonly permissions?: readonly string[];
  /**
   * What a request needs, by `"VERB /path"` (globs: `"GET /v1/climate/**"`) or SDK method id glob
   * (`"climate.orders.*"`, matched against every method id and alias of the route, in every
   * recorded SDK version): any one of the listed permissions, or `'none'`. Extglobs are refused.
   */
  readonly routes?: Readonly<Record<string, readonly string[] | 'none'>>;
}

interface Rule {
  readonly pattern: string;
  readonly verb?: string;
  readonly re: Glob;
  readonly byMethod: boolean;
  readonly needs: readonly string[] | 'none';
}

/** Overrides, validated and compiled. */
export interface CompiledOverrides {
  readonly permissions: readonly string[];
  readonly rules: readonly Rule[];
  readonly file: string;
}

const MAX_FILE = 1024 * 1024;

const VERBS = ['GET', 'POST', 'DELETE'];

/** Loads (when a path) and compiles overrides; throws a GuardOptionsError listing every problem. */
export function compileOverrides(input: Overrides | string | CompiledOverrides, caller: string): CompiledOverrides {
  if (input && typeof input === 'object' && 'rules' in input && Array.isArray((input as CompiledOverrides).rules)) return input as CompiledOverrides;
  const file = typeof input === 'string' ? input : '(inline overrides)';
  const value = typeof input === 'string' ? readOverridesFile(input, caller) : input;
  const problems: string[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new GuardOptionsError(`${caller}: ${file}: overrides must be an object { permissions?: string[], routes?: { "VERB /path": [...] } }.`);
  }
  for (const key of Object.keys(value)) {
    if (key !== 'permissions' && key !== 'routes') {
      const guess = nearest(key, ['permissions', 'routes']);
      problems.push(`unknown key ${JSON.stringify(key)}${guess ? ` (did you mean "${guess}"?)` : ''}`);
    }
  }
  const extra = readExtra((value as Overrides).permissions, problems);
  const known = (name: string) => getCatalog().permissions.has(name) || extra.includes(name);
  const rules: Rule[] = [];
  const routes = (value as Overrides).routes ?? {};
  if (typeof routes !== 'object' || Array.isArray(routes)) problems.push('routes must be an object of "VERB /path" or method id patterns');
  else {
    for (const [pattern, needs] of Object.entries(routes)) {
      const rule = compileRule(pattern, needs, known, problems);
      if (rule) rules.push(rule);
    }
  }
  if (problems.length) throw new GuardOptionsError(`${caller}: invalid overrides ${file}:\n${problems.map((p) => `  ✗ ${p}`).join('\n')}`);
  return Object.freeze({ permissions: Object.freeze(extra), rules: Object.freeze(rules), file });
}

function readExtra(list: unknown, problems: string[]): string[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    problems.push('permissions must be an array of permission names');
    return [];
  }
  const out: string[] = [];
  list.forEach((n, i) => {
    if (typeof n !== 'string' || !/^[a-z][a-z0-9_]*$/.test(n)) problems.push(`permissions[${i}] must be a permission name (lower-case letters, digits, _)`);
    else out.push(n);
  });
  return out;
}

function compileRule(pattern: string, needs: unknown, known: (n: string) => boolean, problems: string[]): Rule | undefined {
  const where = `routes[${JSON.stringify(pattern)}]`;
  let ok = true;
  if (needs !== 'none') {
    if (!Array.isArray(needs) || needs.length === 0 || !needs.every((n) => typeof n === 'string')) {
      problems.push(`${where} must be a non-empty list of permissions (any one suffices) or "none"`);
      ok = false;
    } else {
      for (const n of needs as string[]) {
        if (known(n)) continue;
        const guess = nearest(n, getCatalog().permissions.keys());
        problems.push(
          `${where}: ${JSON.stringify(n)} is not a permission${guess ? ` (did you mean "${guess}"?)` : ''}; add it to "permissions" if Stripe has just introduced it`,
        );
        ok = false;
      }
    }
  }
  const space = pattern.indexOf(' ');
  if (space > 0) {
    const verb = pattern.slice(0, space).toUpperCase();
    const glob = pattern.slice(space + 1);
    if (!VERBS.includes(verb) && verb !== '*') problems.push(`${where}: the verb must be GET, POST, DELETE or *`);
    else if (!glob.startsWith('/')) problems.push(`${where}: the path must start with "/"`);
    else {
      const re = glob_(glob, where, problems);
      if (re && ok) return { pattern, ...(verb !== '*' ? { verb } : {}), re, byMethod: false, needs: needs as Rule['needs'] };
    }
    return undefined;
  }
  if (!/^[A-Za-z0-9_.*{},?]+$/.test(pattern)) {
    problems.push(`${where}: a pattern is "VERB /path" or an SDK method id glob like "climate.orders.*"`);
    return undefined;
  }
  // Method ids use "." where paths use "/": match them as paths so "*" stops at a dot.
  const re = glob_(pattern.replace(/\./g, '/'), where, problems);
  return re && ok ? { pattern, re, byMethod: true, needs: needs as Rule['needs'] } : undefined;
}

/** A glob compiled at load time; what it refuses becomes a problem naming the entry and the fix. */
function glob_(glob: string, where: string, problems: string[]): Glob | undefined {
  try {
    return compileGlob(glob);
  } catch (e) {
    if (!(e instanceof GlobError)) throw e;
    problems.push(`${where}: ${e.message}`);
    return undefined;
  }
}

/** A regular file of at most 1 MB, read as manifests are (no FIFO, device or directory). */
function readOverridesFile(path: string, caller: string): unknown {
  const read = readTextFile(path, MAX_FILE);
  if (!read.ok) {
    const why = read.code === 'not_found' ? 'no such file' : read.message;
    throw new GuardOptionsError(`${caller}: cannot read overrides ${path}: ${why}.`);
  }
  try {
    return JSON.parse(read.text);
  } catch {
    // The content is not quoted: it may be any file.
    throw new GuardOptionsError(`${caller}: overrides ${path} is not valid JSON.`);
  }
}

/**
 * The resolution with the first matching override applied to its endpoint requirement: an
 * override beats the map (and an unknown endpoint becomes known). Expand and event requirements
 * stay. The requirement's `because` says it came from an override.
 */
export function applyOverrides(resolution: Resolution, request: CanonicalRequest, overrides: CompiledOverrides | undefined): Resolution {
  if (!overrides || overrides.rules.length === 0) return resolution;
  let methodPaths: readonly string[] | undefined;
  const rule = overrides.rules.find((r) =>
    r.byMethod
      ? (methodPaths ??= methodIdsOf(resolution).map((m) => m.replace(/\./g, '/'))).some((m) => r.re.test(m))
      : (!r.verb || r.verb === request.method) && (r.re.test(request.path) || (resolution.route !== undefined && r.re.test(resolution.route.path))),
  );
  if (!rule) return resolution;
  const because = callLabel(request, resolution.methodId);
  const endpoint = (b: string) => b === because || (resolution.route && b === `${resolution.route.method} ${resolution.route.path}`);
  const others = resolution.requirements.filter((r) => r.expand !== undefined || r.events !== undefined || !endpoint(r.because));
  const unknowns = resolution.unknowns.filter((u) => u.kind !== 'endpoint');
  const requirements = rule.needs === 'none' ? others : [{ anyOf: rule.needs, because: `${because} (override ${rule.pattern})` }, ...others];
  return {
    ...resolution,
    status: rule.needs === 'none' ? 'none' : 'mapped',
    requirements,
    unknowns,
    reason: `override ${JSON.stringify(rule.pattern)} in ${overrides.file}`,
    source: 'override',
  };
}

/**
 * Every method id that sends this request: the one it was called by, and every id and alias of its
 * route in every recorded SDK version (`accounts.retrieve` and stripe 14's `account.retrieve`), so a
 * method-id pattern means the same whichever surface (guard, msw, explain) saw the request.
 */
function methodIdsOf(resolution: Resolution): string[] {
  const catalog = getCatalog();
  const ids = new Set<string>();
  if (resolution.methodId) {
    ids.add(resolution.methodId);
    for (const m of catalog.methods.get(resolution.methodId)?.methods ?? []) ids.add(m);
  }
  const route = resolution.route;
  if (route) for (const m of catalog.routes.match(route.method, route.path, route.host)?.methods ?? []) ids.add(m);
  return [...ids];
}
