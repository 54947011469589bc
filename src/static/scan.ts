// `scan`'s engine: find source files, read each one's Stripe call sites (analyze.ts), resolve them
// with the runtime's resolver (needs.ts), and aggregate: per site, the union, and — against a
// manifest — what is missing and what is declared but needed by no call site.
import { lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { compileGrant, type VerdictKind } from '../explain.js';
import type { Manifest } from '../config/manifest.js';
import type { ResolveOptions } from '../core/resolve.js';
import type { TestRecord } from '../coverage/report.js';
import { Collector } from './analyze.js';
import { ModuleGraph } from './modules.js';
import { checkSite } from './needs.js';
import { parseAndWalk } from './parse.js';

export const SCAN_SCHEMA = 'stripe-permission-guard/scan@1';
export const SOURCE_EXTENSIONS: ReadonlySet<string> = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);
/** Directories never entered: dependencies, build output, and hidden ones (.git, .next, …). */
const SKIP_DIRS = new Set(['node_modules', 'dist']);
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_FILES = 20_000;

export interface ScannedRequirement {
  readonly anyOf: readonly string[];
  readonly because: string;
  readonly expand?: string;
  /** With a manifest: the declared permission that meets it. */
  readonly satisfiedBy?: string;
  /** With a manifest: the permission to add. */
  readonly missing?: string;
}

export interface ScannedSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The SDK method id, or `rawRequest VERB /path` as written. */
  readonly call: string;
  readonly httpMethod?: string;
  /** The route template (`/v1/customers/{customer}`), when the call matched one. */
  readonly path?: string;
  readonly status: 'mapped' | 'none' | 'unknown';
  /**
   * The one verdict (verdictOf()) on the call's literal parts, under the manifest (an empty grant
   * without one): allowed, missing, refused, invalid or unknown. Absent when the source names no endpoint.
   */
  readonly verdict?: VerdictKind;
  /** Refused for every app: why, and what to do instead. Such a call lists no requirement. */
  readonly refused?: { readonly reason: string; readonly instead: string };
  /** Refused before sending (an expand path deeper than Stripe allows, a `..` id): which parts. No requirement is listed. */
  readonly invalid?: readonly string[];
  readonly expand: readonly string[];
  readonly enabledEvents?: readonly string[];
  readonly requirements: readonly ScannedRequirement[];
  readonly unknowns: readonly { readonly kind: string; readonly because: string; readonly reason: string }[];
  readonly dynamic: readonly string[];
}

/** The JSON `scan --json` prints; `suggest --usage` reads it. Fields are only ever added. */
export interface ScanResult {
  readonly schema: typeof SCAN_SCHEMA;
  /** Source files read and parsed. */
  readonly files: number;
  /** Stripe call sites found (= sites.length). */
  readonly calls: number;
  readonly skipped: readonly { readonly file: string; readonly reason: string }[];
  readonly sites: readonly ScannedSite[];
  /** Every distinct requirement, with the sites (`file:line`) that need it. */
  readonly needed: readonly { readonly anyOf: readonly string[]; readonly sites: readonly string[] }[];
  readonly manifest: string | null;
  readonly declared?: readonly string[];
  /** Per permission to add: the sites needing it. */
  readonly missing?: readonly { readonly permission: string; readonly sites: readonly string[] }[];
  /** Declared, but meeting no requirement of any call site. */
  readonly unused?: readonly string[];
  /** Calls no permission allows (refused for every app, or refused before sending): `file:line call: why`. */
  readonly refused: readonly string[];
}

export interface ScanOptions extends ResolveOptions {
  readonly cwd?: string;
  readonly manifest?: Manifest;
  readonly maxFileBytes?: number;
  readonly maxFiles?: number;
}

/** Source files under `paths` (files named explicitly are taken as they are), sorted. */
export function findSourceFiles(paths: readonly string[], cwd: string, maxFiles = MAX_FILES): { files: string[]; skipped: { file: string; reason: string }[] } {
  const files: string[] = [];
  const skipped: { file: string; reason: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (files.length >= maxFiles) return;
      const full = join(dir, entry.name);
      // Symbolic links are not followed: a link back up the tree would never end.
      if (entry.isDirectory()) {
        if (!SKIP_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && isSource(entry.name)) files.push(full);
    }
  };
  for (const p of paths) {
    const full = join(cwd, p);
    let stat;
    try {
      stat = lstatSync(full).isSymbolicLink() ? statSync(full) : lstatSync(full);
    } catch {
      skipped.push({ file: p, reason: 'no such file or directory' });
      continue;
    }
    if (stat.isDirectory()) walk(full);
    else if (isSource(full)) files.push(full);
    else skipped.push({ file: p, reason: `not a source file (${[...SOURCE_EXTENSIONS].join(', ')})` });
  }
  if (files.length >= maxFiles) skipped.push({ file: paths.join(' '), reason: `more than ${maxFiles} source files: scanned the first ${maxFiles}` });
  return { files: [...new Set(files)], skipped };
}

function isSource(name: string): boolean {
  return SOURCE_EXTENSIONS.has(extname(name).toLowerCase()) && !/\.d\.[cm]?ts$/i.test(name);
}

/**
 * Scans files for Stripe calls and what they need.
 *
 * @example
 * scan(['src'], { manifest: loadManifest('stripe-app.json') }).missing // [{ permission: 'customer_write', sites: ['src/a.ts:3'] }]
 */
export function scan(paths: readonly string[], options: ScanOptions = {}): ScanResult {
  const cwd = options.cwd ?? process.cwd();
  const { files, skipped } = findSourceFiles(paths.length ? paths : ['.'], cwd, options.maxFiles);
  const grant = options.manifest ? compileGrant(options.manifest.names) : undefined;
  const resolveOptions: ResolveOptions = options.strictReads ? { strictReads: true } : {};
  const maxBytes = options.maxFileBytes ?? MAX_FILE_BYTES;
  const display = (full: string) => relative(cwd, full).split(sep).join('/') || full;
  // Every file is parsed once, whether scanned or only imported by a scanned one (a client module
  // outside the scanned paths is still followed).
  const parsed = new Map<string, Collector | { failure: string }>();
  const read = (full: string): Collector | { failure: string } => {
    const done = parsed.get(full);
    if (done) return done;
    let result: Collector | { failure: string };
    const size = statSync(full).size;
    if (size > maxBytes) result = { failure: `larger than ${maxBytes} bytes (generated or bundled code?)` };
    else {
      const collector = new Collector();
      const failure = parseAndWalk(readFileSync(full, 'utf8'), full, (node) => collector.visit(node));
      result = failure ? { failure: `cannot parse${failure.line ? ` (line ${failure.line})` : ''}: ${failure.message}` } : collector;
    }
    parsed.set(full, result);
    return result;
  };
  const graph = new ModuleGraph((full) => {
    if (!parsed.has(full) && parsed.size >= (options.maxFiles ?? MAX_FILES)) return undefined;
    const r = read(full);
    return r instanceof Collector ? r : undefined;
  });
  const sites: ScannedSite[] = [];
  let scanned = 0;
  for (const full of files) {
    const file = display(full);
    const collector = read(full);
    if (!(collector instanceof Collector)) {
      skipped.push({ file, reason: collector.failure });
      continue;
    }
    scanned++;
    for (const site of collector.sites(undefined, graph.resolverFor(full))) {
      const c = checkSite(site, grant, resolveOptions);
      const e = c.explanation;
      const kind = c.verdict?.kind;
      // A refused or invalid call is advised no permission: it lists no requirement.
      const noAdvice = kind === 'refused' || kind === 'invalid';
      const satisfied = new Map((c.verdict?.satisfied ?? []).map((s) => [`${s.because}\u0000${s.anyOf.join()}`, s.satisfiedBy]));
      sites.push({
        file,
        line: site.line,
        column: site.column,
        call: site.call,
        ...(e.route ? { httpMethod: e.route.method, path: e.route.path } : {}),
        status: e.status,
        ...(kind ? { verdict: kind } : {}),
        ...(kind === 'refused' && c.verdict?.refusal ? { refused: { reason: c.verdict.refusal.reason, instead: c.verdict.refusal.instead } } : {}),
        ...(kind === 'invalid' ? { invalid: c.verdict?.invalid ?? [] } : {}),
        expand: site.expand,
        ...(site.enabledEvents ? { enabledEvents: site.enabledEvents } : {}),
        requirements: noAdvice
          ? []
          : e.requirements.map((r) => {
              const m = c.missing.find((x) => x.because === r.because && x.anyOf.join() === r.anyOf.join());
              const by = satisfied.get(`${r.because}\u0000${r.anyOf.join()}`);
              return {
                anyOf: r.anyOf,
                because: r.because,
                ...(r.expand ? { expand: r.expand } : {}),
                ...(grant && by ? { satisfiedBy: by } : {}),
                ...(grant && m ? { missing: m.permission } : {}),
              };
            }),
        unknowns: c.unknowns.map((u) => ({ kind: u.kind, because: u.because, reason: u.reason })),
        dynamic: c.dynamic,
      });
    }
  }
  return summarize(sites, scanned, skipped, options.manifest);
}

const where = (s: ScannedSite) => `${s.file}:${s.line}`;

function summarize(sites: ScannedSite[], files: number, skipped: { file: string; reason: string }[], manifest: Manifest | undefined): ScanResult {
  const needed = new Map<string, { anyOf: readonly string[]; sites: Set<string> }>();
  const missing = new Map<string, Set<string>>();
  const used = new Set<string>();
  for (const s of sites) {
    for (const r of s.requirements) {
      const key = r.anyOf.join();
      let n = needed.get(key);
      if (!n) needed.set(key, (n = { anyOf: r.anyOf, sites: new Set() }));
      n.sites.add(where(s));
      if (r.satisfiedBy) used.add(r.satisfiedBy);
      if (r.missing) {
        let m = missing.get(r.missing);
        if (!m) missing.set(r.missing, (m = new Set()));
        m.add(`${where(s)} ${r.expand ? `${s.call} with ${r.because}` : r.because === s.call ? s.call : `${s.call} (${r.because})`}`);
      }
    }
  }
  return {
    schema: SCAN_SCHEMA,
    files,
    calls: sites.length,
    skipped,
    sites,
    refused: sites
      .filter((s) => s.refused || s.invalid)
      .map((s) => `${where(s)} ${s.call}: ${s.refused ? s.refused.reason : `refused before sending: ${(s.invalid ?? []).join('; ')}`}`),
    needed: [...needed.values()].sort((a, b) => a.anyOf.join().localeCompare(b.anyOf.join())).map((n) => ({ anyOf: n.anyOf, sites: [...n.sites] })),
    manifest: manifest?.file ?? null,
    ...(manifest
      ? {
          declared: manifest.names,
          missing: [...missing.keys()].sort().map((permission) => ({ permission, sites: [...missing.get(permission)!] })),
          unused: manifest.names.filter((n) => !used.has(n)),
        }
      : {}),
  };
}

/**
 * A scan as coverage records, one per call site (its `test` is `file:line`), so that `suggest`
 * can build a least-privilege manifest from code, from test coverage, or from both merged.
 */
export function scanToRecords(result: ScanResult): TestRecord[] {
  return result.sites.map((s) => ({
    method: s.call,
    httpMethod: s.httpMethod ?? '',
    path: s.path ?? '',
    status: s.status,
    ...(s.verdict ? { verdict: s.verdict } : {}),
    // Reports list refused and invalid calls apart, advising no permission for them.
    ...(s.refused ? { refused: s.refused.reason } : {}),
    ...(s.invalid ? { invalid: s.invalid, refused: `refused before sending: ${s.invalid.join('; ')}` } : {}),
    declared: result.declared ?? [],
    satisfied: s.requirements
      .filter((r) => r.satisfiedBy)
      .map((r) => ({ anyOf: r.anyOf, because: r.because, satisfiedBy: r.satisfiedBy!, via: r.satisfiedBy! })),
    missing: s.requirements.filter((r) => !r.satisfiedBy).map((r) => ({ anyOf: r.anyOf, because: r.because, permission: r.missing ?? r.anyOf[0] ?? '' })),
    unknowns: s.unknowns.map((u) => ({ because: u.because, reason: u.reason })),
    outcome: s.verdict === 'allowed' || (!s.verdict && !s.requirements.some((r) => !r.satisfiedBy)) ? 'allowed' : 'rejected',
    test: where(s),
  }));
}
