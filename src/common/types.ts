// The shapes every module shares. A leaf: it imports nothing.

/** A request, as the HTTP contract sees it: what resolveRequest() judges. */
export interface RequestShape {
  readonly method: string;
  /** The path without its query string, e.g. `/v1/customers/cus_1`. */
  readonly path: string;
  readonly host?: string;
  readonly expand?: readonly string[];
  /** The SDK method id, when the caller knows it (`customers.retrieve`). */
  readonly methodId?: string;
  /**
   * The event types the request subscribes to (`enabled_events` of webhook endpoints), as read
   * from what is sent. When absent, `params` is read for them.
   */
  readonly events?: readonly string[];
  /** Parameters (a params object, a parsed JSON body, or a form body), read only for `events`. */
  readonly params?: Readonly<Record<string, unknown>> | string | null;
  /** The API version the request is sent with, when known: expand paths are judged against it. */
  readonly apiVersion?: string;
}

export interface ResolveOptions {
  /** Reads need `X_read` itself; by default `X_write` satisfies a read too, as Stripe documents. */
  readonly strictReads?: boolean;
  /** explain()/check(): the API version the call is sent with (default: the newest recorded). */
  readonly apiVersion?: string;
  /**
   * explain()/check(): your own entries (an object, or the path of a JSON file), as guard() takes
   * them. Typed loosely here to keep this module a leaf; see `Overrides`.
   */
  readonly overrides?: object | string;
}

/** One object type an expand path may lead to, and what covers it. */
export interface ExpandCandidate {
  readonly type: string;
  readonly anyOf: readonly string[];
}

/** The request needs one permission out of `anyOf`. */
export interface Requirement {
  readonly anyOf: readonly string[];
  /** Why: the SDK method id (or `VERB /path`), or `expand <path prefix>`. */
  readonly because: string;
  /** The expand path, as the caller wrote it, that caused this requirement. */
  readonly expand?: string;
  /** For a polymorphic property (BalanceTransaction.source): each type it may hold. */
  readonly candidates?: readonly ExpandCandidate[];
  /** The event types (of `enabled_events`) that need this requirement. */
  readonly events?: readonly string[];
}

/** A requirement the granted permissions do not meet. */
export interface MissingRequirement extends Requirement {
  /** The permission to add: the first of `anyOf` (the read one for reads). */
  readonly permission: string;
}

/** A requirement and the declared permission that meets it. */
export interface SatisfiedRequirement extends Requirement {
  /** The declared permission that satisfied it, directly or by implying it. */
  readonly satisfiedBy: string;
  /** Which alternative of `anyOf` it granted. */
  readonly via: string;
  /** For a polymorphic expand: the candidate types the grant leaves uncovered. */
  readonly uncoveredCandidates?: readonly string[];
}

/**
 * Something the map cannot decide: reported, never turned into a guessed permission.
 * `request`: a part of the request that cannot be read unambiguously (a malformed expand
 * parameter, parameters too large or deep to read).
 */
export interface UnknownItem {
  readonly kind: 'endpoint' | 'expand' | 'object' | 'event' | 'request';
  readonly because: string;
  readonly reason: string;
  readonly expand?: string;
}

export interface Resolution {
  /** Of the endpoint: mapped to permissions, needs `none`, or `unknown` to the map. */
  readonly status: 'mapped' | 'none' | 'unknown';
  readonly methodId?: string;
  /** The matched route template (absent when no route matches: the unknown's `because` is `VERB /path`). */
  readonly route?: { readonly method: string; readonly path: string; readonly host?: string };
  readonly requirements: readonly Requirement[];
  readonly unknowns: readonly UnknownItem[];
  /** The route's reason and source, from mappings/. */
  readonly reason?: string;
  readonly source?: string;
  /** Set when Stripe refuses the request for every app: no permission can allow it. */
  readonly refused?: Refusal;
}

/** A request no manifest can allow (an app reading the account it is installed on). */
export interface Refusal {
  readonly reason: string;
  /** What to use instead. */
  readonly instead: string;
  readonly source: string;
}

/** What a runtime permissions function is told about the request: what is sent. */
export interface PermissionContext {
  /** The connected account the request acts on: its `Stripe-Account` header, when sent. */
  readonly stripeAccount?: string;
  /** The request's `Stripe-Context` header, when sent (`stripeContext` option, `withStripeContext`). */
  readonly stripeContext?: string;
  /** SDK method id when known, else `VERB /path`. */
  readonly method: string;
  readonly httpMethod: string;
  readonly path: string;
}

/**
 * One request as it leaves, read once from whatever carries it (stripe-node's request sender,
 * a fetch Request, explain()'s arguments). Every surface judges this, and only this.
 */
export interface CanonicalRequest {
  /** Upper-case HTTP verb. */
  readonly method: string;
  /** Lower-case host without port or trailing dot; absent when the default API host. */
  readonly host?: string;
  /** The path without query or fragment, as sent. */
  readonly path: string;
  readonly expand: readonly string[];
  /** `enabled_events` values, when the request carries any. */
  readonly events?: readonly string[];
  readonly stripeAccount?: string;
  readonly stripeContext?: string;
  readonly apiVersion?: string;
  readonly methodId?: string;
  /** Parts that make the request refused before it is sent: they name no single endpoint or expand path. */
  readonly invalid: readonly string[];
  /** Parts that cannot be read unambiguously: never silently allowed. */
  readonly unreadable: readonly string[];
}
