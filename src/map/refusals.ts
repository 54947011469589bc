// Requests Stripe refuses for every app, whatever its manifest declares (data in
// mappings/sources/refusals.json). Judged after the route is resolved, since "the account it is
// installed on" depends on the request's own account.
import data from '../../mappings/sources/refusals.json' with { type: 'json' };
import type { CanonicalRequest, Refusal, Resolution } from '../common/types.js';

interface Entry {
  readonly route: string;
  readonly when: 'always' | 'own-account';
  readonly reason: string;
  readonly instead: string;
  readonly source: string;
  /** `high`: Stripe's refusal was observed; `medium`: Stripe's docs imply it, none observed. */
  readonly confidence: 'high' | 'medium';
  /** Why that confidence. */
  readonly note: string;
}

// Read on first use (nothing is decoded at import). tsup may bundle a JSON array as an object
// keyed by index: read it either way.
let byRouteMap: ReadonlyMap<string, Entry> | undefined;
const byRoute = (): ReadonlyMap<string, Entry> =>
  (byRouteMap ??= new Map(Object.values((data as { refusals: Entry[] | Record<string, Entry> }).refusals).map((e) => [e.route, e])));

// The entry of each resolved route (by its route object): one lookup per request, no key built.
const entryOf = new WeakMap<object, Entry | null>();

/** The refusal that applies to a resolved request, if any. */
export function refusalFor(request: CanonicalRequest, resolution: Resolution): Refusal | undefined {
  const route = resolution.route;
  if (!route) return undefined;
  let entry = entryOf.get(route);
  if (entry === undefined) entryOf.set(route, (entry = byRoute().get(`${route.method} ${route.path}`) ?? null));
  if (!entry) return undefined;
  if (entry.when === 'own-account') {
    const own = request.stripeAccount ?? request.stripeContext;
    const id = request.path.slice(request.path.lastIndexOf('/') + 1);
    if (!own || id !== own) return undefined;
  }
  // A refusal Stripe's docs only imply says so wherever its source is cited; an observed one is stated as fact.
  const source = entry.confidence === 'high' ? entry.source : `${entry.source}; confidence ${entry.confidence}: ${entry.note}`;
  return { reason: entry.reason, instead: entry.instead, source };
}

/** The resolution with its refusal, for explain() and the verdict. */
export function withRefusal(request: CanonicalRequest, resolution: Resolution): Resolution {
  const refused = refusalFor(request, resolution);
  return refused ? { ...resolution, refused } : resolution;
}
