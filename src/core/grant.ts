// Compiling granted names (with what they imply) and evaluating requirements against them.
import { getCatalog, type Catalog } from '../map/catalog.js';
import type { MissingRequirement, Resolution, SatisfiedRequirement } from '../common/types.js';

/**
 * A compiled set of granted permissions: each grantable name → the declared name that grants it.
 * Build it once per manifest; checks then cost one map lookup per alternative.
 */
export interface Grant {
  readonly declared: readonly string[];
  readonly by: ReadonlyMap<string, string>;
}

const grantCache = new WeakMap<readonly string[], Grant>();

/**
 * Compiles declared permissions with everything they imply.
 *
 * @example
 * compileGrant(['customer_read']).by.get('billing_clock_read') // 'customer_read'
 */
export function compileGrant(declared: readonly string[], catalog: Catalog = getCatalog()): Grant {
  const cached = grantCache.get(declared);
  if (cached) return cached;
  const by = new Map<string, string>();
  for (const name of declared) by.set(name, name);
  for (const name of declared) {
    for (const implied of catalog.permissions.get(name)?.impliesClosure ?? []) if (!by.has(implied)) by.set(implied, name);
  }
  const grant = Object.freeze({ declared: Object.freeze([...declared]), by });
  if (Object.isFrozen(declared)) grantCache.set(declared, grant);
  return grant;
}

export interface Evaluation {
  readonly missing: readonly MissingRequirement[];
  readonly satisfied: readonly SatisfiedRequirement[];
}

// Resolutions from resolveRequest's cache are frozen and shared, and grants are compiled once
// per permission set: their evaluation is cached too, so a repeated call costs two lookups.
// A WeakMap replaced when full rather than one that lives forever: a WeakMap's table keeps the
// size it grew to, and hostile requests make many distinct resolutions.
const EVALUATION_LIMIT = 2_000;
let evaluations = new WeakMap<Resolution, WeakMap<Grant, Evaluation>>();
let evaluated = 0;

/**
 * Splits a resolution's requirements into met and missing ones under a grant.
 *
 * @example
 * evaluate(resolveRequest({ method: 'POST', path: '/v1/customers' }), compileGrant(['customer_read'])).missing[0].permission
 * // 'customer_write'
 */
export function evaluate(resolution: Resolution, grant: Grant): Evaluation {
  const cacheable = Object.isFrozen(resolution);
  let byGrant = cacheable ? evaluations.get(resolution) : undefined;
  const hit = byGrant?.get(grant);
  if (hit) return hit;
  const missing: MissingRequirement[] = [];
  const satisfied: SatisfiedRequirement[] = [];
  for (const req of resolution.requirements) {
    const via = req.anyOf.find((p) => grant.by.has(p));
    if (via === undefined) {
      missing.push({ ...req, permission: req.anyOf[0] ?? '' });
      continue;
    }
    const uncovered = req.candidates?.filter((c) => !c.anyOf.some((p) => grant.by.has(p))).map((c) => c.type);
    satisfied.push({ ...req, satisfiedBy: grant.by.get(via)!, via, ...(uncovered?.length ? { uncoveredCandidates: uncovered } : {}) });
  }
  const result: Evaluation = Object.freeze({ missing: Object.freeze(missing), satisfied: Object.freeze(satisfied) });
  if (cacheable) {
    if (!byGrant) {
      if (++evaluated > EVALUATION_LIMIT) {
        evaluations = new WeakMap();
        evaluated = 1;
      }
      evaluations.set(resolution, (byGrant = new WeakMap()));
    }
    byGrant.set(grant, result);
  }
  return result;
}
