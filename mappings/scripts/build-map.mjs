#!/usr/bin/env node
// Joins the recorded SDK endpoints with the hand decisions in overrides.json and the
// permission catalog, and writes the route table the runtime compiles at load.
//
//   node mappings/scripts/build-map.mjs
//
// Every recorded (verb, host, path) gets exactly one entry: mapped (with the
// permissions that satisfy it), none (with the reason) or unknown (with the reason).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minimatch } from 'minimatch';
import { buildGraphs, encodeProps } from './expand-graph.mjs';
import { endpointsFile, recordedSdks } from './sdks.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8'));

const overrides = readJson('overrides.json');
const catalog = readJson('generated/permissions.json');
// endpoints.json is the dev dependency `stripe`; endpoints-stripeNN.json each `stripe-NN` alias (scripts/sdks.mjs).
const endpointFiles = recordedSdks().map(endpointsFile).filter((f) => existsSync(resolve(root, f)));
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
const handProperties = Object.fromEntries(Object.entries(overrides.properties).filter(([k]) => !k.startsWith('$')));
for (const [key, value] of Object.entries(handProperties)) {
  if ([value.family, value.permission, value.unknown].filter(Boolean).length !== 1 || !value.source || !(value.reason || value.unknown)) {
    problems.push(`overrides.properties.${key} needs exactly one of family, permission or unknown, a reason and a source`);
  }
  const dot = key.lastIndexOf('.');
  if (!objectDocs.some((d) => d.types[key.slice(0, dot)]?.props[key.slice(dot + 1)])) problems.push(`overrides.properties names ${key}, which no SDK's types have`);
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
  properties: handProperties,
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

// ---- runtime.jsonl: the same knowledge, in the form the package loads ---------------------
// One JSON text per line, each read and parsed by src/map/catalog.ts the first time it is needed: importing
// the package decodes nothing, a guard() parses the permissions, a first request one route group
// (the routes under its first two path segments, e.g. /v1/customers), a first expand path one
// version's type index and the prop tables of the types it crosses. The route trie, method index,
// families, hosts and per-version expand tables are computed here, not at load. The verbose files
// above stay the reviewable source; the data tests check that the catalog decodes to them.
{
  const csv = (xs) => (xs ?? []).join(',');
  const shortDescription = (d) => (d ? (/^(.*?[.!?])(\s|$)/.exec(d)?.[1] ?? d).slice(0, 200) : '');
  const texts = () => {
    const list = [];
    const index = new Map();
    const at = (s) => {
      if (s === undefined || s === null) return -1;
      if (!index.has(s)) index.set(s, list.push(s) - 1);
      return index.get(s);
    };
    return { list, at };
  };
  const shapeOf = (m) => (expandDoc.methods[m] ? `${expandDoc.methods[m].shape}:${expandDoc.methods[m].returns.join('|')}` : '');

  // Method ids → route and response shape, exactly as a load-time index built over the routes in
  // order would make them: the first route naming a method wins, the first non-empty shape wins,
  // then every method of an alias target is repeated under the alias (account.x = accounts.x).
  const methodRoute = new Map();
  const methodShape = new Map();
  doc.routes.forEach((r, i) => {
    for (const m of r.methods) {
      if (!methodRoute.has(m)) methodRoute.set(m, i);
      const sh = shapeOf(m);
      if (sh.split(':')[0] && !methodShape.has(m)) methodShape.set(m, sh);
    }
  });
  for (const [alias, target] of Object.entries(doc.aliases)) {
    for (const [m, r] of [...methodRoute]) if (m.startsWith(`${target}.`)) methodRoute.set(`${alias}.${m.slice(target.length + 1)}`, r);
    for (const [m, sh] of [...methodShape]) if (m.startsWith(`${target}.`)) methodShape.set(`${alias}.${m.slice(target.length + 1)}`, sh);
  }
  // Every route of a method names its final shape, so any decoded route answers for its methods.
  const aliasOnly = [...methodShape.keys()].filter((m) => !doc.routes.some((r) => r.methods.includes(m)));
  if (aliasOnly.length) problems.push(`methods with a shape but no route: ${aliasOnly.join(', ')}`);

  // Route groups: the routes under the same first two path segments, each one JSON string holding
  // its rows, their texts and the trie below those segments, per verb.
  const segsOf = (path) => path.split('/').slice(1);
  const groupKey = (path) => segsOf(path).slice(0, 2).map((s) => (s.startsWith('{') ? '{}' : s)).join('/');
  const groups = new Map();
  const position = new Map(); // route index → [group, row]
  doc.routes.forEach((r, i) => {
    if (segsOf(r.path).length < 2) problems.push(`${r.verb} ${r.path}: the runtime groups routes by two path segments; this one has fewer`);
    const key = groupKey(r.path);
    if (!groups.has(key)) groups.set(key, { id: groups.size, routes: [] });
    const g = groups.get(key);
    position.set(i, [g.id, g.routes.push(i) - 1]);
  });
  const newNode = () => ({ s: {}, p: undefined, r: undefined });
  const tops = {};
  const text = texts();
  const groupJson = [...groups.values()].map((g) => {
    const byVerb = {};
    const rows = g.routes.map((i, pos) => {
      const r = doc.routes[i];
      let node = (byVerb[r.verb] ??= newNode());
      for (const seg of segsOf(r.path).slice(2)) {
        if (seg.startsWith('{')) node = node.p ??= newNode();
        else node = Object.hasOwn(node.s, seg) ? node.s[seg] : (node.s[seg] = newNode());
      }
      (node.r ??= []).push([r.host ?? '', pos]);
      // The top trie, down to the group: the same walk over the first two segments.
      let top = (tops[r.verb] ??= { s: {} });
      segsOf(r.path).slice(0, 2).forEach((seg, d) => {
        const last = d === 1;
        if (seg.startsWith('{')) top = last ? (top.p = g.id) : (top.p ??= { s: {} });
        else top = last ? (top.s[seg] = g.id) : (Object.hasOwn(top.s, seg) ? top.s[seg] : (top.s[seg] = { s: {} }));
      });
      return [
        r.verb, r.path, r.host ?? '', csv(r.methods), r.status[0], csv(r.anyOf), csv(r.strictAnyOf), r.family ?? '', r.eventsParam ?? '',
        text.at(r.reason), text.at(r.source), r.methods.map((m) => methodShape.get(m) ?? '').join(','),
      ];
    });
    const compact = (node) => ({
      ...(Object.keys(node.s).length ? { s: Object.fromEntries(Object.entries(node.s).map(([k, v]) => [k, compact(v)])) } : {}),
      ...(node.p ? { p: compact(node.p) } : {}),
      ...(node.r ? { r: node.r } : {}),
    });
    return JSON.stringify({ rows, ...Object.fromEntries(Object.entries(byVerb).map(([v, n]) => [v, compact(n)])) });
  });
  const routeIndex = {
    hosts: [API_HOST, ...new Set(doc.routes.map((r) => r.host).filter((h) => h && h !== API_HOST))],
    tree: tops,
  };
  const methodIndex = Object.fromEntries([...methodRoute].map(([m, i]) => [m, position.get(i)]));
  // (The shapes map iterates in method index order: a method's shape is known from its first route.)
  if ([...methodShape.keys()].join() !== [...methodRoute.keys()].filter((m) => methodShape.has(m)).join()) problems.push('method shapes are not in method index order');

  // Permissions by name; families as a load-time pass over them would build them (the last name wins).
  const permissions = Object.fromEntries(Object.entries(catalog.permissions).map(([name, p]) => [name, [
    p.family, p.access === 'read' ? 'r' : p.access === 'write' ? 'w' : '', p.status === 'legacy' ? 'l' : 'c',
    csv(p.editions), csv(p.impliesClosure), csv(p.implies), p.resource ?? '', p.product ?? '', shortDescription(p.description),
  ]]));
  const families = {};
  for (const [name, p] of Object.entries(catalog.permissions)) if (p.access) (families[p.family] ??= {})[p.access] = name;

  // Expand graphs: per recorded version, type → index of its prop table (equal tables stored once);
  // the newest version in full, every other one as the types it says differently (-1: absent).
  const recordedVersions = expandDoc.versions.filter((v) => !v.graph).map((v) => v.apiVersion);
  const tables = [];
  const tableIndex = new Map();
  const indexes = recordedVersions.map((v) => {
    const graph = graphs.graphs[v];
    return Object.fromEntries(Object.keys(graph).sort().map((type) => {
      const json = JSON.stringify(encodeProps({ [type]: graph[type] })[type]);
      if (!tableIndex.has(json)) tableIndex.set(json, tables.push(json) - 1);
      return [type, tableIndex.get(json)];
    }));
  });
  const typeIndex = indexes.map((index, i) => {
    if (i === 0) return JSON.stringify(index);
    const base = indexes[0];
    const changed = [...new Set([...Object.keys(base), ...Object.keys(index)])].sort().filter((t) => base[t] !== index[t]);
    return JSON.stringify(Object.fromEntries(changed.map((t) => [t, index[t] ?? -1])));
  });

  const sections = {
    stripeVersions: ['string[]', doc.stripeVersions],
    permissions: ['Record<name, [family, r|w|"", c|l, editions, closure, implies, resource, product, description]>', permissions],
    families: ['Record<family, { read?, write? }>', families],
    events: ['Record<event type, permissions csv>', Object.fromEntries(Object.entries(catalog.events).map(([k, v]) => [k, csv(v)]))],
    routeIndex: ['{ hosts, tree: per verb, the first two path segments → route group (s: statics, p: parameter) }', routeIndex],
    methodIndex: ['Record<method id, [route group, row]>', methodIndex],
    routeText: ['the reasons and sources of routes, by number', text.list],
    objects: ['Record<type, [family, permission, ambiguous csv, source]>', Object.fromEntries(Object.entries(doc.objects).map(([k, o]) => [k, [o.family ?? '', o.permission ?? '', csv(o.ambiguous), o.source ?? '']]))],
    properties: ['Record<Type.prop, [family, permission, source]> (neither family nor permission: unknown, source says why)', Object.fromEntries(Object.entries(doc.properties).map(([k, o]) => [k, [o.family ?? '', o.permission ?? '', o.unknown ? `${o.unknown} (${o.source})` : (o.source ?? '')]]))],
    versions: ['[apiVersion, stripeVersion, graph, source][], newest first', expandDoc.versions.map((v) => [v.apiVersion, v.stripeVersion ?? '', v.graph ?? '', v.source ?? ''])],
    local: ['Record<method id, [reason, source]>', Object.fromEntries(Object.entries(local).map(([m, e]) => [m, [e.reason, e.source ?? '']]))],
  };
  // runtime.jsonl: one JSON text per line, after a header line naming each section's line (or
  // first line and count). Written in ASCII, apostrophes as \u0027: a character is a byte, so a
  // line is read from the file's bytes as they are, and the text embedded in a bundlers' build is
  // one plain single-quoted literal (esbuild prints a string holding both quotes as a template
  // literal, which V8 scans more slowly).
  const ascii = (s) => s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/'/g, '\\u0027');
  // The sections a process reads at its first guard() and first request come first, after the
  // header: they are read together, in one read. The method index (read by explain() and the
  // static analysis), the route groups and the expand tables follow, each read when needed.
  const body = [];
  const layout = {};
  const { methodIndex: methods, ...first } = sections;
  for (const [name, [, value]] of Object.entries(first)) layout[name] = body.push(ascii(JSON.stringify(value)));
  const many = (name, texts) => {
    layout[name] = [body.length + 1, texts.length];
    body.push(...texts.map(ascii));
  };
  many('expandTypes', typeIndex);
  const eager = body.length;
  layout.methodIndex = body.push(ascii(JSON.stringify(methods[1])));
  many('routeGroups', groupJson);
  many('expandTables', tables);
  const bodyText = `${body.join('\n')}\n`;
  const id = createHash('sha256').update(bodyText).digest('hex').slice(0, 16);
  const shapes = {
    ...Object.fromEntries(Object.entries(sections).map(([name, [shape]]) => [name, shape])),
    routeGroups: 'per route group: { rows: [verb, path, host, methods, status, anyOf, strictAnyOf, family, eventsParam, reason, source (routeText), shapes][], GET|POST|DELETE: { s, p, r: [host, row][] } }',
    expandTypes: `per recorded API version (${recordedVersions.join(', ')}): Record<type, expand table>; after the first, only the types that differ from it (-1: absent)`,
    expandTables: 'Record<prop, [flags (1 id, 2 included, 4 array, 8 list, 16 map, 32 scalar), "To,Types"]>',
  };
  // Line n of the body starts at starts[n] bytes after the header line (which ends with its
  // newline); the header's own length depends on the numbers it holds, so it is fixed by iterating.
  const bodyStarts = [];
  let at = 0;
  for (const line of body) {
    bodyStarts.push(at);
    at += line.length + 1;
  }
  bodyStarts.push(at);
  let headerLength = 0;
  let header;
  for (;;) {
    const starts = bodyStarts.map((n) => n + headerLength);
    header = ascii(JSON.stringify({ $comment: 'Generated by mappings/scripts/build-map.mjs — do not edit by hand.', format: 'stripe-permission-guard map 1', id, stripe: doc.stripeVersions, shapes, sections: layout, starts: [0, ...starts] }));
    if (header.length + 1 === headerLength) break;
    headerLength = header.length + 1;
  }
  const file = `${header}\n${bodyText}`;
  writeFileSync(resolve(root, 'generated/runtime.jsonl'), file);
  const source = [
    '// Generated by mappings/scripts/build-map.mjs with runtime.jsonl — do not edit by hand.',
    '',
    '/**',
    ' * The map file this code reads (./runtime.jsonl), checked on load so that code and data from',
    ' * different builds never mix; `head` bytes (the header line and the sections every process',
    ' * reads) are read at once, the other lines one by one.',
    ' */',
    `export const mapFile = { name: 'runtime.jsonl', id: '${id}', bytes: ${Buffer.byteLength(file)}, head: ${headerLength + bodyStarts[eager]} } as const;`,
    '',
  ].join('\n');
  writeFileSync(resolve(root, 'generated/runtime.ts'), source);
  console.log(`runtime.jsonl: ${(file.length / 1024).toFixed(0)} KB (${groupJson.length} route groups, ${tables.length} expand tables)`);
}
