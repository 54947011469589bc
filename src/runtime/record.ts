// Recording of guarded checks, for permission coverage. Off unless a recorder is set;
// then each check costs one object. The recorder lives on globalThis so that every
// copy of this package in a process (ESM and CommonJS builds, a test's src import)
// reports to the same place.
import type { Grant } from '../core/grant.js';
import type { MissingRequirement, SatisfiedRequirement } from '../common/types.js';
import type { Resolution } from '../core/resolve.js';
import { verdictOf, type RequestVerdict, type VerdictKind } from '../core/verdict.js';

/** One guarded check, as recorded for coverage reports. */
export interface CheckRecord {
  /** SDK method id, or `VERB /path/template`. */
  readonly method: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly status: Resolution['status'];
  readonly stripeAccount?: string;
  /** The permissions granted to the check (the manifest's, or what the permissions function returned). */
  readonly declared: readonly string[];
  readonly satisfied: readonly Pick<SatisfiedRequirement, 'anyOf' | 'because' | 'expand' | 'satisfiedBy' | 'via'>[];
  readonly missing: readonly Pick<MissingRequirement, 'anyOf' | 'because' | 'expand' | 'permission'>[];
  readonly unknowns: readonly { readonly because: string; readonly reason: string }[];
  /**
   * The one verdict (verdictOf()) on the request: reports and matchers read it rather than
   * rebuilding one from requirements. Absent in records of older versions.
   */
  readonly verdict?: VerdictKind;
  /** Set when Stripe refuses the request for every app (no permission allows it), or it is refused before sending: why. */
  readonly refused?: string;
  /** Set when the request is refused before sending (verdict `invalid`): the parts that name no single endpoint or expand path. */
  readonly invalid?: readonly string[];
  /** What the guard did: sent it, rejected it, or sent it with a warning. */
  readonly outcome: 'allowed' | 'rejected' | 'warned';
  /**
   * A rejection the test asserted (`rejects.toBePermissionError()`): the app is meant to lack
   * the permission, so reports list it apart and neither fail on it nor suggest adding it.
   */
  readonly expected?: boolean;
}

export type Recorder = (record: CheckRecord) => void;

const KEY = Symbol.for('stripe-permission-guard.recorder');
/** One box per process, found once on globalThis: every request reads a plain property of it. */
const box: { current: Recorder | undefined } = ((globalThis as { [KEY]?: { current: Recorder | undefined } })[KEY] ??= { current: undefined });

/**
 * Sends every guarded check in this process to `recorder` (the vitest setup does this for you).
 * Returns a function that restores the previous recorder.
 *
 * @example
 * const records = [];
 * const stop = setRecorder((r) => records.push(r));
 */
export function setRecorder(recorder: Recorder | undefined): () => void {
  const previous = box.current;
  box.current = recorder;
  return () => {
    box.current = previous;
  };
}

/** The active recorder, if any. */
export function activeRecorder(): Recorder | undefined {
  return box.current;
}

/**
 * One check as a record. Pass the verdict the caller acted on (`verdictOf(…)`, with the request's
 * invalid parts); without it the record carries the verdict on `resolution` and `grant`.
 *
 * @example
 * recorder(toRecord(resolution, grant, v.satisfied, v.missing, 'rejected', account, v))
 */
export function toRecord(
  resolution: Resolution,
  grant: Grant,
  satisfied: readonly SatisfiedRequirement[],
  missing: readonly MissingRequirement[],
  outcome: CheckRecord['outcome'],
  stripeAccount: string | undefined,
  given?: RequestVerdict,
): CheckRecord {
  const verdict = given ?? fallbackVerdict(resolution, grant, outcome, missing);
  const route = resolution.route;
  // An unknown route has no template: its unknown names it `VERB /path`, one coverage entry per route.
  const label = route ? `${route.method} ${route.path}` : (resolution.unknowns[0]?.because ?? 'unknown request');
  const space = label.indexOf(' ');
  const invalid = verdict.kind === 'invalid' ? (verdict.invalid ?? []) : undefined;
  // A refused or invalid request is advised no permission: its record lists no requirement.
  const advised = verdict.kind !== 'refused' && verdict.kind !== 'invalid';
  return {
    method: resolution.methodId ?? label,
    httpMethod: route?.method ?? (space > 0 ? label.slice(0, space) : ''),
    path: route?.path ?? (space > 0 ? label.slice(space + 1) : ''),
    status: resolution.status,
    verdict: verdict.kind,
    ...(verdict.kind === 'refused' && verdict.refusal ? { refused: verdict.refusal.reason } : {}),
    ...(invalid ? { invalid, refused: `refused before sending: ${invalid.join('; ')}` } : {}),
    ...(stripeAccount ? { stripeAccount } : {}),
    declared: grant.declared,
    satisfied: advised
      ? satisfied.map(({ anyOf, because, expand, satisfiedBy, via }) => ({ anyOf, because, ...(expand ? { expand } : {}), satisfiedBy, via }))
      : [],
    missing: advised ? missing.map(({ anyOf, because, expand, permission }) => ({ anyOf, because, ...(expand ? { expand } : {}), permission })) : [],
    unknowns: resolution.unknowns.map(({ because, reason }) => ({ because, reason })),
    outcome,
  };
}

/**
 * The verdict when the caller did not pass the one it acted on. The resolution does not carry the
 * request's invalid parts, but the caller passes the verdict's own `missing`: a check it did not
 * allow, with nothing missing, whose resolution alone would be allowed or missing a permission, was
 * refused before sending (the only verdict the resolution cannot show).
 */
function fallbackVerdict(resolution: Resolution, grant: Grant, outcome: CheckRecord['outcome'], missing: readonly MissingRequirement[]): RequestVerdict {
  const v = verdictOf(resolution, grant);
  if (outcome === 'allowed' || missing.length || (v.kind !== 'allowed' && v.kind !== 'missing')) return v;
  return { ...v, kind: 'invalid', missing: [], satisfied: [], advice: [], invalid: ['refused before sending'] };
}
