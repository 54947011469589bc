// A call site → what it needs, through the runtime's own resolver (explain()/check()): the rule,
// `scan` and the guard cannot disagree about a call, because there is one copy of the rules.
import { check, compileGrant, type CheckResult, type Explanation, type Grant, type MissingRequirement, type RequestVerdict } from '../explain.js';
import { getCatalog } from '../map/catalog.js';
import { missingViolation, prefixed } from '../core/errors.js';
import type { ResolveOptions, UnknownItem } from '../core/resolve.js';
import type { CallSite, DynamicPart } from './analyze.js';

export interface SiteCheck {
  readonly explanation: Explanation;
  /**
   * The one verdict (verdictOf(), through check()) on the literal parts of the call, under the
   * grant (an empty one without a manifest). Undefined when the call names no endpoint in the source.
   */
  readonly verdict?: RequestVerdict;
  /** Unmet requirements (empty without a grant, and for a refused or invalid call). */
  readonly missing: readonly MissingRequirement[];
  /** What the map cannot decide: an unknown method or route, an invalid expand path, an unknown event. */
  readonly unknowns: readonly UnknownItem[];
  /** What the source does not say, limited to what matters for this call. */
  readonly dynamic: readonly DynamicPart[];
  readonly result?: CheckResult;
}

const NO_GRANT: Grant = compileGrant(Object.freeze([]));

/**
 * Resolves a call site; with `granted`, also checks it. Unknowns are taken from the explanation
 * itself, never inferred from `allowed`.
 *
 * @example
 * checkSite(site, compileGrant(['customer_read'])).missing[0]?.permission // 'customer_write'
 */
export function checkSite(site: CallSite, granted?: Grant, options: ResolveOptions = {}): SiteCheck {
  const params = {
    ...(site.expand.length ? { expand: site.expand } : {}),
    ...(site.enabledEvents ? { enabled_events: site.enabledEvents } : {}),
  };
  let result: CheckResult;
  if (site.methodId) result = check(site.methodId, params, granted ?? NO_GRANT, options);
  else if (site.raw) result = check({ method: site.raw.method, path: site.raw.path, body: params }, granted ?? NO_GRANT, options);
  else {
    // A raw request whose verb or path is not a literal: nothing to resolve.
    const explanation: Explanation = { status: 'unknown', requirements: [], unknowns: [], expand: site.expand };
    return { explanation, missing: [], unknowns: [], dynamic: site.dynamic };
  }
  const explanation = result.explanation;
  // enabled_events only matters where the route subscribes to events (webhook endpoints).
  const catalog = getCatalog();
  const route = site.methodId ? catalog.methods.get(site.methodId) : site.raw && catalog.routes.match(site.raw.method, site.raw.path.split('?')[0]!);
  const eventsParam = route?.eventsParam;
  const dynamic = site.dynamic.filter((d) => d !== 'enabled_events' || eventsParam !== undefined);
  const verdict = result.detail;
  return { explanation, verdict, missing: granted && verdict.kind === 'missing' ? verdict.missing : [], unknowns: verdict.unknowns, dynamic, result };
}

/** What a refused call or an invalid one (`kind` refused/invalid) is told: why, and what to do instead. */
export function refusedMessage(site: CallSite, verdict: RequestVerdict): string {
  if (verdict.kind === 'invalid') {
    return prefixed(
      `${site.call} is refused before it is sent: ${(verdict.invalid ?? []).slice(0, 5).join('; ')}. No permission allows it; pass ids and expand paths as Stripe issues them.`,
    );
  }
  const r = verdict.refusal;
  return prefixed(
    `${site.call}: no permission a Stripe App can declare allows this${r ? `: ${r.reason} (${r.source}). Instead: ${r.instead}` : ''}. Change the code; adding a permission does not help.`,
  );
}

/**
 * The runtime rejection's text for one unmet requirement: Stripe's sentence naming the
 * permission, which call or expand path needs it, and the `stripe apps grant permission` fix.
 */
export function missingMessage(check: SiteCheck, missing: MissingRequirement, manifestName: string): string {
  return missingViolation(check.explanation, [missing], undefined, manifestName).message;
}

/** One sentence for every unknown of a call. */
export function unknownMessage(site: CallSite, unknowns: readonly UnknownItem[]): string {
  const parts = unknowns.map((u) => (u.because === site.call || u.because === site.methodId ? u.reason : `${u.because}: ${u.reason}`));
  return (
    prefixed(`Cannot check ${site.call}: ${parts.join('; ')}. The map cannot tell which permission this needs; `) +
    'declare what it needs yourself (the runtime guard reports it as unmapped).'
  );
}

const DYNAMIC_WHAT: Record<DynamicPart, string> = {
  expand: 'its expand paths are not literal',
  enabled_events: 'its enabled_events are not literal',
  path: 'its HTTP method or path is not a literal',
  params: 'its params are spread from elsewhere',
};

/** One sentence for everything of a call the source does not spell out. */
export function dynamicMessage(site: CallSite, dynamic: readonly DynamicPart[]): string {
  return (
    prefixed(`Cannot fully check ${site.call}: ${dynamic.map((d) => DYNAMIC_WHAT[d]).join(', ')}. `) +
    'Write them as literals here, or make sure the guard covers this call in tests.'
  );
}
