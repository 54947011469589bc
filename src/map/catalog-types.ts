// The shapes of the catalog (catalog.ts): what the map says about permissions, objects, routes
// and expand graphs, as the rest of the package reads it.
import type { RouteEntry, RouteTable } from './routes.js';

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

export interface FamilyEntry {
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
