// PURE: what subscribing to event types needs (webhook endpoints' `enabled_events`), from
// the event permissions table in the catalog. resolve.ts calls it for routes with `eventsParam`.
import type { Catalog } from '../map/catalog.js';
import type { Requirement, RequestShape, UnknownItem } from '../common/types.js';
import { canonicalRequest } from './request.js';

export interface EventRequirements {
  readonly requirements: readonly Requirement[];
  readonly unknowns: readonly UnknownItem[];
}

/**
 * The requirements of the event types in a request's `name` parameter: one per distinct
 * permission set, plus an unknown for each type the table cannot decide.
 *
 * @example
 * eventRequirements({ enabled_events: ['charge.succeeded'] }, 'enabled_events', getCatalog()).requirements
 * // [{ anyOf: ['charge_read'], because: 'event charge.succeeded', events: ['charge.succeeded'] }]
 */
export function eventRequirements(params: RequestShape['params'] | readonly string[], name: string, catalog: Catalog, strictReads = false): EventRequirements {
  return resolveEvents(eventsFrom(params, name), catalog, strictReads);
}

/**
 * The permissions that let an app receive an event: the table's (read) permissions and, unless
 * `strictReads`, the `_write` of the same families — Stripe documents that write includes read,
 * as it does for API reads.
 */
export function eventAnyOf(listed: readonly string[], catalog: Catalog, strictReads = false): readonly string[] {
  if (strictReads) return listed;
  const writes = listed.flatMap((p) => {
    const info = catalog.permissions.get(p);
    const write = info?.access === 'read' ? catalog.families.get(info.family)?.write : undefined;
    return write ? [write] : [];
  });
  return [...new Set([...listed, ...writes])];
}

/** The event types: as the request model read them, or read by it from params or a form body. */
function eventsFrom(params: RequestShape['params'] | readonly string[], name: string): readonly string[] {
  if (!params) return [];
  if (Array.isArray(params)) return params as readonly string[];
  if (name !== 'enabled_events') return [];
  const read =
    typeof params === 'string' ? canonicalRequest({ method: 'POST', path: '/', body: params }) : canonicalRequest({ method: 'POST', path: '/', params });
  return read.events ?? [];
}

/**
 * One requirement per distinct permission set, naming the event types that need it, so
 * `'*'` (every type of the table) reads as a few dozen lines, not 162. A type the table does
 * not know, or for which it lists no permission, is an unknown: neither guessed nor waved through.
 * Under `'*'`, types that list no permission add nothing (there is nothing to require).
 */
/** What one event type needs: the one rule both the guard and checkEvents() apply. */
export type EventRule =
  | { readonly status: 'known'; readonly anyOf: readonly string[] }
  | { readonly status: 'none' | 'unknown'; readonly anyOf: readonly string[]; readonly reason: string };

/**
 * The rule for one event type: any one of `anyOf` lets an app receive it (the table's permissions,
 * the one whose resource names the event first, plus the `_write` of the same families unless
 * `strictReads`); `none` when the table lists no permission for it, `unknown` when it is not listed.
 */
export function eventRule(type: string, catalog: Catalog, strictReads = false): EventRule {
  const listed = catalog.events.get(type);
  if (listed === undefined) return { status: 'unknown', anyOf: [], reason: `"${type}" is not in the event permissions table` };
  if (listed.length === 0) return { status: 'none', anyOf: [], reason: 'the event permissions table lists no permission for it' };
  return { status: 'known', anyOf: eventAnyOf(ownFirst([type], listed, catalog), catalog, strictReads) };
}

function resolveEvents(types: readonly string[], catalog: Catalog, strictReads: boolean): EventRequirements {
  const wildcard = types.includes('*');
  const all = wildcard ? [...catalog.events.keys()].sort() : [];
  const listed = [...new Set(types.flatMap((t) => (t === '*' ? all : [t])))];
  const bySet = new Map<string, { anyOf: readonly string[]; events: string[] }>();
  const unknowns: UnknownItem[] = [];
  for (const type of listed) {
    const rule = eventRule(type, catalog, strictReads);
    if (rule.status !== 'known') {
      // Neither guessed nor waved through, under '*' too: nothing says what receiving it needs.
      unknowns.push({ kind: 'event', because: `event ${type}`, reason: rule.reason });
      continue;
    }
    // Grouped by the set (order aside): '*' reads as a few dozen lines, not 162.
    const key = [...rule.anyOf].sort().join(',');
    const group = bySet.get(key) ?? { anyOf: rule.anyOf, events: [] };
    group.events.push(type);
    bySet.set(key, group);
  }
  const requirements = [...bySet.values()].map(({ anyOf, events }) => ({
    anyOf: events.length > 1 ? ownFirst(events, anyOf, catalog) : anyOf,
    because: eventsBecause(events, wildcard),
    events,
  }));
  return { requirements, unknowns };
}

/**
 * The missing permission a rejection suggests is `anyOf[0]`: put first the one whose resource
 * names most of the events (`invoice.paid` → invoice_read, not the alphabetical credit_note_read).
 */
function ownFirst(events: readonly string[], anyOf: readonly string[], catalog: Catalog): readonly string[] {
  const family = (p: string) => (catalog.permissions.get(p)?.family ?? '').replace(/_/g, '');
  const names = (type: string) =>
    new Set(
      type
        .split('.')
        .slice(0, -1)
        .map((s) => s.replace(/_/g, '')),
    );
  let own: string | undefined;
  let best = 0;
  for (const p of anyOf) {
    const n = events.filter((e) => names(e).has(family(p))).length;
    if (n > best) [own, best] = [p, n];
  }
  return own ? [own, ...anyOf.filter((p) => p !== own)] : anyOf;
}

function eventsBecause(events: readonly string[], wildcard: boolean): string {
  const shown = events.length > 3 ? `${events.slice(0, 2).join(', ')} and ${events.length - 2} more` : events.join(', ');
  if (wildcard) return `event * (${shown})`;
  return `${events.length > 1 ? 'events' : 'event'} ${shown}`;
}
