// Loads mappings/ once into frozen indexes: permission names, implication closures,
// routes, object families and the expand graph. Nothing here runs per request.
import runtimeJson from '../mappings/generated/runtime.json' with { type: 'json' };
import { API_HOST, compileRoutes, type RouteEntry, type RouteTable } from './routes.js';

export type Access = 'read' | 'write';

/** One permission name as the Stripe Apps permissions reference documents it. */
export interface PermissionInfo {
  readonly name: string;
  readonly family: string;
  readonly access: Access | null;
  readonly resource: string;
  readonly product?: string;
  readonly description: string;
  /** Editions of the reference that list the name (`current-en`, `legacy-en`, …). */
  readonly editions: readonly string[];
  /** `legacy`: only older editions list it; Stripe may reject it at upload. */
  readonly status: 'current' | 'legacy';
  /** Permissions this one grants as well, as documented ("This permission also implies …"). */
  readonly implies: readonly string[];
  /** The transitive closure of `implies`. */
  readonly impliesClosure: readonly string[];
}

/** How an object type is covered when an expand path crosses it. */
export interface ObjectGrant {
  readonly family?: string;
  readonly permission?: string;
  readonly ambiguous?: readonly string[];
  readonly source?: string;
}

export interface ExpandProp {
  readonly expand?: 'id' | 'included';
  readonly to: readonly string[];
  readonly array?: boolean;
  readonly list?: boolean;
  readonly scalar?: boolean;
  /** A `{ [key: string]: T }` property: the next path segment is a free key. */
  readonly map?: boolean;
}

export interface MethodShape {
  readonly returns: readonly string[];
  readonly shape: 'object' | 'list' | 'search' | 'stream' | 'other';
}

/** One API version the expand graph is recorded for (or judged with another version's graph). */
export interface ApiVersionInfo {
  /** As Stripe names it, e.g. `2025-02-24.acacia`; compared by its `YYYY-MM-DD` prefix. */
  readonly apiVersion: string;
  /** The stripe package whose type declarations the graph comes from (pins this version). */
  readonly stripeVersion?: string;
  /** Set for hand-listed versions no SDK pins: the recorded version whose graph they use. */
  readonly graph?: string;
  readonly reason?: string;
  readonly source?: string;
}

/** The expand graph of one API version. */
export interface ExpandGraph {
  /** The recorded (or hand-listed) version this graph stands for. */
  readonly version: ApiVersionInfo;
  readonly types: ReadonlyMap<string, ReadonlyMap<string, ExpandProp>>;
}

/** An SDK method that sends no request of its own (`oauth.authorizeUrl`). */
export interface LocalMethod {
  readonly status: 'none';
  readonly reason: string;
  readonly source?: string;
}

interface FamilyEntry {
  read?: string;
  write?: string;
}

export interface Catalog {
  readonly permissions: ReadonlyMap<string, PermissionInfo>;
  readonly families: ReadonlyMap<string, FamilyEntry>;
  readonly routes: RouteTable;
  readonly methods: ReadonlyMap<string, RouteEntry>;
  readonly shapes: ReadonlyMap<string, MethodShape>;
  /** The expand graph of the newest recorded API version (= `expandGraph().types`). */
  readonly types: ReadonlyMap<string, ReadonlyMap<string, ExpandProp>>;
  /** Every API version with an expand graph, newest first. */
  readonly apiVersions: readonly ApiVersionInfo[];
  /**
   * The graph to judge a request of `apiVersion` with: the newest recorded version not after it
   * (by `YYYY-MM-DD` prefix), the oldest when it predates them all, the newest when none is given.
   */
  expandGraph(apiVersion?: string): ExpandGraph;
  /** SDK methods that send no request (status none, with the reason). */
  readonly local: ReadonlyMap<string, LocalMethod>;
  readonly objects: ReadonlyMap<string, ObjectGrant>;
  readonly properties: ReadonlyMap<string, ObjectGrant>;
  readonly events: ReadonlyMap<string, readonly string[]>;
  readonly stripeVersions: readonly string[];
  /** Every host a route is served from, the API host first. */
  readonly hosts: readonly string[];
}

type Row = readonly (string | number)[];
interface RuntimeData {
  stripeVersions: string[];
  permissions: Row[];
  events: Record<string, string>;
  routes: Row[];
  aliases: Record<string, string>;
  objects: Record<string, Row>;
  properties: Record<string, Row>;
  types: Record<string, Record<string, [number, string]>>;
  /** [apiVersion, stripeVersion, graph, source text], newest first. */
  versions: [string, string, string, number][];
  /** Per recorded version other than the newest: type → 0 (absent) or prop → 0 (absent) | [flags, to]. */
  deltas: Record<string, Record<string, 0 | Record<string, 0 | [number, string]>>>;
  local: Record<string, [number, number]>;
  text: string[];
}

const data = runtimeJson as unknown as RuntimeData;
const list = (csv: string | number | undefined): readonly string[] => (csv ? String(csv).split(',') : []);
const text = (i: string | number | undefined): string | undefined => (typeof i === 'number' && i >= 0 ? data.text[i] : undefined);
const STATUS = { m: 'mapped', n: 'none', u: 'unknown' } as const;

/**
 * Decoded in sections, each on first use: a guard() needs only the permissions; routes are
 * compiled on the first request, the expand graph on the first expand path.
 */
class LazyCatalog implements Catalog {
  readonly stripeVersions = data.stripeVersions;
  #permissions?: Map<string, PermissionInfo>;
  #families?: Map<string, FamilyEntry>;
  #events?: Map<string, readonly string[]>;
  #routes?: { table: RouteTable; methods: Map<string, RouteEntry>; shapes: Map<string, MethodShape> };
  #graphs = new Map<string, ExpandGraph>();
  #apiVersions?: readonly ApiVersionInfo[];
  #local?: Map<string, LocalMethod>;
  #objects?: Map<string, ObjectGrant>;
  #properties?: Map<string, ObjectGrant>;

  get permissions(): ReadonlyMap<string, PermissionInfo> {
    if (!this.#permissions) {
      this.#permissions = new Map();
      for (const [name, family, access, status, editions, closure, implies, resource, product, description] of data.permissions as string[][]) {
        this.#permissions.set(name!, Object.freeze({
          name: name!, family: family!, access: access === 'r' ? 'read' : access === 'w' ? 'write' : null,
          status: status === 'l' ? 'legacy' : 'current', editions: list(editions), impliesClosure: list(closure), implies: list(implies),
          resource: resource!, ...(product ? { product } : {}), description: description!,
        }));
      }
    }
    return this.#permissions;
  }
  get families(): ReadonlyMap<string, FamilyEntry> {
    if (!this.#families) {
      const families = new Map<string, { read?: string; write?: string }>();
      for (const p of this.permissions.values()) {
        if (!p.access) continue;
        const entry = families.get(p.family) ?? {};
        entry[p.access] = p.name;
        families.set(p.family, entry);
      }
      this.#families = families;
    }
    return this.#families;
  }
  get events(): ReadonlyMap<string, readonly string[]> {
    return (this.#events ??= new Map(Object.entries(data.events).map(([k, v]) => [k, list(v)])));
  }
  get routes(): RouteTable {
    return this.#compileRoutes().table;
  }
  get hosts(): readonly string[] {
    return [API_HOST, ...new Set(data.routes.map((r) => String(r[2])).filter((h) => h && h !== API_HOST))];
  }
  get methods(): ReadonlyMap<string, RouteEntry> {
    return this.#compileRoutes().methods;
  }
  get shapes(): ReadonlyMap<string, MethodShape> {
    return this.#compileRoutes().shapes;
  }
  get types(): ReadonlyMap<string, ReadonlyMap<string, ExpandProp>> {
    return this.expandGraph().types;
  }
  get apiVersions(): readonly ApiVersionInfo[] {
    return (this.#apiVersions ??= Object.freeze(data.versions.map(([apiVersion, stripeVersion, graph, source]) => Object.freeze({
      apiVersion, ...(stripeVersion ? { stripeVersion } : {}), ...(graph ? { graph } : {}), ...(text(source) ? { source: text(source) } : {}),
    }))));
  }
  expandGraph(apiVersion?: string): ExpandGraph {
    const versions = this.apiVersions;
    const date = apiVersion && /^\d{4}-\d{2}-\d{2}/.test(apiVersion) ? apiVersion.slice(0, 10) : undefined;
    const version = (date && (versions.find((v) => v.apiVersion.slice(0, 10) <= date) ?? versions[versions.length - 1])) || versions[0]!;
    let graph = this.#graphs.get(version.apiVersion);
    if (!graph) {
      const recorded = version.graph ?? version.apiVersion;
      const types = recorded === versions[0]!.apiVersion ? new LazyTypes() : new LazyTypes(data.deltas[recorded]);
      this.#graphs.set(version.apiVersion, (graph = Object.freeze({ version, types })));
    }
    return graph;
  }
  get local(): ReadonlyMap<string, LocalMethod> {
    return (this.#local ??= new Map(Object.entries(data.local).map(([m, [reason, source]]) => [m, Object.freeze({
      status: 'none' as const, reason: text(reason) ?? '', ...(text(source) ? { source: text(source) } : {}),
    })])));
  }
  get objects(): ReadonlyMap<string, ObjectGrant> {
    return (this.#objects ??= new Map(Object.entries(data.objects).map(([k, [family, permission, ambiguous, source]]) => [k, grant(family, permission, ambiguous, source)])));
  }
  get properties(): ReadonlyMap<string, ObjectGrant> {
    return (this.#properties ??= new Map(Object.entries(data.properties).map(([k, [family, permission, source]]) => [k, grant(family, permission, '', source)])));
  }

  #compileRoutes() {
    if (this.#routes) return this.#routes;
    const entries: RouteEntry[] = [];
    const methods = new Map<string, RouteEntry>();
    const shapes = new Map<string, MethodShape>();
    for (const [verb, path, host, ids, status, anyOf, strictAnyOf, family, eventsParam, reason, source, shapeList] of data.routes) {
      const entry: RouteEntry = Object.freeze({
        verb: verb as RouteEntry['verb'], path: String(path), ...(host ? { host: String(host) } : {}), methods: list(ids),
        status: STATUS[status as keyof typeof STATUS], ...(family ? { family: String(family) } : {}),
        ...(anyOf ? { anyOf: list(anyOf) } : {}), ...(strictAnyOf ? { strictAnyOf: list(strictAnyOf) } : {}),
        ...(eventsParam ? { eventsParam: String(eventsParam) } : {}), reason: text(reason) ?? '', ...(text(source) ? { source: text(source) } : {}),
      });
      entries.push(entry);
      const shapeOf = String(shapeList ?? '').split(',');
      entry.methods.forEach((m, i) => {
        if (!methods.has(m)) methods.set(m, entry);
        const [shape, returns] = (shapeOf[i] ?? '').split(':');
        if (shape && !shapes.has(m)) shapes.set(m, { shape: shape as MethodShape['shape'], returns: returns ? returns.split('|') : [] });
      });
    }
    for (const [alias, target] of Object.entries(data.aliases)) {
      for (const [m, r] of [...methods]) if (m.startsWith(`${target}.`)) methods.set(`${alias}.${m.slice(target.length + 1)}`, r);
      for (const [m, sh] of [...shapes]) if (m.startsWith(`${target}.`)) shapes.set(`${alias}.${m.slice(target.length + 1)}`, sh);
    }
    return (this.#routes = { table: compileRoutes(entries), methods, shapes });
  }
}

/** One version's expand graph, each type decoded when a path first crosses it: the newest graph, changed by a delta. */
class LazyTypes extends Map<string, ReadonlyMap<string, ExpandProp>> {
  readonly #delta: RuntimeData['deltas'][string] | undefined;
  constructor(delta?: RuntimeData['deltas'][string]) {
    super();
    this.#delta = delta;
  }
  override get(type: string): ReadonlyMap<string, ExpandProp> | undefined {
    let decoded = super.get(type);
    if (decoded === undefined && this.has(type)) {
      const props = new Map<string, ExpandProp>();
      decoded = props;
      const changed = this.#delta?.[type];
      const entries = Object.entries({ ...(Object.hasOwn(data.types, type) ? data.types[type] : {}), ...(changed || {}) });
      for (const [name, encoded] of entries) if (encoded) props.set(name, decodeProp(encoded));
      super.set(type, props);
    }
    return decoded;
  }
  override has(type: string): boolean {
    const delta = this.#delta && Object.hasOwn(this.#delta, type) ? this.#delta[type] : undefined;
    return delta === undefined ? Object.hasOwn(data.types, type) : delta !== 0;
  }
}

function decodeProp([flags, to]: [number, string]): ExpandProp {
  const prop: { -readonly [K in keyof ExpandProp]: ExpandProp[K] } = { to: list(to) };
  if (flags & 1) prop.expand = 'id';
  else if (flags & 2) prop.expand = 'included';
  if (flags & 4) prop.array = true;
  if (flags & 8) prop.list = true;
  if (flags & 16) prop.map = true;
  if (flags & 32) prop.scalar = true;
  return Object.freeze(prop);
}

function grant(family: string | number | undefined, permission: string | number | undefined, ambiguous: string | number | undefined, source: string | number | undefined): ObjectGrant {
  return Object.freeze({
    ...(family ? { family: String(family) } : {}),
    ...(permission ? { permission: String(permission) } : {}),
    ...(ambiguous ? { ambiguous: list(ambiguous) } : {}),
    ...(text(source) ? { source: text(source) } : {}),
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
