// The generated map (mappings/generated/runtime.jsonl, read by map.ts) as frozen indexes: permission names,
// implication closures, routes, object families and the expand graphs. Importing decodes
// nothing; each section is parsed the first time it is needed, and its entries decoded one by
// one as they are looked up (a first request decodes the routes under its first two path
// segments, a first expand path the types it crosses). Nothing here runs per request.
import { mapSection, mapSectionAt, mapSectionText, parseMapJson } from './map.js';
import { storedRoutes, type RouteEntry, type RouteGroup, type RouteTable, type StoredNode, type StoredTop } from './routes.js';

import type {
  Access,
  PermissionInfo,
  ObjectGrant,
  ExpandProp,
  MethodShape,
  ApiVersionInfo,
  ExpandGraph,
  LocalMethod,
  Catalog,
  FamilyEntry,
} from './catalog-types.js';

export type { Access, PermissionInfo, ObjectGrant, ExpandProp, MethodShape, ApiVersionInfo, ExpandGraph, LocalMethod, Catalog } from './catalog-types.js';

type PermissionRow = [
  family: string,
  access: string,
  status: string,
  editions: string,
  closure: string,
  implies: string,
  resource: string,
  product: string,
  description: string,
];
type GrantRow = [family: string, permission: string, ambiguous: string, source: string];
type RouteRow = [
  verb: string,
  path: string,
  host: string,
  methods: string,
  status: string,
  anyOf: string,
  strictAnyOf: string,
  family: string,
  eventsParam: string,
  reason: number,
  source: number,
  shapes: string,
];
interface StoredGroup {
  readonly rows: readonly RouteRow[];
  readonly GET?: StoredNode;
  readonly POST?: StoredNode;
  readonly DELETE?: StoredNode;
}
type EncodedProp = [flags: number, to: string];

/** A value computed on the first call (a section of the map: its JSON text parsed). */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= compute());
}
const section = <T>(name: string) => once(() => mapSection(name) as T);
/** The method index's text: one id is looked up in it (methodRow), listing parses it. */
const methodText = once(() => mapSectionText('methodIndex'));

const data = {
  stripeVersions: section<string[]>('stripeVersions'),
  permissions: section<Record<string, PermissionRow>>('permissions'),
  families: section<Record<string, FamilyEntry>>('families'),
  events: section<Record<string, string>>('events'),
  routeIndex: section<{ hosts: string[]; tree: Record<string, StoredTop> }>('routeIndex'),
  // Parsed from the text one-id lookups search (methodRow), so the line is read once.
  methodIndex: once(() => {
    const { json, where } = methodText();
    return parseMapJson(json, where) as Record<string, [group: number, row: number]>;
  }),
  routeText: section<string[]>('routeText'),
  objects: section<Record<string, GrantRow>>('objects'),
  properties: section<Record<string, [family: string, permission: string, source: string]>>('properties'),
  versions: section<[apiVersion: string, stripeVersion: string, graph: string, source: string][]>('versions'),
  local: section<Record<string, [reason: string, source: string]>>('local'),
};
const newestTypes = once(() => mapSectionAt('expandTypes', 0) as Record<string, number>);
const list = (csv: string): readonly string[] => (csv ? csv.split(',') : []);
const STATUS = { m: 'mapped', n: 'none', u: 'unknown' } as const;

/**
 * A map whose entries are decoded one by one, on lookup: `lookup(key)` decodes an entry (or says
 * there is none), `keys()` lists every key in order for iteration, which decodes them all.
 */
class LazyMap<V> extends Map<string, V> {
  readonly #lookup: (key: string) => V | undefined;
  readonly #keys: () => readonly string[];
  #complete = false;
  constructor(lookup: (key: string) => V | undefined, keys: () => readonly string[]) {
    super();
    this.#lookup = lookup;
    this.#keys = keys;
  }
  override get(key: string): V | undefined {
    let value = super.get(key);
    if (value === undefined && !this.#complete && typeof key === 'string') {
      value = this.#lookup(key);
      if (value !== undefined) super.set(key, value);
    }
    return value;
  }
  override has(key: string): boolean {
    return this.get(key) !== undefined;
  }
  override get size(): number {
    this.#fill();
    return super.size;
  }
  override keys() {
    this.#fill();
    return super.keys();
  }
  override values() {
    this.#fill();
    return super.values();
  }
  override entries() {
    this.#fill();
    return super.entries();
  }
  override [Symbol.iterator]() {
    this.#fill();
    return super.entries();
  }
  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void, thisArg?: unknown): void {
    this.#fill();
    super.forEach(callback, thisArg);
  }
  /** Every entry decoded, in key order. */
  #fill(): void {
    if (this.#complete) return;
    const all: [string, V][] = [];
    for (const key of this.#keys()) {
      const value = super.get(key) ?? this.#lookup(key);
      if (value !== undefined) all.push([key, value]);
    }
    super.clear();
    for (const [k, v] of all) super.set(k, v);
    this.#complete = true;
  }
}

const METHOD_ID = /^[A-Za-z0-9_.]{1,200}$/;
const ROW = /(\d+),(\d+)\]/y;
/**
 * Where a method id's route is ([route group, row]), found in the method index's JSON text: one
 * id is looked up without parsing the index's ~650 entries (what listing them does). An id the
 * text could spell differently (other characters) is looked up in the parsed index.
 */
function methodRow(id: string): readonly [group: number, row: number] | undefined {
  if (!METHOD_ID.test(id)) return own(data.methodIndex(), id, (row) => row);
  const text = methodText().json;
  const needle = `"${id}":[`;
  const at = text.indexOf(needle);
  if (at === -1) return undefined;
  ROW.lastIndex = at + needle.length;
  const m = ROW.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** `raw[key]` decoded, when `raw` has it as its own property. */
function own<R, V>(raw: Readonly<Record<string, R>>, key: string, decode: (row: R, key: string) => V): V | undefined {
  return Object.hasOwn(raw, key) ? decode(raw[key]!, key) : undefined;
}

class LazyCatalog implements Catalog {
  #stripeVersions?: readonly string[];
  readonly permissions = new LazyMap<PermissionInfo>(
    (k) => own(data.permissions(), k, decodePermission),
    () => Object.keys(data.permissions()),
  );
  readonly families = new LazyMap<FamilyEntry>(
    (k) => own(data.families(), k, (f) => ({ ...f })),
    () => Object.keys(data.families()),
  );
  readonly events = new LazyMap<readonly string[]>(
    (k) => own(data.events(), k, list),
    () => Object.keys(data.events()),
  );
  readonly methods = new LazyMap<RouteEntry>(
    (k) => {
      const at = methodRow(k);
      return at && this.#group(at[0]).entries[at[1]];
    },
    () => Object.keys(data.methodIndex()),
  );
  /** Filled by each decoded route group for its methods (null: no known shape), so a matched route answers without the method index. */
  readonly #shapeOf = new Map<string, MethodShape | null>();
  readonly shapes = new LazyMap<MethodShape>(
    (k) => {
      const at = this.#shapeOf.has(k) ? undefined : methodRow(k);
      if (at) this.#group(at[0]);
      return this.#shapeOf.get(k) ?? undefined;
    },
    () => Object.keys(data.methodIndex()),
  );
  readonly local = new LazyMap<LocalMethod>(
    (k) => own(data.local(), k, ([reason, source]) => Object.freeze({ status: 'none' as const, reason, ...(source ? { source } : {}) })),
    () => Object.keys(data.local()),
  );
  readonly objects = new LazyMap<ObjectGrant>(
    (k) => own(data.objects(), k, ([family, permission, ambiguous, source]) => grant(family, permission, ambiguous, source)),
    () => Object.keys(data.objects()),
  );
  readonly properties = new LazyMap<ObjectGrant>(
    (k) => own(data.properties(), k, ([family, permission, source]) => grant(family, permission, '', source)),
    () => Object.keys(data.properties()),
  );
  #routes?: RouteTable;
  readonly #groups: RouteGroup[] = [];
  #apiVersions?: readonly ApiVersionInfo[];
  readonly #graphs = new Map<string, ExpandGraph>();
  /** Per recorded API version (graph-less entries of `apiVersions`, in order): its types. */
  readonly #typesOf = new Map<string, ReadonlyMap<string, ReadonlyMap<string, ExpandProp>>>();

  get stripeVersions(): readonly string[] {
    return (this.#stripeVersions ??= Object.freeze(data.stripeVersions()));
  }
  get routes(): RouteTable {
    return (this.#routes ??= storedRoutes(data.routeIndex().tree, (n) => this.#group(n)));
  }
  get hosts(): readonly string[] {
    return [...data.routeIndex().hosts];
  }
  get types(): ReadonlyMap<string, ReadonlyMap<string, ExpandProp>> {
    return this.expandGraph().types;
  }
  get apiVersions(): readonly ApiVersionInfo[] {
    return (this.#apiVersions ??= Object.freeze(
      data.versions().map(([apiVersion, stripeVersion, graph, source]) =>
        Object.freeze({
          apiVersion,
          ...(stripeVersion ? { stripeVersion } : {}),
          ...(graph ? { graph } : {}),
          ...(source ? { source } : {}),
        }),
      ),
    ));
  }
  expandGraph(apiVersion?: string): ExpandGraph {
    const versions = this.apiVersions;
    const date = apiVersion && /^\d{4}-\d{2}-\d{2}/.test(apiVersion) ? apiVersion.slice(0, 10) : undefined;
    const version = (date && (versions.find((v) => v.apiVersion.slice(0, 10) <= date) ?? versions[versions.length - 1])) || versions[0]!;
    let graph = this.#graphs.get(version.apiVersion);
    if (!graph) this.#graphs.set(version.apiVersion, (graph = Object.freeze({ version, types: this.#types(version.graph ?? version.apiVersion) })));
    return graph;
  }

  #types(recorded: string): ReadonlyMap<string, ReadonlyMap<string, ExpandProp>> {
    let types = this.#typesOf.get(recorded);
    if (!types) {
      const at = this.apiVersions.filter((v) => !v.graph).findIndex((v) => v.apiVersion === recorded);
      // A lookup reads this version's differences (-1: absent), then the newest version's index:
      // nothing is merged until the types are listed.
      const diff = at === 0 ? undefined : once(() => mapSectionAt('expandTypes', at) as Record<string, number>);
      const indexOf = (type: string): number | undefined => {
        const d = diff?.();
        const n = d && Object.hasOwn(d, type) ? d[type] : Object.hasOwn(newestTypes(), type) ? newestTypes()[type] : undefined;
        return n !== undefined && n >= 0 ? n : undefined;
      };
      const keys = once(() => {
        const d = diff?.();
        const all = d ? [...new Set([...Object.keys(newestTypes()), ...Object.keys(d)])].sort() : Object.keys(newestTypes());
        return all.filter((t) => indexOf(t) !== undefined);
      });
      types = new LazyMap((type) => {
        const n = indexOf(type);
        return n === undefined ? undefined : expandTable(n);
      }, keys);
      this.#typesOf.set(recorded, types);
    }
    return types;
  }

  #group(n: number): RouteGroup {
    let group = this.#groups[n];
    if (!group) {
      const stored = mapSectionAt('routeGroups', n) as StoredGroup;
      const entries = stored.rows.map((row) => decodeRoute(row, data.routeText(), this.#shapeOf));
      this.#groups[n] = group = Object.freeze({ entries, trees: { GET: stored.GET, POST: stored.POST, DELETE: stored.DELETE } });
    }
    return group;
  }
}

function decodePermission([family, access, status, editions, closure, implies, resource, product, description]: PermissionRow, name: string): PermissionInfo {
  return Object.freeze({
    name,
    family,
    access: access === 'r' ? 'read' : access === 'w' ? 'write' : null,
    status: status === 'l' ? 'legacy' : 'current',
    editions: list(editions),
    impliesClosure: list(closure),
    implies: list(implies),
    resource,
    ...(product ? { product } : {}),
    description,
  });
}

function decodeRoute(
  [verb, path, host, ids, status, anyOf, strictAnyOf, family, eventsParam, reason, source, shapeList]: RouteRow,
  text: readonly string[],
  shapeOf: Map<string, MethodShape | null>,
): RouteEntry {
  const entry: RouteEntry = Object.freeze({
    verb: verb as RouteEntry['verb'],
    path,
    ...(host ? { host } : {}),
    methods: list(ids),
    status: STATUS[status as keyof typeof STATUS],
    ...(family ? { family } : {}),
    ...(anyOf ? { anyOf: list(anyOf) } : {}),
    ...(strictAnyOf ? { strictAnyOf: list(strictAnyOf) } : {}),
    ...(eventsParam ? { eventsParam } : {}),
    reason: text[reason] ?? '',
    ...(text[source] ? { source: text[source] } : {}),
  });
  // Each method's final shape (build-map.mjs writes the same one in every route of the method).
  const shapes = shapeList.split(',');
  entry.methods.forEach((m, i) => {
    if (shapeOf.has(m)) return;
    const [shape, returns] = (shapes[i] ?? '').split(':');
    shapeOf.set(m, shape ? { shape: shape as MethodShape['shape'], returns: returns ? returns.split('|') : [] } : null);
  });
  return entry;
}

/** Expand tables are shared by the versions whose type is the same. */
const tables: (ReadonlyMap<string, ExpandProp> | undefined)[] = [];
function expandTable(index: number): ReadonlyMap<string, ExpandProp> {
  let table = tables[index];
  if (!table) {
    const props = new Map<string, ExpandProp>();
    for (const [name, encoded] of Object.entries(mapSectionAt('expandTables', index) as Record<string, EncodedProp>)) props.set(name, decodeProp(encoded));
    tables[index] = table = props;
  }
  return table;
}

function decodeProp([flags, to]: EncodedProp): ExpandProp {
  const prop: { -readonly [K in keyof ExpandProp]: ExpandProp[K] } = { to: list(to) };
  if (flags & 1) prop.expand = 'id';
  else if (flags & 2) prop.expand = 'included';
  if (flags & 4) prop.array = true;
  if (flags & 8) prop.list = true;
  if (flags & 16) prop.map = true;
  if (flags & 32) prop.scalar = true;
  return Object.freeze(prop);
}

function grant(family: string, permission: string, ambiguous: string, source: string): ObjectGrant {
  return Object.freeze({
    ...(family ? { family } : {}),
    ...(permission ? { permission } : {}),
    ...(ambiguous ? { ambiguous: list(ambiguous) } : {}),
    ...(source ? { source } : {}),
  });
}

let loaded: Catalog | undefined;

/** The catalog compiled from mappings/, each section on first use. */
export function getCatalog(): Catalog {
  return (loaded ??= new LazyCatalog());
}

/**
 * Everything a set of declared permissions grants: the names themselves and all they imply.
 *
 * @example
 * impliedClosure(['customer_read']) // Set { 'customer_read', 'billing_clock_read' }
 */
export function impliedClosure(granted: Iterable<string>, catalog: Catalog = getCatalog()): Set<string> {
  const out = new Set<string>();
  for (const name of granted) {
    out.add(name);
    const info = catalog.permissions.get(name);
    if (info) for (const implied of info.impliesClosure) out.add(implied);
  }
  return out;
}

/** The permission's access as the catalog records it (`read`, `write`), not guessed from its name. */
export function accessOf(name: string, catalog: Catalog = getCatalog()): Access | null | undefined {
  return catalog.permissions.get(name)?.access;
}
