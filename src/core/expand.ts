// The expand graph walk: one expand path of one method's response -> the permissions the
// objects it crosses need. PURE, like resolve.ts, which calls it once per (route, expand paths).
import type { ApiVersionInfo, Catalog, ExpandGraph, ExpandProp, MethodShape, ObjectGrant } from '../map/catalog.js';
import type { ExpandCandidate, Requirement, UnknownItem } from '../common/types.js';

export interface ExpandResult {
  readonly requirements: readonly Requirement[];
  readonly unknowns: readonly UnknownItem[];
}

export interface ExpandContext {
  readonly strict: boolean;
  /** The API version the request is sent with (client `apiVersion` or per request), when known. */
  readonly apiVersion?: string;
}

function readAnyOf(grant: ObjectGrant | undefined, strict: boolean, catalog: Catalog): readonly string[] | undefined {
  if (!grant) return undefined;
  if (grant.permission) return [grant.permission];
  if (!grant.family) return undefined;
  const fam = catalog.families.get(grant.family);
  if (!fam) return undefined;
  const all = [fam.read, fam.write].filter((p): p is string => !!p);
  return strict && fam.read ? [fam.read] : all;
}

/**
 * A type's properties in `graph`; a type the version does not know at all (stripe 14's
 * UpcomingInvoice, judged with a newer version) is read from the newest version that records it.
 */
function propsOf(graph: ExpandGraph, type: string, catalog: Catalog): ReadonlyMap<string, ExpandProp> | undefined {
  if (graph.types.has(type)) return graph.types.get(type);
  for (const v of catalog.apiVersions) {
    const other = catalog.expandGraph(v.apiVersion).types;
    if (other.has(type)) return other.get(type);
  }
  return undefined;
}

const named = (v: ApiVersionInfo): string => `${v.apiVersion}${v.stripeVersion ? ` (stripe ${v.stripeVersion})` : ''}`;

/**
 * In which other recorded API versions `seg` is a property of one of `types`, said as a clause:
 * a change is dated by the two recorded versions around it ("added between 2026-02-25.clover and
 * 2026-10-28.endive"), never by the first recording that happens to show it.
 */
function versionHistory(graph: ExpandGraph, types: readonly string[], seg: string, catalog: Catalog): string {
  // Hand-listed versions (judged with another version's graph) say nothing of their own.
  const versions = catalog.apiVersions.filter((v) => !v.graph); // newest first
  const has = (v: ApiVersionInfo) => types.some((t) => catalog.expandGraph(v.apiVersion).types.get(t)?.has(seg));
  const judged = graph.version.graph ?? graph.version.apiVersion;
  const at = versions.findIndex((v) => v.apiVersion === judged);
  const present = versions.map(has);
  if (!present.some(Boolean)) return '';
  const older = present.findIndex((p, i) => p && i > at);
  let newer = -1;
  for (let i = at - 1; i >= 0 && newer < 0; i--) if (present[i]) newer = i;
  const parts: string[] = [];
  if (older >= 0) {
    const [withIt, without] = [versions[older]!, versions[older - 1]!];
    parts.push(
      `it was removed between ${withIt.apiVersion} and ${without.apiVersion} (the newest recorded version with it: ${named(withIt)}; the oldest without it: ${named(without)})`,
    );
  }
  if (newer >= 0) {
    const [without, withIt] = [versions[newer + 1]!, versions[newer]!];
    parts.push(
      `it was added between ${without.apiVersion} and ${withIt.apiVersion} (the newest recorded version without it: ${named(without)}; the oldest with it: ${named(withIt)})`,
    );
  }
  return `; ${parts.join(', and ')}`;
}

/** Whether `apiVersion` is dated after the newest recorded version (an SDK newer than the map). */
export function newerThanRecorded(apiVersion: string | undefined, catalog: Catalog): boolean {
  const newest = catalog.apiVersions[0];
  return !!apiVersion && !!newest && /^\d{4}-\d{2}-\d{2}/.test(apiVersion) && apiVersion.slice(0, 10) > newest.apiVersion.slice(0, 10);
}

/** How a message names the API version a request was judged in. */
function versionClause(requested: string | undefined, graph: ExpandGraph, catalog: Catalog): string {
  const judged = graph.version.apiVersion;
  const newest = catalog.apiVersions[0]!;
  if (!requested) return ` in API version ${judged} (the newest recorded; the request names none)`;
  if (requested === judged) return ` in API version ${judged}`;
  if (judged === newest.apiVersion && newerThanRecorded(requested, catalog)) {
    return ` in API version ${requested}, newer than the newest recorded version (${named(newest)}), judged with that version's graph`;
  }
  return ` in API version ${requested} (judged with the graph recorded for ${judged})`;
}

/** What one expand path needs, walked from the response type of `shape`. */
export function walkExpand(shape: MethodShape | undefined, origin: string, path: string, ctx: ExpandContext, catalog: Catalog): ExpandResult {
  const strict = ctx.strict;
  const requirements: Requirement[] = [];
  const unknowns: UnknownItem[] = [];
  const unknown = (reason: string, because = `expand ${path}`): ExpandResult => ({
    requirements,
    unknowns: [...unknowns, { kind: 'expand', because, reason, expand: path }],
  });
  if (!shape || shape.returns.length === 0) {
    return unknown(`the response type of ${origin} is not known, so its expand paths cannot be checked`);
  }
  const segs = path.split('.');
  let i = 0;
  if (shape.shape === 'list' || shape.shape === 'search') {
    if (segs[0] !== 'data') return unknown(`${origin} returns a list: its expand paths start with "data." (did you mean "data.${path}"?)`);
    i = 1;
  }
  const graph = catalog.expandGraph(ctx.apiVersion);
  let types: readonly string[] = shape.returns;
  let lastExpandable = false;
  for (; i < segs.length; i++) {
    const seg = segs[i]!;
    const prefix = segs.slice(0, i + 1).join('.');
    const found: [string, ExpandProp][] = [];
    for (const t of types) {
      const prop = propsOf(graph, t, catalog)?.get(seg);
      if (prop) found.push([t, prop]);
    }
    if (found.length === 0) {
      const where = types.length ? types.join(' | ') : 'a value that has no properties';
      const history = types.length ? versionHistory(graph, types, seg, catalog) : '';
      const version = history || newerThanRecorded(ctx.apiVersion, catalog) ? versionClause(ctx.apiVersion, graph, catalog) : '';
      return unknown(`"${seg}" is not an expandable property of ${where}${version}${history} (in expand path "${path}")`);
    }
    const expandable = found.filter(([, p]) => p.expand);
    const targets = [...new Set(found.flatMap(([, p]) => p.to))];
    lastExpandable = expandable.length > 0;
    if (lastExpandable) {
      const req = crossing(expandable, prefix, path, strict, catalog);
      if ('reason' in req) unknowns.push(req);
      else requirements.push(req);
    }
    types = targets;
    // A list property (Customer.subscriptions) is walked through its `data`; a map through any key.
    if (found.some(([, p]) => p.list) && segs[i + 1] === 'data') i++;
    else if (found.some(([, p]) => p.map) && i + 1 < segs.length) i++;
  }
  if (!lastExpandable) {
    return unknown(`"${segs[segs.length - 1]}" cannot be expanded: it is a plain sub-object, not an ID or an includable field (in expand path "${path}")`);
  }
  return { requirements, unknowns };
}

/**
 * What crossing one expandable property needs. The reference: "you must also request at least one
 * corresponding permission for each API object you expand" — so the objects the field holds decide,
 * for an ID (`Invoice.customer`) and for a field returned only when expanded (`Customer.subscriptions`
 * holds Subscription objects: subscription_read) alike, never the object holding the field. A hand
 * rule (mappings/overrides.json `properties`, each with its source) decides fields whose objects
 * have no family of their own, or marks them unknown with the reason. Every object the field can
 * hold must have a known family: one candidate without one makes the field unknown.
 */
function crossing(found: readonly [string, ExpandProp][], prefix: string, path: string, strict: boolean, catalog: Catalog): Requirement | UnknownItem {
  const because = `expand ${prefix}`;
  const seg = prefix.slice(prefix.lastIndexOf('.') + 1);
  for (const [holder] of found) {
    const hand = catalog.properties.get(`${holder}.${seg}`);
    if (!hand) continue;
    const anyOf = readAnyOf(hand, strict, catalog);
    if (anyOf) return { anyOf, because, expand: path };
    return { kind: 'expand', because, expand: path, reason: `no permission is known for expanding ${holder}.${seg}: ${hand.source ?? 'no source names one'}` };
  }
  const targets = [...new Set(found.flatMap(([, p]) => p.to))];
  if (targets.length === 0) {
    const holders = found.map(([holder]) => `${holder}.${seg}`).join(' | ');
    return {
      kind: 'object',
      because,
      expand: path,
      reason: `${holders} holds no API object with a permission family of its own, and no source in mappings/ names the permission expanding it needs`,
    };
  }
  const candidates: ExpandCandidate[] = [];
  const unknownTypes: string[] = [];
  const listed = new Set(targets);
  // Deleted* variants share their object's family: list the object once.
  const kinds = [...listed].filter((type) => type.replace(/^(.*\.)?Deleted/, '$1') === type || !listed.has(type.replace(/^(.*\.)?Deleted/, '$1')));
  for (const type of kinds) {
    const anyOf = readAnyOf(catalog.objects.get(type), strict, catalog);
    if (anyOf) candidates.push({ type, anyOf });
    else unknownTypes.push(type);
  }
  if (unknownTypes.length) {
    const of = kinds.length > 1 ? ` (one of the objects it can hold: ${kinds.join(' | ')})` : '';
    return { kind: 'object', because, expand: path, reason: `no permission family is known for ${unknownTypes.join(' | ')}${of}` };
  }
  const anyOf = [...new Set(candidates.flatMap((c) => c.anyOf))];
  return {
    anyOf,
    because,
    expand: path,
    ...(new Set(candidates.map((c) => c.anyOf.join())).size > 1 ? { candidates } : {}),
  };
}
