#!/usr/bin/env node
// Joins the recorded SDK endpoints with the hand decisions in overrides.json and the
// permission catalog, and writes the route table the runtime compiles at load.
//
//   node mappings/scripts/build-map.mjs
//
// Every recorded (verb, host, path) gets exactly one entry: mapped (with the
// permissions that satisfy it), none (with the reason) or unknown (with the reason).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import { buildGraphs, encodeProps } from './expand-graph.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8'));

const overrides = readJson('overrides.json');
const catalog = readJson('generated/permissions.json');
// endpoints-*.json hold other SDK majors recorded by the compatibility job; endpoints.json is the dev dependency.
const endpointFiles = ['generated/endpoints.json', ...['14', '17', '20'].map((m) => `generated/endpoints-stripe${m}.json`)]
  .filter((f) => existsSync(resolve(root, f)));
const recordings = endpointFiles.map((f) => ({ file: f, ...readJson(f) }));

const API_HOST = 'api.stripe.com';
const problems = [];

/** "GET /v1/x/{a}" → the same with every parameter named `{}`, so renamed parameters compare equal. */
const shape = (verb, host, path) => `${verb} ${host ?? API_HOST}${path.replace(/\{[^}]*\}/g, '{}')}`;

const routes = new Map();
for (const rec of recordings) {
  for (const [methodId, e] of Object.entries(rec.methods)) {
    const key = shape(e.method, e.host, e.path);
    let route = routes.get(key);
    if (!route) {
      route = { verb: e.method, path: e.path, ...(e.host ? { host: e.host } : {}), methods: [], sdk: [] };
      routes.set(key, route);
    }
    if (!route.methods.includes(methodId)) route.methods.push(methodId);
    if (!route.sdk.includes(rec.stripeVersion)) route.sdk.push(rec.stripeVersion);
  }
}

function findRule(verb, path) {
  for (const [index, rule] of overrides.routes.entries()) {
    const m = /^(GET|POST|DELETE) (.*)$/.exec(rule.match);
    const [ruleVerb, pattern] = m ? [m[1], m[2]] : [null, rule.match];
    if (ruleVerb && ruleVerb !== verb) continue;
    if (minimatch(path, pattern)) return { index, rule };
  }
  return null;
}

const perms = catalog.permissions;
function requirementFor(verb, family) {
  const fam = catalog.families[family];
  if (!fam) return { unknown: `family "${family}" is not in the permission catalog` };
  if (verb === 'GET') {
    const anyOf = [fam.read, fam.write].filter(Boolean);
    // Stripe: "at least one of the corresponding permissions"; strictReads asks for the read one where it exists.
    return { anyOf, strictAnyOf: fam.read ? [fam.read] : anyOf };
  }
  if (!fam.write) return { unknown: `the reference lists no ${family}_write, and this ${verb} changes data` };
  return { anyOf: [fam.write], strictAnyOf: [fam.write] };
}

const out = [];
for (const route of [...routes.values()].sort((a, b) => (a.path.localeCompare(b.path) || a.verb.localeCompare(b.verb)))) {
  // Method ids of the dev dependency's SDK first: messages name the current method (accounts.x, not stripe 14's account.x).
  const current = recordings[0].methods;
  route.methods.sort((a, b) => (b in current) - (a in current) || a.localeCompare(b));
  route.sdk.sort();
  const found = findRule(route.verb, route.path);
  const entry = { ...route };
  if (!found) {
    Object.assign(entry, {
      status: 'unknown',
      reason: 'No rule in mappings/overrides.json covers this route: no edition of the permissions reference was found to name its resource',
    });
  } else {
    const { rule, index } = found;
    entry.rule = index;
    if (rule.none) Object.assign(entry, { status: 'none', reason: rule.none });
    else if (rule.unknown) Object.assign(entry, { status: 'unknown', reason: rule.unknown });
    else {
      const req = rule.permission
        ? { anyOf: [rule.permission], strictAnyOf: [rule.permission] }
        : requirementFor(route.verb, rule.family);
      if (req.unknown) Object.assign(entry, { status: 'unknown', reason: req.unknown, family: rule.family });
      else {
        for (const p of req.anyOf) if (!perms[p]) problems.push(`rule ${index} (${rule.match}) names ${p}, which is not in the catalog`);
        Object.assign(entry, {
          status: 'mapped',
          ...(rule.family ? { family: rule.family } : {}),
          anyOf: req.anyOf,
          ...(req.strictAnyOf.join() !== req.anyOf.join() ? { strictAnyOf: req.strictAnyOf } : {}),
          reason: rule.reason,
          source: rule.source,
          // The request parameter whose event types each need their event permission (webhook endpoints).
          ...(rule.eventsParam ? { eventsParam: rule.eventsParam } : {}),
        });
      }
    }
  }
  out.push(entry);
}

// Methods that send no request of their own: each needs a hand entry in overrides.local.
const local = {};
for (const rec of recordings) {
  for (const methodId of rec.unrecorded ?? []) {
    const hand = overrides.local?.[methodId];
    if (!hand?.none || !hand.source) {
      problems.push(`${methodId} (stripe ${rec.stripeVersion}) sends no request and has no entry in overrides.local`);
      continue;
    }
    local[methodId] ??= { status: 'none', reason: hand.none, source: hand.source, sdk: [] };
    local[methodId].sdk.push(rec.stripeVersion);
  }
}
for (const e of Object.values(local)) e.sdk.sort();
for (const key of Object.keys(overrides.local ?? {})) {
  if (!key.startsWith('$') && !local[key]) problems.push(`overrides.local names ${key}, which no recorded SDK lists as unrecorded`);
}

const unusedRules = overrides.routes
  .map((r, i) => [r, i])
  .filter(([, i]) => !out.some((e) => e.rule === i))
  .map(([r, i]) => `${i}: ${r.match}`);

// Object types → permission family, for expand paths. An object needs the family of the
// GET routes that return it (Price ← prices.retrieve → plan); a type returned by routes of
// several families (LineItem: checkout sessions and payment links) is decided by the
// property that holds it, or by overrides.objects.
// objects*.json: the expand graph of each major's type declarations, newest SDK first.
const objectDocs = endpointFiles.map((f) => f.replace('endpoints', 'objects')).filter((f) => existsSync(resolve(root, f))).map(readJson);
if (objectDocs.length !== recordings.length) problems.push(`${recordings.length} endpoint recordings but ${objectDocs.length} objects files`);
// A method's response types come from the newest SDK that has the method.
const methodShapes = {};
for (const d of objectDocs) for (const [m, shapeOf] of Object.entries(d.methods)) methodShapes[m] ??= shapeOf;
const allTypes = [...new Set(objectDocs.flatMap((d) => Object.keys(d.types)))].sort();
const derived = new Map();
for (const entry of out) {
  if (entry.verb !== 'GET' || entry.status !== 'mapped') continue;
  for (const methodId of entry.methods) {
    for (const type of methodShapes[methodId]?.returns ?? []) {
      const base = type.replace(/^(.*\.)?Deleted/, '$1');
      const grant = entry.family ?? entry.anyOf[0];
      if (!derived.has(base)) derived.set(base, new Map());
      const byGrant = derived.get(base);
      if (!byGrant.has(grant)) byGrant.set(grant, []);
      byGrant.get(grant).push(methodId);
    }
  }
}
const isRetrieve = (m) => m.endsWith('.retrieve') && methodShapes[m]?.shape === 'object';
const objects = {};
for (const type of allTypes) {
  const base = type.replace(/^(.*\.)?Deleted/, '$1');
  const hand = overrides.objects[base];
  if (hand) {
    objects[type] = hand;
    continue;
  }
  const byGrant = derived.get(base);
  if (!byGrant) continue;
  // A resource's own `retrieve` names its family (Account ← accounts.retrieve, not customers.listSources).
  const own = [...byGrant].find(([, methods]) => methods.some(isRetrieve));
  if (own && byGrant.size > 1) {
    const key = catalog.families[own[0]] ? 'family' : 'permission';
    objects[type] = { [key]: own[0], source: `returned by ${own[1].find(isRetrieve)}` };
  } else if (byGrant.size === 1) {
    const [[grant, methods]] = [...byGrant];
    const key = catalog.families[grant] ? 'family' : 'permission';
    objects[type] = { [key]: grant, source: `returned by ${methods.slice(0, 3).join(', ')}` };
  } else {
    objects[type] = {
      ambiguous: [...byGrant.keys()].sort(),
      source: `returned by routes of several families: ${[...byGrant].map(([g, m]) => `${g} (${m[0]})`).join(', ')}`,
    };
  }
}
for (const [key, value] of Object.entries(overrides.properties)) {
  for (const p of [value.permission, ...(value.family ? Object.values(catalog.families[value.family] ?? {}) : [])]) {
    if (p && !perms[p]) problems.push(`overrides.properties.${key} names ${p}, which is not in the catalog`);
  }
}

const aliases = Object.assign({}, ...recordings.map((r) => r.aliases ?? {}));
const doc = {
  $comment: 'Generated by mappings/scripts/build-map.mjs from generated/endpoints*.json, overrides.json and generated/permissions.json — do not edit by hand',
  stripeVersions: recordings.map((r) => r.stripeVersion),
  aliases,
  routes: out,
  local,
  objects,
  properties: overrides.properties,
};
// The expand graph the runtime walks, one per recorded API version, stored as the newest
// graph plus per-version deltas (see expand-graph.mjs).
const graphs = buildGraphs(objectDocs, overrides, problems);
const expandDoc = {
  $comment: 'Generated by mappings/scripts/build-map.mjs from generated/objects*.json and overrides.json — do not edit by hand',
  stripeVersion: graphs.versions[0].stripeVersion,
  apiVersion: graphs.versions[0].apiVersion,
  versions: graphs.versions,
  types: graphs.base,
  deltas: graphs.deltas,
  methods: Object.fromEntries(Object.keys(methodShapes).sort().map((m) => [m, methodShapes[m]])),
};
writeFileSync(resolve(root, 'generated/expand.json'), `${JSON.stringify(expandDoc)}\n`);
for (const v of graphs.versions) {
  console.log(`expand graph ${v.apiVersion} (${v.graph ? `same as ${v.graph}` : `stripe ${v.stripeVersion}`}): ${graphs.counts[v.graph ?? v.apiVersion].types} types, ${graphs.counts[v.graph ?? v.apiVersion].expandable} expandable properties`);
}

writeFileSync(resolve(root, 'generated/routes.json'), `${JSON.stringify(doc, null, 1)}\n`);
const count = (s) => out.filter((e) => e.status === s).length;
console.log(`${out.length} routes from ${endpointFiles.join(', ')}: ${count('mapped')} mapped, ${count('none')} none, ${count('unknown')} unknown`);
if (unusedRules.length) console.log(`rules that match no route (kept for other SDK majors): ${unusedRules.join('; ')}`);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
}

// ---- runtime.json: the same knowledge, compact, for the package to load at start-up ------
// Reading 430 KB of JSON cost ~15 ms of every cold start; this form keeps what lookups need,
// with repeated texts stored once. The verbose files above stay the reviewable source.
{
  const text = [];
  const textIndex = new Map();
  const t = (s) => {
    if (s === undefined || s === null) return -1;
    if (!textIndex.has(s)) textIndex.set(s, text.push(s) - 1);
    return textIndex.get(s);
  };
  const csv = (xs) => (xs ?? []).join(',');
  const shortDescription = (d) => (d ? (/^(.*?[.!?])(\s|$)/.exec(d)?.[1] ?? d).slice(0, 200) : '');
  const runtime = {
    $comment: 'Generated by mappings/scripts/build-map.mjs from the other generated files — do not edit by hand. Decoded by src/catalog.ts.',
    stripeVersions: doc.stripeVersions,
    permissions: Object.entries(catalog.permissions).map(([name, p]) => [
      name, p.family, p.access === 'read' ? 'r' : p.access === 'write' ? 'w' : '', p.status === 'legacy' ? 'l' : 'c',
      csv(p.editions), csv(p.impliesClosure), csv(p.implies), p.resource ?? '', p.product ?? '', shortDescription(p.description),
    ]),
    events: Object.fromEntries(Object.entries(catalog.events).map(([k, v]) => [k, csv(v)])),
    // Each route's methods carry their response shapes in the same order ("list:Customer").
    routes: doc.routes.map((r) => [
      r.verb, r.path, r.host ?? '', csv(r.methods), r.status[0], csv(r.anyOf), csv(r.strictAnyOf), r.family ?? '', r.eventsParam ?? '', t(r.reason), t(r.source),
      r.methods.map((m) => (expandDoc.methods[m] ? `${expandDoc.methods[m].shape}:${expandDoc.methods[m].returns.join('|')}` : '')).join(','),
    ]),
    aliases: doc.aliases,
    objects: Object.fromEntries(Object.entries(doc.objects).map(([k, o]) => [k, [o.family ?? '', o.permission ?? '', csv(o.ambiguous), t(o.source)]])),
    properties: Object.fromEntries(Object.entries(doc.properties).map(([k, o]) => [k, [o.family ?? '', o.permission ?? '', t(o.source)]])),
    // The newest API version's graph; `versions` (newest first) and `deltas` give the others.
    types: encodeProps(expandDoc.types),
    versions: expandDoc.versions.map((v) => [v.apiVersion, v.stripeVersion ?? '', v.graph ?? '', t(v.source)]),
    deltas: Object.fromEntries(Object.entries(expandDoc.deltas).map(([v, d]) => [v, encodeProps(d)])),
    local: Object.fromEntries(Object.entries(local).map(([m, e]) => [m, [t(e.reason), t(e.source)]])),
    text,
  };
  const json = JSON.stringify(runtime);
  writeFileSync(resolve(root, 'generated/runtime.json'), `${json}\n`);
  console.log(`runtime.json: ${(json.length / 1024).toFixed(0)} KB`);
}
