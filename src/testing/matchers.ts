// The permission matchers, independent of the runner: vitest.ts and jest.ts register these same
// functions with their `expect.extend`. A failure carries `actual`/`expected`, so the runner
// shows a diff of permission lists rather than only a message.
import { compileGrant, explain, verdictOf, type HttpCall, type MethodParams, type RequestVerdict } from '../explain.js';
import { loadManifest, parseManifest } from '../config/manifest.js';
import { choosePermissions } from '../coverage/least-privilege.js';
import { activeRecorder, setRecorder, type CheckRecord } from '../runtime/record.js';
import type { Requirement, Resolution } from '../core/resolve.js';
import { PERMISSION_ERROR_CODE, GuardOptionsError, RefusedRequestError, UnmappedRequestError } from '../core/errors.js';
import { readPermissionError } from '../permission-error.js';
import { markExpectedRejection } from './test-scope.js';
import { validateNames } from '../runtime/policy.js';
import { compileOverrides, type CompiledOverrides, type Overrides } from '../config/overrides.js';

/** What the matchers accept as a call. A function runs and its guarded Stripe calls are checked. */
export type MatcherCall = string | readonly [methodId: string, params?: MethodParams] | HttpCall | (() => unknown);

/** A manifest path, a parsed manifest, or permission names. */
export type PermissionsInput = string | URL | readonly string[] | Readonly<Record<string, unknown>>;

/** The matchers' signatures, for each runner's `Matchers` interface. */
export interface PermissionMatchers<R = unknown> {
  /**
   * The call needs these permissions: together they allow it, and none of them is superfluous.
   * @example expect(['invoices.retrieve', { expand: ['customer'] }]).toRequirePermissions(['invoice_read', 'customer_read'])
   */
  toRequirePermissions(permissions: readonly string[]): R;
  /**
   * The manifest (path or object) or permission list allows the call; a call unknown to the map fails.
   * @example expect('customers.update').not.toBeAllowedBy(['customer_read'])
   */
  toBeAllowedBy(manifestOrPermissions: PermissionsInput): R;
  /**
   * The rejection is the guard's permission error (from guard() or the msw handlers), lacking
   * exactly these permissions when given. Marks the check as an expected rejection in coverage reports.
   * @example await expect(stripe.customers.update('cus_1', {})).rejects.toBePermissionError(['customer_write'])
   */
  toBePermissionError(missingPermissions?: readonly string[]): R;
}

interface MatcherContext {
  readonly isNot: boolean;
}
interface MatcherResult {
  pass: boolean;
  message: () => string;
  actual?: unknown;
  expected?: unknown;
}

/** What the call sends, resolved: the matchers judge it with verdictOf() under the given permissions. */
type Collected = {
  resolution: Resolution & { readonly invalid?: readonly string[] };
  requirements: readonly Requirement[];
  label: string;
  unknowns: readonly string[];
};

/** What the matchers are configured with, for every test of the process. */
let configured: { readonly overrides?: CompiledOverrides } = {};

/**
 * Your own entries for the matchers, as guard() takes them (`{ permissions?, routes? }` or the
 * path of a JSON file): they beat the map for the calls the matchers judge, and the names they add
 * are accepted in permission lists and manifests.
 *
 * @example
 * configurePermissionMatchers({ overrides: './stripe-permission-overrides.json' });
 */
export function configurePermissionMatchers(options: { readonly overrides?: Overrides | string }): void {
  configured = options.overrides !== undefined ? { overrides: compileOverrides(options.overrides, 'configurePermissionMatchers()') } : {};
}

const extra = (): readonly string[] => configured.overrides?.permissions ?? [];
const explainOptions = () => (configured.overrides ? { overrides: configured.overrides } : {});

function collectStatic(call: Exclude<MatcherCall, () => unknown>): Collected {
  const e =
    typeof call === 'string'
      ? explain(call, undefined, explainOptions())
      : Array.isArray(call)
        ? explain(call[0] as string, call[1] as MethodParams | undefined, explainOptions())
        : explain(call as HttpCall, explainOptions());
  const label =
    typeof call === 'string'
      ? call
      : Array.isArray(call)
        ? `${call[0]}${call[1] ? ` ${JSON.stringify(call[1])}` : ''}`
        : `${(call as HttpCall).method} ${(call as HttpCall).path}`;
  return { resolution: e, requirements: e.requirements, label, unknowns: e.unknowns.map((u) => `${u.because}: ${u.reason}`) };
}

async function collectRun(fn: () => unknown): Promise<Collected> {
  const records: CheckRecord[] = [];
  // Chain to the active recorder, so the calls still count for coverage.
  const outer = activeRecorder();
  const restore = setRecorder((r) => {
    records.push(r);
    outer?.(r);
  });
  try {
    await fn();
  } catch (e) {
    // A guard rejection (a permission error, a request refused before sending, an unmapped one)
    // still recorded the call and its verdict; anything else is the test's own failure.
    const rejection = e instanceof RefusedRequestError || e instanceof UnmappedRequestError || (!!e && typeof e === 'object' && 'missingPermissions' in e);
    if (!rejection) throw e;
  } finally {
    restore();
  }
  if (records.length === 0) throw new GuardOptionsError('The function made no guarded Stripe call: wrap its client with guard() (any mode).');
  const requirements = records.flatMap((r) => [...r.satisfied, ...r.missing].map(({ anyOf, because }) => ({ anyOf, because })));
  const unknowns = records.flatMap((r) => r.unknowns.map((u) => ({ kind: 'endpoint' as const, ...u })));
  // The guard's own verdict on each call: one refused or invalid call makes the function's calls so.
  const refused = records.find((r) => r.verdict === 'refused' || (r.refused !== undefined && r.verdict === undefined));
  const invalid = records.flatMap((r) => (r.verdict === 'invalid' ? (r.invalid?.length ? r.invalid : [r.refused ?? 'refused before sending']) : []));
  return {
    resolution: {
      status: 'mapped',
      requirements,
      unknowns,
      ...(refused ? { refused: { reason: refused.refused ?? 'refused for every app', instead: '', source: refused.method } } : {}),
      ...(invalid.length ? { invalid } : {}),
    },
    requirements,
    label: `function calling ${[...new Set(records.map((r) => r.method))].join(', ')}`,
    unknowns: records.flatMap((r) => r.unknowns.map((u) => `${u.because}: ${u.reason}`)),
  };
}

const collect = (call: MatcherCall): Collected | Promise<Collected> => (typeof call === 'function' ? collectRun(call) : collectStatic(call));
const then = <T, R>(v: T | Promise<T>, f: (v: T) => R): R | Promise<R> => (v instanceof Promise ? v.then(f) : f(v));

function toNames(input: PermissionsInput): readonly string[] {
  if (typeof input === 'string') return loadManifest(input, { extraPermissions: extra() }).names;
  if (Array.isArray(input)) return validateNames(input, 'toBeAllowedBy()', extra());
  return parseManifest(input, { extraPermissions: extra() }).names;
}

const describeReqs = (reqs: readonly Requirement[]) => reqs.map((r) => `    ${r.because}: ${r.anyOf.join(' or ')}`).join('\n') || '    (nothing)';
const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

/** The one verdict on the collected call under these permissions. */
const verdictUnder = (c: Collected, names: readonly string[]): RequestVerdict => verdictOf(c.resolution, compileGrant(Object.freeze([...names])));

/** Why no permission list can pass: the call is refused for every app, or refused before sending. */
function refusal(v: RequestVerdict): string {
  if (v.kind === 'invalid') return `  refused before sending (no permission allows it): ${(v.invalid ?? []).join('; ')}`;
  if (v.kind === 'refused')
    return `  refused for every app (no permission allows it): ${v.refusal?.reason ?? ''}${v.refusal?.instead ? `. Instead: ${v.refusal.instead}` : ''}`;
  return '';
}

function requireResult(ctx: MatcherContext, c: Collected, expected: readonly string[]): MatcherResult {
  const verdict = verdictUnder(c, expected);
  const missing = verdict.missing;
  // Minimal: dropping any one expected permission leaves the call not allowed.
  const superfluous =
    verdict.kind === 'allowed'
      ? expected.filter(
          (p) =>
            verdictUnder(
              c,
              expected.filter((q) => q !== p),
            ).kind === 'allowed',
        )
      : [];
  const pass = verdict.kind === 'allowed' && superfluous.length === 0;
  return {
    pass,
    // The diff: what was given against the smallest list that would pass, preferring the given names.
    expected: sorted(expected),
    // A refused or invalid call is advised no permission: nothing would pass.
    actual:
      verdict.kind === 'refused' || verdict.kind === 'invalid'
        ? []
        : sorted(
            choosePermissions(
              c.requirements.map((r) => r.anyOf),
              expected,
            ),
          ),
    message: () =>
      [
        `expected ${c.label} ${ctx.isNot ? 'not ' : ''}to require exactly [${expected.join(', ')}]`,
        `  required:\n${describeReqs(c.requirements)}`,
        missing.length ? `  not met by them: ${missing.map((m) => `${m.because} (${m.anyOf.join(' or ')})`).join('; ')}` : '',
        superfluous.length ? `  not needed: ${superfluous.join(', ')}` : '',
        refusal(verdict),
        c.unknowns.length ? `  unknown to the map: ${c.unknowns.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  };
}

function allowedResult(ctx: MatcherContext, c: Collected, input: PermissionsInput): MatcherResult {
  const names = toNames(input);
  const verdict = verdictUnder(c, names);
  const needed = verdict.advice;
  return {
    // Only the verdict `allowed` passes: an unknown, refused or invalid call is never "allowed".
    pass: verdict.kind === 'allowed',
    expected: sorted(names),
    actual: sorted([...names, ...needed]),
    message: () =>
      [
        `expected ${c.label} ${ctx.isNot ? 'not ' : ''}to be allowed by [${names.join(', ')}]`,
        `  required:\n${describeReqs(c.requirements)}`,
        needed.length ? `  missing: ${needed.join(', ')}` : verdict.kind === 'allowed' ? '  every requirement is met' : '',
        refusal(verdict),
        c.unknowns.length ? `  unknown to the map, so not known to be allowed: ${c.unknowns.join('; ')}` : '',
      ]
        .filter(Boolean)
        .join('\n'),
  };
}

function permissionErrorResult(ctx: MatcherContext, received: unknown, expected: readonly string[] | undefined): MatcherResult {
  const info = readPermissionError(received);
  const sameMissing = !expected || sorted(expected).join() === sorted(info.missingPermissions).join();
  const pass = info.isPermissionError && sameMissing;
  // Only a passing, positive assertion says "this rejection is meant": `.not` asserts the opposite.
  if (pass && !ctx.isNot) markExpectedRejection(info.missingPermissions, info);
  const what = expected ? ` lacking [${expected.join(', ')}]` : '';
  return {
    pass,
    expected: { code: PERMISSION_ERROR_CODE, ...(expected ? { missingPermissions: sorted(expected) } : {}) },
    actual: { code: info.code, ...(expected ? { missingPermissions: sorted(info.missingPermissions) } : {}) },
    message: () =>
      info.isPermissionError
        ? `expected the rejection ${ctx.isNot ? 'not ' : ''}to be the guard's permission error${what}; it lacks [${info.missingPermissions.join(', ')}]`
        : // Not its message: an arbitrary error's message may quote a key or a request value.
          `expected the rejection to be the guard's permission error${what} (StripePermissionError, code ${PERMISSION_ERROR_CODE}), got ${info.kind}${info.code === undefined ? '' : ` with code ${JSON.stringify(info.code)}`}`,
  };
}

/** The matchers, for `expect.extend(permissionMatchers)`; the setup files register them for you. */
export const permissionMatchers = {
  toRequirePermissions(this: MatcherContext, received: MatcherCall, expected: readonly string[]) {
    validateNames(expected, 'toRequirePermissions()', extra());
    return then(collect(received), (c) => requireResult(this, c, expected));
  },
  toBeAllowedBy(this: MatcherContext, received: MatcherCall, input: PermissionsInput) {
    return then(collect(received), (c) => allowedResult(this, c, input));
  },
  toBePermissionError(this: MatcherContext, received: unknown, expected?: readonly string[]) {
    if (expected !== undefined) validateNames(expected, 'toBePermissionError()', extra());
    return permissionErrorResult(this, received, expected);
  },
};
