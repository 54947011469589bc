// vitest matchers: what a call requires, and whether a manifest allows it.
//   expect('customers.create').toRequirePermissions(['customer_write'])
//   await expect(() => app.tagCustomer('cus_1')).toBeAllowedBy('./stripe-app.json')
import { expect } from 'vitest';
import { compileGrant, evaluate, explain, type HttpCall, type MethodParams } from '../explain.js';
import { loadManifest, parseManifest } from '../manifest.js';
import { activeRecorder, setRecorder, type CheckRecord } from '../record.js';
import type { Requirement } from '../resolve.js';

/** What the matchers accept as a call. A function runs and its guarded Stripe calls are checked. */
export type MatcherCall =
  | string
  | readonly [methodId: string, params?: MethodParams]
  | HttpCall
  | (() => unknown);

/** A manifest path, a parsed manifest, or permission names. */
export type PermissionsInput = string | readonly string[] | Readonly<Record<string, unknown>>;

interface PermissionMatchers<R = unknown> {
  /**
   * The call needs these permissions: together they allow it, and none of them is superfluous.
   * @example expect(['invoices.retrieve', { expand: ['customer'] }]).toRequirePermissions(['invoice_read', 'customer_read'])
   */
  toRequirePermissions(permissions: readonly string[]): R;
  /**
   * The manifest (path or object) or permission list allows the call.
   * @example expect('customers.update').not.toBeAllowedBy(['customer_read'])
   */
  toBeAllowedBy(manifestOrPermissions: PermissionsInput): R;
}

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface Matchers<T = any> extends PermissionMatchers<T> {}
}

type Collected = { requirements: readonly Requirement[]; label: string; unknowns: readonly string[] };

function collectStatic(call: Exclude<MatcherCall, () => unknown>): Collected {
  const e = typeof call === 'string'
    ? explain(call)
    : Array.isArray(call)
      ? explain(call[0] as string, call[1] as MethodParams | undefined)
      : explain(call as HttpCall);
  const label = typeof call === 'string' ? call : Array.isArray(call) ? `${call[0]}${call[1] ? ` ${JSON.stringify(call[1])}` : ''}` : `${(call as HttpCall).method} ${(call as HttpCall).path}`;
  return { requirements: e.requirements, label, unknowns: e.unknowns.map((u) => `${u.because}: ${u.reason}`) };
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
    // A guard rejection still recorded what the call needed; anything else is the test's own failure.
    if (!(e && typeof e === 'object' && 'missingPermissions' in e)) throw e;
  } finally {
    restore();
  }
  if (records.length === 0) throw new TypeError('[stripe-permission-guard] The function made no guarded Stripe call: wrap its client with guard() (any mode).');
  const requirements = records.flatMap((r) => [...r.satisfied, ...r.missing].map(({ anyOf, because }) => ({ anyOf, because })));
  return { requirements, label: `function calling ${[...new Set(records.map((r) => r.method))].join(', ')}`, unknowns: records.flatMap((r) => r.unknowns.map((u) => `${u.because}: ${u.reason}`)) };
}

function collect(call: MatcherCall): Collected | Promise<Collected> {
  return typeof call === 'function' ? collectRun(call) : collectStatic(call);
}

function toNames(input: PermissionsInput): readonly string[] {
  if (typeof input === 'string') return loadManifest(input).names;
  if (Array.isArray(input)) return input as readonly string[];
  return parseManifest(input).names;
}

const describeReqs = (reqs: readonly Requirement[]) =>
  reqs.map((r) => `    ${r.because}: ${r.anyOf.join(' or ')}`).join('\n') || '    (nothing)';

function requireResult(this: { isNot: boolean }, c: Collected, expected: readonly string[]) {
  const grant = compileGrant(Object.freeze([...expected]));
  const resolution = { status: 'mapped' as const, requirements: c.requirements, unknowns: [] };
  const { missing } = evaluate(resolution, grant);
  // Minimal: dropping any one expected permission leaves something unmet.
  const superfluous = expected.filter((p) => {
    const without = compileGrant(Object.freeze(expected.filter((q) => q !== p)));
    return evaluate(resolution, without).missing.length === 0;
  });
  const pass = missing.length === 0 && superfluous.length === 0 && c.unknowns.length === 0;
  return {
    pass,
    message: () =>
      [
        `expected ${c.label} ${this.isNot ? 'not ' : ''}to require exactly [${expected.join(', ')}]`,
        `  required:\n${describeReqs(c.requirements)}`,
        missing.length ? `  not met by them: ${missing.map((m) => `${m.because} (${m.anyOf.join(' or ')})`).join('; ')}` : '',
        superfluous.length ? `  not needed: ${superfluous.join(', ')}` : '',
        c.unknowns.length ? `  unknown to the map: ${c.unknowns.join('; ')}` : '',
      ].filter(Boolean).join('\n'),
  };
}

function allowedResult(this: { isNot: boolean }, c: Collected, input: PermissionsInput) {
  const names = toNames(input);
  const { missing } = evaluate({ status: 'mapped', requirements: c.requirements, unknowns: [] }, compileGrant(Object.freeze([...names])));
  return {
    pass: missing.length === 0,
    message: () =>
      [
        `expected ${c.label} ${this.isNot ? 'not ' : ''}to be allowed by [${names.join(', ')}]`,
        `  required:\n${describeReqs(c.requirements)}`,
        missing.length ? `  missing: ${[...new Set(missing.map((m) => m.permission))].join(', ')}` : '  every requirement is met',
      ].join('\n'),
  };
}

/** The matchers, for `expect.extend(permissionMatchers)`; the setup file registers them for you. */
export const permissionMatchers = {
  toRequirePermissions(this: { isNot: boolean }, received: MatcherCall, expected: readonly string[]) {
    const c = collect(received);
    return c instanceof Promise ? c.then((v) => requireResult.call(this, v, expected)) : requireResult.call(this, c, expected);
  },
  toBeAllowedBy(this: { isNot: boolean }, received: MatcherCall, input: PermissionsInput) {
    const c = collect(received);
    return c instanceof Promise ? c.then((v) => allowedResult.call(this, v, input)) : allowedResult.call(this, c, input);
  },
};

/**
 * Registers the matchers on vitest's `expect`.
 *
 * @example
 * import { installPermissionMatchers } from 'stripe-permission-guard/vitest';
 * installPermissionMatchers();
 */
export function installPermissionMatchers(): void {
  expect.extend(permissionMatchers);
}

