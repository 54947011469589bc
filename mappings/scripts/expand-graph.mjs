// The expand graphs of every recorded API version, for build-map.mjs: one graph per
// objects*.json (each SDK major's type declarations, keyed by the API version it pins),
// stored as the newest graph plus per-version deltas, and hand-listed API versions
// (overrides.apiVersions) that use the graph of another version.

/** Date prefix ordering of API versions ("2025-03-31.basil" < "2026-02-25.clover"); newest first. */
export const newestFirst = (a, b) => b.slice(0, 10).localeCompare(a.slice(0, 10)) || b.localeCompare(a);

/**
 * One SDK's graph: expandable IDs, includable lists, the hand-listed includable fields, and the
 * sub-objects that lead to them. Optional fields that the declarations mark as possibly
 * "included" but that are neither lists nor hand-listed are plain sub-objects: they stay as
 * such when they lead to something expandable (Account.company → …document.front), so that
 * `expand: ['name']` stays an unknown path while `company.verification.document.front` is walked.
 */
/** Whether a recorded API version falls in a graphAdditions entry's [from, until] (by date prefix). */
const inRange = (apiVersion, { from, until }) => (!from || apiVersion.slice(0, 10) >= from) && (!until || apiVersion.slice(0, 10) <= until);

/**
 * The doc's types with the hand-listed properties of overrides.graphAdditions that apply to its
 * API version; a property the SDK already declares as expandable stays as declared.
 */
function withAdditions(doc, additions) {
  const types = Object.fromEntries(Object.entries(doc.types).map(([type, t]) => [type, { ...t, props: { ...t.props } }]));
  for (const entry of additions) {
    if (!inRange(doc.apiVersion, entry)) continue;
    for (const [key, prop] of Object.entries(entry.props)) {
      const dot = key.lastIndexOf('.');
      const [type, name] = [key.slice(0, dot), key.slice(dot + 1)];
      types[type] ??= { props: {} };
      if (!types[type].props[name]?.expand) types[type].props[name] = prop;
    }
  }
  return types;
}

function graphOf(doc, included, additions) {
  const isIncluded = (type, name, prop) => prop.expand === 'included' && (prop.list || Object.hasOwn(included, `${type}.${name}`));
  const plain = ({ expand: _expand, scalar: _scalar, ...rest }) => rest;
  const graph = {};
  doc = { ...doc, types: withAdditions(doc, additions) };
  for (const [type, t] of Object.entries(doc.types)) {
    graph[type] = {};
    for (const [name, prop] of Object.entries(t.props)) {
      if (prop.expand === 'id' || isIncluded(type, name, prop)) graph[type][name] = prop;
    }
  }
  // Nested props stay when their target (transitively) holds something expandable.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [type, t] of Object.entries(doc.types)) {
      for (const [name, prop] of Object.entries(t.props)) {
        if (graph[type][name] || prop.expand === 'id' || prop.scalar) continue;
        if (prop.to.some((to) => graph[to] && Object.keys(graph[to]).length)) {
          graph[type][name] = plain(prop);
          changed = true;
        }
      }
    }
  }
  return Object.fromEntries(Object.keys(graph).sort().filter((t) => Object.keys(graph[t]).length)
    .map((t) => [t, Object.fromEntries(Object.keys(graph[t]).sort().map((n) => [n, graph[t][n]]))]));
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** What `graph` says differently from `base`: a type or prop mapped to null is absent from `graph`. */
function delta(base, graph) {
  const out = {};
  for (const type of [...new Set([...Object.keys(base), ...Object.keys(graph)])].sort()) {
    if (!graph[type]) out[type] = null;
    else if (!base[type]) out[type] = graph[type];
    else {
      const d = {};
      for (const name of [...new Set([...Object.keys(base[type]), ...Object.keys(graph[type])])].sort()) {
        if (!same(base[type][name], graph[type][name])) d[name] = graph[type][name] ?? null;
      }
      if (Object.keys(d).length) out[type] = d;
    }
  }
  return out;
}

export function buildGraphs(objectDocs, overrides, problems) {
  const included = Object.fromEntries(Object.entries(overrides.included ?? {}).filter(([k]) => !k.startsWith('$')));
  const additions = overrides.graphAdditions?.entries ?? [];
  for (const [i, entry] of additions.entries()) {
    if (!entry.reason || !entry.source || !entry.props || !Object.keys(entry.props).length) problems.push(`overrides.graphAdditions.entries[${i}] needs props, a reason and a source`);
    if (!objectDocs.some((doc) => inRange(doc.apiVersion, entry))) problems.push(`overrides.graphAdditions.entries[${i}] applies to no recorded API version`);
  }
  const recorded = objectDocs
    .map((doc) => ({ apiVersion: doc.apiVersion, stripeVersion: doc.stripeVersion, graph: graphOf(doc, included, additions) }))
    .sort((a, b) => newestFirst(a.apiVersion, b.apiVersion));
  for (const [i, r] of recorded.entries()) {
    if (recorded.findIndex((x) => x.apiVersion === r.apiVersion) !== i) problems.push(`two SDKs pin API version ${r.apiVersion}`);
  }
  const [newest] = recorded;
  const byVersion = new Map(recorded.map((r) => [r.apiVersion, r]));
  const versions = recorded.map(({ apiVersion, stripeVersion }) => ({ apiVersion, stripeVersion }));
  for (const [apiVersion, hand] of Object.entries(overrides.apiVersions ?? {})) {
    if (apiVersion.startsWith('$')) continue;
    if (!byVersion.has(hand.graph)) problems.push(`overrides.apiVersions.${apiVersion} uses the graph of ${hand.graph}, which no SDK records`);
    else if (byVersion.has(apiVersion)) problems.push(`overrides.apiVersions.${apiVersion} is recorded by stripe ${byVersion.get(apiVersion).stripeVersion}`);
    else if (!hand.source || !hand.reason) problems.push(`overrides.apiVersions.${apiVersion} needs a reason and a source`);
    else versions.push({ apiVersion, graph: hand.graph, reason: hand.reason, source: hand.source });
  }
  versions.sort((a, b) => newestFirst(a.apiVersion, b.apiVersion));
  for (const key of Object.keys(included)) {
    const dot = key.lastIndexOf('.');
    if (!objectDocs.some((d) => d.types[key.slice(0, dot)]?.props[key.slice(dot + 1)])) {
      problems.push(`overrides.included names ${key}, which no SDK's types have`);
    }
  }
  const deltas = Object.fromEntries(recorded.slice(1).map((r) => [r.apiVersion, delta(newest.graph, r.graph)]));
  const counts = Object.fromEntries(recorded.map((r) => [r.apiVersion, {
    types: Object.keys(r.graph).length,
    expandable: Object.values(r.graph).reduce((n, t) => n + Object.values(t).filter((p) => p.expand).length, 0),
  }]));
  return { versions, base: newest.graph, deltas, counts, graphs: Object.fromEntries(recorded.map((r) => [r.apiVersion, r.graph])) };
}

const csv = (xs) => (xs ?? []).join(',');
const flags = (p) => (p.expand === 'id' ? 1 : 0) | (p.expand === 'included' ? 2 : 0) | (p.array ? 4 : 0) | (p.list ? 8 : 0) | (p.map ? 16 : 0) | (p.scalar ? 32 : 0);

/** runtime.json's form of a graph or delta: prop → [flags, "To,Types"], absent → 0. */
export function encodeProps(types) {
  return Object.fromEntries(Object.entries(types).map(([type, props]) => [type, props === null ? 0
    : Object.fromEntries(Object.entries(props).map(([name, p]) => [name, p === null ? 0 : [flags(p), csv(p.to)]]))]));
}
