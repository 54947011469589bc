// Event permissions: which permission lets an app subscribe to an event type, from the
// Stripe Apps event permissions table (mappings/sources/event-permissions.tsv). An app may
// subscribe to an event when it holds at least one of the permissions the table lists.
import { getCatalog } from './map/catalog.js';
import { compileGrant } from './explain.js';
import { eventRule } from './core/event-requirements.js';

/** One event type, checked against a set of granted permissions. */
export interface EventCheck {
  readonly type: string;
  /** covered: a granted permission covers it; missing: none does; unknown: not in the table; none: the table lists no permission for it */
  readonly status: 'covered' | 'missing' | 'unknown' | 'none';
  /** The permissions that would cover it (any one), from the event table. */
  readonly anyOf: readonly string[];
  /** The granted permission that covers it (directly or by implication), when covered. */
  readonly satisfiedBy?: string;
}

/** The wildcard Stripe accepts in a webhook endpoint's `enabled_events`. */
const ALL_EVENTS = '*';

/**
 * Checks event types against granted permissions. Implications count: a granted permission
 * that implies one of an event's permissions covers it, and `satisfiedBy` names the granted one.
 *
 * `'*'` is expanded in place to every event type of the table (sorted), each reported on its
 * own, so you see exactly which events a wildcard subscription would need; a type listed twice
 * (or also covered by `'*'`) is reported once.
 *
 * @example
 * checkEvents(['charge.succeeded', 'customer.created'], ['charge_read'])
 * // [{ type: 'charge.succeeded', status: 'covered', anyOf: ['charge_read'], satisfiedBy: 'charge_read' },
 * //  { type: 'customer.created', status: 'missing', anyOf: ['customer_read'] }]
 */
export function checkEvents(types: readonly string[], permissions: readonly string[], options: { readonly strictReads?: boolean } = {}): EventCheck[] {
  const catalog = getCatalog();
  const grant = compileGrant(permissions);
  const out: EventCheck[] = [];
  const seen = new Set<string>();
  for (const type of expandTypes(types)) {
    if (seen.has(type)) continue;
    seen.add(type);
    // The guard's rule for enabled_events: the same anyOf, the same order.
    const rule = eventRule(type, catalog, options.strictReads);
    if (rule.status !== 'known') {
      out.push({ type, status: rule.status, anyOf: [] });
      continue;
    }
    const anyOf = rule.anyOf;
    const via = anyOf.find((p) => grant.by.has(p));
    out.push(via === undefined ? { type, status: 'missing', anyOf } : { type, status: 'covered', anyOf, satisfiedBy: grant.by.get(via)! });
  }
  return out;
}

/**
 * The permissions that let an app subscribe to an event type (any one of them), or
 * `undefined` for a type the table does not list. An empty list: the table names none.
 *
 * @example
 * eventPermissions('charge.succeeded') // ['charge_read']
 * eventPermissions('charge.nope') // undefined
 */
export function eventPermissions(type: string): readonly string[] | undefined {
  return getCatalog().events.get(type);
}

/**
 * Every event type of the event permissions table, sorted.
 *
 * @example
 * listEventTypes().includes('invoice.paid') // true
 */
export function listEventTypes(): string[] {
  return [...getCatalog().events.keys()].sort();
}

function* expandTypes(types: readonly string[]): Iterable<string> {
  for (const type of types) {
    if (type === ALL_EVENTS) yield* listEventTypes();
    else yield type;
  }
}
