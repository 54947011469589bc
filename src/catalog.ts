// Loads mappings/ once into frozen indexes: permission names, implication closures,
// routes, object families and the expand graph. Nothing here runs per request.
import permissionsJson from '../mappings/generated/permissions.json' with { type: 'json' };
import routesJson from '../mappings/generated/routes.json' with { type: 'json' };
import expandJson from '../mappings/generated/expand.json' with { type: 'json' };
import { compileRoutes, type RouteEntry, type RouteTable } from './routes.js';

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

interface FamilyEntry {
  readonly read?: string;
  readonly write?: string;
}

export interface Catalog {
  readonly permissions: ReadonlyMap<string, PermissionInfo>;
  readonly families: ReadonlyMap<string, FamilyEntry>;
  readonly routes: RouteTable;
  readonly methods: ReadonlyMap<string, RouteEntry>;
  readonly shapes: ReadonlyMap<string, MethodShape>;
  readonly types: ReadonlyMap<string, ReadonlyMap<string, ExpandProp>>;
  readonly objects: ReadonlyMap<string, ObjectGrant>;
  readonly properties: ReadonlyMap<string, ObjectGrant>;
  readonly events: ReadonlyMap<string, readonly string[]>;
  readonly stripeVersions: readonly string[];
}

let loaded: Catalog | undefined;

/** The catalog compiled from mappings/, built once on first use. */
export function getCatalog(): Catalog {
  return (loaded ??= compile());
}

function compile(): Catalog {
  const permissions = new Map<string, PermissionInfo>();
  for (const [name, p] of Object.entries(permissionsJson.permissions)) {
    permissions.set(name, Object.freeze({ name, ...(p as Omit<PermissionInfo, 'name'>) }));
  }
  const families = new Map<string, FamilyEntry>(Object.entries(permissionsJson.families as Record<string, FamilyEntry>));
  const events = new Map<string, readonly string[]>(Object.entries(permissionsJson.events as Record<string, string[]>));

  const entries = (routesJson.routes as unknown as RouteEntry[]).map((r) => Object.freeze(r));
  const routes = compileRoutes(entries);
  const methods = new Map<string, RouteEntry>();
  for (const r of entries) for (const m of r.methods) if (!methods.has(m)) methods.set(m, r);
  for (const [alias, target] of Object.entries(routesJson.aliases as Record<string, string>)) {
    for (const [m, r] of [...methods]) if (m.startsWith(`${target}.`)) methods.set(`${alias}.${m.slice(target.length + 1)}`, r);
  }

  const objectsDoc = expandJson as unknown as {
    types: Record<string, Record<string, ExpandProp>>;
    methods: Record<string, MethodShape>;
  };
  const types = new Map<string, ReadonlyMap<string, ExpandProp>>();
  for (const [name, props] of Object.entries(objectsDoc.types)) types.set(name, new Map(Object.entries(props)));
  const shapes = new Map<string, MethodShape>(Object.entries(objectsDoc.methods));
  for (const [alias, target] of Object.entries(routesJson.aliases as Record<string, string>)) {
    for (const [m, s] of [...shapes]) if (m.startsWith(`${target}.`)) shapes.set(`${alias}.${m.slice(target.length + 1)}`, s);
  }

  return Object.freeze({
    permissions,
    families,
    routes,
    methods,
    shapes,
    types,
    objects: new Map(Object.entries(routesJson.objects as Record<string, ObjectGrant>)),
    properties: new Map(Object.entries(routesJson.properties as Record<string, ObjectGrant>)),
    events,
    stripeVersions: routesJson.stripeVersions,
  });
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

/** Read and write permission names of a family, as the catalog lists them. */
export function familyPermissions(family: string, catalog: Catalog = getCatalog()): FamilyEntry | undefined {
  return catalog.families.get(family);
}
