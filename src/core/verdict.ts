// The one verdict every surface reports: guard(), the msw handlers, check()/explain(), the
// matchers, the coverage recorder, the ESLint rule, `scan` and `suggest`. None of them decides
// from requirements on its own: they ask verdictOf() and report its kind.
import { evaluate, type Grant } from './grant.js';
import type { MissingRequirement, Refusal, Resolution, SatisfiedRequirement, UnknownItem } from '../common/types.js';

/**
 * - `allowed`: every requirement is met and nothing is unknown.
 * - `missing`: the grant lacks permissions that would allow it (`advice` names them).
 * - `refused`: Stripe refuses it for every app; no permission helps (`refusal` says what instead).
 * - `invalid`: it names no single endpoint or expand path (`invalid` says which part).
 * - `unknown`: the map cannot decide it, or a part of it cannot be read (`unknowns` say why).
 */
export type VerdictKind = 'allowed' | 'missing' | 'refused' | 'invalid' | 'unknown';

export interface RequestVerdict {
  readonly kind: VerdictKind;
  /** Requirements the grant does not meet (empty unless `missing`; also listed beside unknowns). */
  readonly missing: readonly MissingRequirement[];
  readonly satisfied: readonly SatisfiedRequirement[];
  /** What the map cannot decide; may accompany `missing`. */
  readonly unknowns: readonly UnknownItem[];
  /** The permissions that would help: one per missing requirement. Empty for every other kind. */
  readonly advice: readonly string[];
  readonly refusal?: Refusal;
  readonly invalid?: readonly string[];
}

const NONE: readonly never[] = Object.freeze([]);

/**
 * The verdict on a resolved request under a grant. Order: invalid, refused, missing, unknown,
 * allowed — a request refused or invalid is never advised a permission.
 *
 * @example
 * verdictOf(explain('customers.create'), compileGrant(['customer_read'])).advice // ['customer_write']
 */
export function verdictOf(resolution: Resolution & { readonly invalid?: readonly string[] }, grant: Grant): RequestVerdict {
  if (resolution.invalid?.length) {
    return { kind: 'invalid', missing: NONE, satisfied: NONE, unknowns: resolution.unknowns, advice: NONE, invalid: resolution.invalid };
  }
  if (resolution.refused) {
    return { kind: 'refused', missing: NONE, satisfied: NONE, unknowns: resolution.unknowns, advice: NONE, refusal: resolution.refused };
  }
  const { missing, satisfied } = evaluate(resolution, grant);
  const unknowns = resolution.unknowns;
  if (missing.length) return { kind: 'missing', missing, satisfied, unknowns, advice: [...new Set(missing.map((m) => m.permission))] };
  return { kind: unknowns.length ? 'unknown' : 'allowed', missing: NONE, satisfied, unknowns, advice: NONE };
}
