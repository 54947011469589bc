// Recording of guarded checks, for permission coverage. Off unless a recorder is set;
// then each check costs one object. The recorder lives on globalThis so that every
// copy of this package in a process (ESM and CommonJS builds, a test's src import)
// reports to the same place.
import type { Grant, MissingRequirement, SatisfiedRequirement } from './explain.js';
import type { Resolution } from './resolve.js';

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
  /** Set when Stripe refuses the request for every app (no permission allows it): why. */
  readonly refused?: string;
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

export function toRecord(
  resolution: Resolution,
  grant: Grant,
  satisfied: readonly SatisfiedRequirement[],
  missing: readonly MissingRequirement[],
  outcome: CheckRecord['outcome'],
  stripeAccount: string | undefined,
): CheckRecord {
  const route = resolution.route;
  // An unknown route has no template: its unknown names it `VERB /path`, one coverage entry per route.
  const label = route ? `${route.method} ${route.path}` : (resolution.unknowns[0]?.because ?? 'unknown request');
  const space = label.indexOf(' ');
  return {
    method: resolution.methodId ?? label,
    httpMethod: route?.method ?? (space > 0 ? label.slice(0, space) : ''),
    path: route?.path ?? (space > 0 ? label.slice(space + 1) : ''),
    status: resolution.status,
    ...(resolution.refused ? { refused: resolution.refused.reason } : {}),
    ...(stripeAccount ? { stripeAccount } : {}),
    declared: grant.declared,
    satisfied: satisfied.map(({ anyOf, because, expand, satisfiedBy, via }) => ({ anyOf, because, ...(expand ? { expand } : {}), satisfiedBy, via })),
    missing: missing.map(({ anyOf, because, expand, permission }) => ({ anyOf, because, ...(expand ? { expand } : {}), permission })),
    unknowns: resolution.unknowns.map(({ because, reason }) => ({ because, reason })),
    outcome,
  };
}
