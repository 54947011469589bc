#!/usr/bin/env node
// Prints how much of each recorded stripe SDK major the map covers: its methods with an entry,
// the expandable properties of its API version's graph (reachable from its methods) whose
// permission is known, and the routes its methods send, by status.
//   node mappings/scripts/stats.mjs [--verbose]
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { endpointsFile, recordedSdks } from './sdks.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8'));
const routes = readJson('generated/routes.json');
const expand = readJson('generated/expand.json');
const catalog = readJson('generated/permissions.json');
// Requests Stripe refuses for every app (no permission allows them): src/map/refusals.ts reads this.
const refusals = Object.values(readJson('sources/refusals.json').refusals);
const refusedRoutes = new Set(refusals.map((r) => r.route));
const verbose = process.argv.includes('--verbose');

const require = createRequire(`${process.cwd()}/`);
const Stripe = require('stripe');
const installed = new (Stripe.default ?? Stripe)('sk_test_stats').VERSION;

const routeOf = new Map();
for (const r of routes.routes) for (const m of r.methods) routeOf.set(m, r);

/** The graph of one recorded API version: the newest graph changed by the version's delta. */
function graphOf(apiVersion) {
  const delta = expand.deltas[apiVersion] ?? {};
  const g = { ...expand.types };
  for (const [type, props] of Object.entries(delta)) {
    if (props === null) delete g[type];
    else g[type] = Object.fromEntries(Object.entries({ ...(expand.types[type] ?? {}), ...props }).filter(([, p]) => p !== null));
  }
  return g;
}

/** Expandable properties reachable from the methods' response types, and whether their permission is known. */
function expandables(graph, methodIds) {
  const seen = new Set();
  const todo = methodIds.flatMap((m) => expand.methods[m]?.returns ?? []);
  const out = new Map();
  while (todo.length) {
    const type = todo.pop();
    if (seen.has(type) || !graph[type]) continue;
    seen.add(type);
    for (const [name, p] of Object.entries(graph[type])) {
      todo.push(...p.to);
      if (!p.expand) continue;
      // As src/core/expand.ts: a hand rule decides (or keeps it unknown); else every object the field holds needs a family.
      const hand = routes.properties[`${type}.${name}`];
      const base = (t) => t.replace(/^(.*\.)?Deleted/, '$1');
      const targets = p.to.filter((t) => base(t) === t || !p.to.includes(base(t)));
      const known = (t) => routes.objects[t]?.family || routes.objects[t]?.permission;
      out.set(`${type}.${name}`, hand ? !!(hand.family || hand.permission) : targets.length > 0 && targets.every(known));
    }
  }
  return out;
}

// Newest release first.
const semver = (v) => v.split('.').map(Number);
const files = recordedSdks()
  .map(endpointsFile)
  .filter((f) => existsSync(resolve(root, f)))
  .map((f) => [f, semver(readJson(f).stripeVersion)])
  .sort(([, a], [, b]) => b[0] - a[0] || b[1] - a[1] || b[2] - a[2])
  .map(([f]) => f);
console.log(`stripe (installed ${installed}); map recorded from ${routes.stripeVersions.join(', ')}`);
console.log(`permissions in catalog: ${Object.keys(catalog.permissions).length} (${Object.keys(catalog.families).length} families, ${Object.keys(catalog.events).length} event types)`);
console.log(`routes (HTTP contracts): ${routes.routes.length}; methods that send no request: ${Object.keys(routes.local ?? {}).length}`);
console.log('');
const header = ['stripe', 'API version', 'methods with entry / total', 'expandable known / total', 'routes mapped / none / unknown / refused'];
const rows = [];
const missing = [];
for (const f of files) {
  const rec = readJson(f);
  const ids = [...Object.keys(rec.methods), ...(rec.unrecorded ?? [])];
  const withEntry = ids.filter((m) => routeOf.has(m) || routes.local?.[m]);
  missing.push(...ids.filter((m) => !withEntry.includes(m)).map((m) => `${rec.stripeVersion}: ${m}`));
  const version = expand.versions.find((v) => v.stripeVersion === rec.stripeVersion);
  const exp = expandables(graphOf(version.apiVersion), Object.keys(rec.methods));
  const known = [...exp.values()].filter(Boolean).length;
  const hit = new Set(Object.keys(rec.methods).map((m) => routeOf.get(m)).filter(Boolean));
  const by = (s) => [...hit].filter((r) => r.status === s).length;
  // Refused: always, or for the request's own account (the route stays mapped for other ids).
  const refused = [...hit].filter((r) => refusedRoutes.has(`${r.verb} ${r.path}`)).length;
  rows.push([rec.stripeVersion, version.apiVersion, `${withEntry.length} / ${ids.length}`, `${known} / ${exp.size}`, `${by('mapped')} / ${by('none')} / ${by('unknown')} / ${refused}`]);
  if (verbose) for (const [k, ok] of exp) if (!ok) console.log(`  ${rec.stripeVersion} unresolved expandable ${k}`);
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const r of [header, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
if (missing.length) {
  console.log(`methods without an entry: ${missing.join(', ')}`);
  process.exitCode = 1;
}
