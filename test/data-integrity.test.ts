// Data tests of the map itself: these fail when mappings/ is wrong or stale, whatever src/ does.
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { mapFile } from '../mappings/generated/runtime.js';
import { getCatalog } from '../src/map/catalog.js';
// @ts-expect-error -- a plain .mjs script without declarations
import { recordedSdks } from '../mappings/scripts/sdks.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const readJson = <T>(rel: string): T => JSON.parse(readFileSync(join(root, rel), 'utf8')) as T;

interface Route {
  verb: string;
  path: string;
  host?: string;
  methods: string[];
  status: string;
  family?: string;
  anyOf?: string[];
  strictAnyOf?: string[];
  reason?: string;
  source?: string;
}
interface Grant {
  family?: string;
  permission?: string;
  ambiguous?: string[];
}
interface Perm {
  family: string;
  access: string | null;
  implies: string[];
  impliesClosure: string[];
  status: string;
}
interface RoutesDoc {
  stripeVersions: string[];
  aliases: Record<string, string>;
  routes: Route[];
  local: Record<string, { status: string; reason: string; source: string }>;
  objects: Record<string, Grant>;
  properties: Record<string, Grant>;
}
interface PermsDoc {
  permissions: Record<string, Perm>;
  families: Record<string, { read?: string; write?: string }>;
  events: Record<string, string[]>;
}
interface Rule {
  match: string;
  family?: string;
  permission?: string;
  none?: string;
  unknown?: string;
  source?: string;
  reason?: string;
}
interface OverridesDoc {
  routes: Rule[];
  properties: Record<string, Grant & { reason?: string; source?: string }>;
}
interface Recorded {
  stripeVersion: string;
  methods: Record<string, { method: string; path: string; host?: string }>;
  aliases: Record<string, string>;
  unrecorded: string[];
}

const routesDoc = readJson<RoutesDoc>('mappings/generated/routes.json');
const permsDoc = readJson<PermsDoc>('mappings/generated/permissions.json');
const overrides = readJson<OverridesDoc>('mappings/overrides.json');
const catalog = new Set(Object.keys(permsDoc.permissions));
const API = 'api.stripe.com';

// The dev dependency and the latest of each major the peer range (>=14) promises, and the newest
// release (mappings/scripts/sdks.mjs reads them from package.json's devDependencies).
const devDependencies = readJson<{ devDependencies: Record<string, string> }>('package.json').devDependencies;
const SDKS = (recordedSdks() as { module: string; suffix: string }[]).map(({ module, suffix }) => ({
  module,
  version: module === 'stripe' ? devDependencies.stripe! : devDependencies[module]!.replace(/^npm:stripe@/, ''),
  file: `mappings/generated/endpoints${suffix}.json`,
  min: 450,
}));
const recordings = new Map<string, Recorded>();
function record(module: string): Recorded {
  const dir = mkdtempSync(join(tmpdir(), 'spg-record-'));
  const out = join(dir, 'endpoints.json');
  execFileSync(process.execPath, ['mappings/scripts/record-endpoints.mjs', '--stripe', module, '--out', out], { cwd: root, stdio: 'pipe' });
  const recorded = JSON.parse(readFileSync(out, 'utf8')) as Recorded;
  rmSync(dir, { recursive: true, force: true });
  recordings.set(module, recorded);
  return recorded;
}

describe.each(SDKS)('routes.json covers $module@$version', ({ module, version, file, min }) => {
  const recorded = record(module);
  const ids = Object.keys(recorded.methods);

  it(`records ${version} with at least ${min} methods`, () => {
    expect(recorded.stripeVersion).toBe(version);
    expect(ids.length).toBeGreaterThanOrEqual(min);
    expect(routesDoc.stripeVersions).toContain(recorded.stripeVersion);
  });

  it('has a route entry with the same verb, path and host for every recorded method', () => {
    const problems = ids.flatMap((id) => {
      const want = recorded.methods[id]!;
      const candidates = routesDoc.routes.filter((r) => r.methods.includes(id));
      if (!candidates.length) return [`${id}: no route entry`];
      const same = candidates.some(
        (got) =>
          got.verb === want.method &&
          got.path.replace(/\{[^}]*\}/g, '{}') === want.path.replace(/\{[^}]*\}/g, '{}') &&
          (got.host ?? API) === (want.host ?? API),
      );
      return same ? [] : [`${id}: recorded ${want.method} ${want.host ?? API}${want.path}, not in routes.json`];
    });
    expect(problems).toEqual([]);
  });

  it(`matches the committed ${file} (the generated file is not stale)`, () => {
    expect(readJson<Recorded>(file).methods).toEqual(recorded.methods);
    expect(readJson<Recorded>(file).unrecorded).toEqual(recorded.unrecorded);
  });

  it('gives every method that sends no request a none entry with reason and source', () => {
    expect(recorded.unrecorded.filter((m) => !routesDoc.local[m]?.reason || !routesDoc.local[m]?.source || routesDoc.local[m]?.status !== 'none')).toEqual([]);
  });
});

describe('routes.json holds nothing beyond the recorded SDKs', () => {
  it('lists no method that no recorded SDK has, and the same aliases', () => {
    const known = new Set([...recordings.values()].flatMap((r) => Object.keys(r.methods)));
    const stale = routesDoc.routes.flatMap((r) => r.methods).filter((m) => !known.has(m));
    expect(stale).toEqual([]);
    expect(routesDoc.aliases).toEqual(Object.assign({}, ...[...recordings.values()].map((r) => r.aliases)));
  });
});

describe('every permission name the map uses is in the catalog', () => {
  const unknownNames = (names: Iterable<string | undefined>) => [...names].filter((n): n is string => !!n && !catalog.has(n));
  const familyNames = (fam: string | undefined) => {
    if (!fam) return [];
    const f = permsDoc.families[fam];
    return f ? [f.read, f.write] : [`<family ${fam} missing>`];
  };
  const grantNames = (g: Grant) => [g.permission, ...familyNames(g.family), ...(g.ambiguous ?? []).flatMap(familyNames)];

  it.each([
    ['routes.json routes', () => routesDoc.routes.flatMap((r) => [...(r.anyOf ?? []), ...(r.strictAnyOf ?? []), ...familyNames(r.family)])],
    ['routes.json objects', () => Object.values(routesDoc.objects).flatMap(grantNames)],
    ['routes.json properties', () => Object.values(routesDoc.properties).flatMap(grantNames)],
    ['overrides.json properties', () => Object.values(overrides.properties).flatMap(grantNames)],
    ['overrides.json route rules', () => overrides.routes.flatMap((r) => [r.permission, ...familyNames(r.family)])],
    ['permissions.json implies', () => Object.values(permsDoc.permissions).flatMap((p) => [...p.implies, ...p.impliesClosure])],
    ['permissions.json permission families', () => Object.values(permsDoc.permissions).flatMap((p) => familyNames(p.family))],
    ['permissions.json families', () => Object.values(permsDoc.families).flatMap((f) => [f.read, f.write])],
    ['permissions.json events', () => Object.values(permsDoc.events).flat()],
  ] as const)('%s', (_, names) => {
    expect(unknownNames(names())).toEqual([]);
  });
});

describe('route table shape', () => {
  const segs = (p: string) => p.split('/').slice(1);
  const isParam = (s: string) => s.startsWith('{');
  const norm = (r: Route) => `${r.verb} ${r.host ?? API} ${r.path.replace(/\{[^}]*\}/g, '{}')}`;
  const needs = (r: Route) => JSON.stringify([r.status, r.anyOf ?? [], r.strictAnyOf ?? []]);
  const instantiate = (p: string) => p.replace(/\{[^}]*\}/g, 'xx_123');
  const overlap = (a: Route, b: Route) => {
    if (a.verb !== b.verb || (a.host ?? API) !== (b.host ?? API)) return false;
    const A = segs(a.path),
      B = segs(b.path);
    return A.length === B.length && A.every((s, i) => isParam(s) || isParam(B[i]!) || s === B[i]);
  };
  /** a is strictly more specific than b: a static segment wherever b has a parameter and they differ. */
  const moreSpecific = (a: Route, b: Route) => {
    const A = segs(a.path),
      B = segs(b.path);
    const differing = A.map((s, i) => [s, B[i]!] as const).filter(([s, t]) => !(s === t || (isParam(s) && isParam(t))));
    return differing.length > 0 && differing.every(([s, t]) => !isParam(s) && isParam(t));
  };

  it('has no duplicate (verb, host, normalized path)', () => {
    const seen = new Map<string, number>();
    for (const r of routesDoc.routes) seen.set(norm(r), (seen.get(norm(r)) ?? 0) + 1);
    expect([...seen].filter(([, n]) => n > 1).map(([k]) => k)).toEqual([]);
  });

  it('compiles so that every route, instantiated, matches itself', () => {
    const table = getCatalog().routes;
    const wrong = routesDoc.routes.filter((r) => table.match(r.verb, instantiate(r.path), r.host)?.path !== r.path).map((r) => `${r.verb} ${r.path}`);
    expect(wrong).toEqual([]);
  });

  it('resolves overlapping templates to the more specific one, and only those may differ in permissions', () => {
    const table = getCatalog().routes;
    const problems: string[] = [];
    const { routes } = routesDoc;
    let specificPairs = 0;
    for (let i = 0; i < routes.length; i++) {
      for (let j = i + 1; j < routes.length; j++) {
        const a = routes[i]!,
          b = routes[j]!;
        if (!overlap(a, b)) continue;
        const [spec, gen] = moreSpecific(a, b) ? [a, b] : moreSpecific(b, a) ? [b, a] : [undefined, undefined];
        if (!spec || !gen) {
          if (needs(a) !== needs(b)) problems.push(`${a.verb} ${a.path} and ${b.path} overlap, neither is more specific, and they need different permissions`);
          continue;
        }
        specificPairs++;
        const picked = table.match(spec.verb, instantiate(spec.path), spec.host);
        if (picked?.path !== spec.path) problems.push(`${spec.verb} ${instantiate(spec.path)} matched ${picked?.path}, not ${spec.path}`);
      }
    }
    expect(problems).toEqual([]);
    expect(specificPairs).toBeGreaterThanOrEqual(10); // e.g. /v1/customers/search over /v1/customers/{customer}
  });

  it('gives every route exactly one status, with anyOf + reason + source when mapped and a reason otherwise', () => {
    const problems = routesDoc.routes.flatMap((r) => {
      const id = `${r.verb} ${r.path}`;
      const out: string[] = [];
      if (!['mapped', 'none', 'unknown'].includes(r.status)) out.push(`${id}: status ${r.status}`);
      if (!r.reason?.trim()) out.push(`${id}: no reason`);
      if (r.status === 'mapped') {
        if (!r.anyOf?.length) out.push(`${id}: mapped without anyOf`);
        if (!r.source?.trim()) out.push(`${id}: mapped without source`);
        if (r.strictAnyOf && (!r.strictAnyOf.length || r.strictAnyOf.some((p) => !r.anyOf?.includes(p)))) out.push(`${id}: strictAnyOf not within anyOf`);
        const fam = r.family ? permsDoc.families[r.family] : undefined;
        if (r.family && r.anyOf?.some((p) => p !== fam?.read && p !== fam?.write)) out.push(`${id}: anyOf outside family ${r.family}`);
      } else if (r.anyOf?.length || r.strictAnyOf?.length) out.push(`${id}: ${r.status} route with permissions`);
      if (!r.methods.length) out.push(`${id}: no SDK method`);
      return out;
    });
    expect(problems).toEqual([]);
  });

  it('gives every override rule exactly one decision, with reason and source (or an unknown/none text)', () => {
    const problems = overrides.routes.flatMap((r) => {
      const decisions = (['family', 'permission', 'none', 'unknown'] as const).filter((k) => r[k] !== undefined);
      if (decisions.length !== 1) return [`${r.match}: ${decisions.length} decisions`];
      const k = decisions[0]!;
      if (k === 'family' || k === 'permission') return r.reason?.trim() && r.source?.trim() ? [] : [`${r.match}: no reason/source`];
      return typeof r[k] === 'string' && r[k]!.trim() ? [] : [`${r.match}: empty ${k} text`];
    });
    expect(problems).toEqual([]);
    for (const [k, p] of Object.entries(overrides.properties)) {
      if (k.startsWith('$')) continue;
      const rule = p as { family?: string; permission?: string; unknown?: string; reason?: string; source?: string };
      expect([rule.family, rule.permission, rule.unknown].filter(Boolean), k).toHaveLength(1);
      expect((rule.reason ?? rule.unknown) && rule.source, k).toBeTruthy();
    }
  });
});

describe('generated files', () => {
  const files = readdirSync(join(root, 'mappings/generated')).filter((f) => f.endsWith('.json'));
  it.each(files)('%s opens with a $comment saying generated / do not edit', (f) => {
    const text = readFileSync(join(root, 'mappings/generated', f), 'utf8');
    expect(text).toMatch(/^\{\s*"\$comment":/);
    const comment = (JSON.parse(text) as { $comment: string }).$comment;
    expect(comment).toMatch(/generated/i);
    expect(comment).toMatch(/do not edit/i);
  });
});

describe('runtime.jsonl (the map as the package reads it)', () => {
  const text = readFileSync(join(root, 'mappings/generated/runtime.jsonl'), 'latin1');
  const lines = text.split('\n');
  const header = JSON.parse(lines[0]!) as { $comment: string; id: string; starts: number[]; sections: Record<string, number | [number, number]> };
  it('is ASCII, one JSON text per line, after a header saying generated / do not edit', () => {
    expect(/^[\x20-\x7e\n]*$/.test(text)).toBe(true);
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(header.$comment).toMatch(/generated.*do not edit/i);
  });
  it('matches the identity, size and head the code is generated with', () => {
    expect(Buffer.byteLength(text, 'latin1')).toBe(mapFile.bytes);
    expect(header.id).toBe(mapFile.id);
    expect(
      createHash('sha256')
        .update(text.slice(lines[0]!.length + 1))
        .digest('hex')
        .slice(0, 16),
    ).toBe(mapFile.id);
    expect(header.starts).toEqual(lines.map((_, n) => lines.slice(0, n).reduce((at, l) => at + l.length + 1, 0)).concat(mapFile.bytes));
    expect(header.starts).toContain(mapFile.head);
  });
  it('every section names its lines, and the head holds what a first guard() and request read', () => {
    const used = Object.values(header.sections).flatMap((at) => (typeof at === 'number' ? [at] : Array.from({ length: at[1] }, (_, i) => at[0] + i)));
    expect(used.sort((a, b) => a - b)).toEqual(lines.slice(1).map((_, i) => i + 1));
    const inHead = (n: number) => header.starts[n + 1]! <= mapFile.head;
    for (const name of ['permissions', 'families', 'routeIndex', 'routeText', 'objects', 'properties', 'versions'])
      expect(inHead(header.sections[name] as number)).toBe(true);
    expect(inHead((header.sections.routeGroups as [number, number])[0])).toBe(false);
  });
});

describe('implications', () => {
  const P = permsDoc.permissions;
  it('balance_transaction_source_read implies application fees, balance and transfers', () => {
    expect(P.balance_transaction_source_read!.impliesClosure).toEqual(expect.arrayContaining(['application_fee_read', 'balance_read', 'transfer_read']));
  });

  it('impliesClosure is exactly the transitive closure of implies', () => {
    const closure = (name: string) => {
      const out = new Set<string>();
      const todo = [...(P[name]?.implies ?? [])];
      while (todo.length) {
        const n = todo.pop()!;
        if (out.has(n)) continue;
        out.add(n);
        todo.push(...(P[n]?.implies ?? []));
      }
      out.delete(name); // a cycle (invoice_read ⇄ credit_note_read) does not list a name as implying itself
      return [...out].sort();
    };
    for (const name of Object.keys(P)) expect([...P[name]!.impliesClosure].sort(), name).toEqual(closure(name));
    for (const [name, p] of Object.entries(P)) {
      for (const q of p.impliesClosure)
        expect(p.impliesClosure, `${name} ⊇ closure(${q})`).toEqual(expect.arrayContaining(P[q]!.impliesClosure.filter((x) => x !== name)));
    }
  });

  it.each([
    ['checkout_session_write', 'mandate_read'],
    ['checkout_session_read', 'mandate_read'],
    ['customer_write', 'billing_clock_read'],
    ['credit_note_write', 'invoice_read'],
    ['invoice_write', 'credit_note_read'],
    ['payment_method_write', 'source_read'],
    ['setup_intent_write', 'mandate_read'],
    ['transfer_write', 'payout_read'],
  ])('%s implies %s', (name, implied) => {
    expect(P[name]!.implies).toContain(implied);
  });

  it('applies each row implication to both _read and _write of a family', () => {
    const diff = Object.entries(permsDoc.families)
      .filter(([, f]) => f.read && f.write)
      .filter(([, f]) => [...P[f.read!]!.implies].sort().join() !== [...P[f.write!]!.implies].sort().join())
      .map(([fam]) => fam);
    expect(diff).toEqual([]);
  });

  it('keeps every implication a transcribed row states, for every name of the row', () => {
    const missing: string[] = [];
    for (const { cells, file } of tsvRows()) {
      const names = (cells.permissions ?? '').match(NAME) ?? [];
      const implied = (cells.implies ?? '').match(NAME) ?? [];
      for (const n of names) for (const q of implied) if (!P[n]?.implies.includes(q)) missing.push(`${file}: ${n} → ${q}`);
    }
    expect(missing).toEqual([]);
  });
});

const NAME = /\b[a-z][a-z0-9_]*_(?:read|write)\b/g;
const SOURCES = join(root, 'mappings/sources');
function tsvRows(): { file: string; line: string; cells: Record<string, string> }[] {
  return readdirSync(SOURCES)
    .filter((f) => f.endsWith('.tsv'))
    .flatMap((file) => {
      const lines = readFileSync(join(SOURCES, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('#'));
      const head = lines[0]!.split('\t').map((h) => (/^implies/.test(h) ? 'implies' : /permissions/.test(h) ? 'permissions' : h));
      return lines.slice(1).map((line) => ({ file, line, cells: Object.fromEntries(line.split('\t').map((c, i) => [head[i] ?? `c${i}`, c])) }));
    });
}

describe('catalog completeness against mappings/sources', () => {
  it('has every permission-looking name of the transcribed editions', () => {
    const names = new Set(tsvRows().flatMap((r) => r.line.match(NAME) ?? []));
    expect(names.size).toBeGreaterThan(100);
    expect([...names].filter((n) => !catalog.has(n))).toEqual([]);
  });

  it('marks names listed only by older editions as legacy, and the rest as current', () => {
    const current = new Set<string>();
    const listed = new Set<string>();
    const isCurrent = (file: string) => /^# current: yes\b/m.test(readFileSync(join(SOURCES, file), 'utf8'));
    expect(
      readdirSync(SOURCES)
        .filter((f) => f.endsWith('.tsv'))
        .filter(isCurrent)
        .sort(),
    ).toEqual(['event-permissions.tsv', 'reference-current-en.tsv', 'reference-current-ja.tsv', 'stripe-app-schema.tsv']);
    for (const { file, cells } of tsvRows()) {
      for (const n of (cells.permissions ?? '').match(NAME) ?? []) {
        listed.add(n);
        if (isCurrent(file)) current.add(n);
      }
    }
    const legacy = [...listed].filter((n) => !current.has(n)).sort();
    expect(legacy).toEqual(['datastore_read', 'datastore_write', 'elements_write', 'mandate_write']);
    for (const n of listed) expect(permsDoc.permissions[n]?.status, n).toBe(current.has(n) ? 'current' : 'legacy');
  });

  it('has the 162 event types of the event table, with the permissions it lists', () => {
    const rows = tsvRows().filter((r) => r.file === 'event-permissions.tsv');
    expect(rows).toHaveLength(162);
    expect(Object.keys(permsDoc.events)).toHaveLength(162);
    for (const { cells } of rows) {
      expect(permsDoc.events[cells.event_type!], cells.event_type).toEqual((cells.permissions ?? '').match(NAME) ?? []);
    }
  });
});

describe('self-contained', () => {
  // Built by concatenation so this file does not match itself.
  const needles = ['shared/' + 'seeds', 'shared/' + 'reference', '../' + 'shared'];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const p = join(dir, f);
      return statSync(p).isDirectory() ? walk(p) : /\.(ts|mjs|js|cjs)$/.test(f) ? [p] : [];
    });

  it('reads nothing from the shared project folder in code (comments aside)', () => {
    const files = ['src', 'mappings/scripts', 'test'].flatMap((d) => walk(join(root, d)));
    expect(files.length).toBeGreaterThan(10);
    const hits = files.flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => {
          const t = line.trim();
          if (t.startsWith('//') || t.startsWith('*') || t.startsWith('/*')) return [];
          const code = line.replace(/(^|\s)\/\/.*$/, '');
          return needles.some((n) => code.includes(n)) ? [`${f.slice(root.length)}:${i + 1}: ${t}`] : [];
        }),
    );
    expect(hits).toEqual([]);
  });
});

describe('runtime.jsonl (what the package loads) says what the reviewable files say', () => {
  it('every route decodes to the same verb, path, host, status and permissions', () => {
    const cat = getCatalog();
    const problems = routesDoc.routes.flatMap((r) => {
      const got = cat.methods.get(r.methods[0]!);
      if (!got) return [`${r.methods[0]}: missing`];
      const same =
        got.verb === r.verb &&
        got.path === r.path &&
        got.host === r.host &&
        got.status === r.status &&
        (got.anyOf ?? []).join() === (r.anyOf ?? []).join() &&
        (got.strictAnyOf ?? []).join() === (r.strictAnyOf ?? []).join() &&
        got.reason === r.reason &&
        got.source === r.source;
      return same ? [] : [`${r.verb} ${r.path}: runtime.jsonl differs from routes.json`];
    });
    expect(problems).toEqual([]);
  });
  it('every method id (aliases included) finds its own route, and a near miss finds none', () => {
    const cat = getCatalog();
    const problems = routesDoc.routes.flatMap((r) =>
      r.methods.filter((m) => {
        const got = cat.methods.get(m);
        return !got || got.verb !== r.verb || got.path !== r.path || !got.methods.includes(m);
      }),
    );
    expect(problems).toEqual([]);
    for (const miss of ['customers.lis', 'ustomers.list', 'customers.list"', 'customers.list":[', '"customers.list', 'list', ''])
      expect(cat.methods.get(miss)).toBeUndefined();
  });
  it('every permission decodes with the same family, access, status and closure', () => {
    const cat = getCatalog();
    for (const [name, p] of Object.entries(permsDoc.permissions)) {
      expect(cat.permissions.get(name)).toMatchObject({ family: p.family, access: p.access, status: p.status, impliesClosure: p.impliesClosure });
    }
  });
});
