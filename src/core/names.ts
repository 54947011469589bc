// The one check of a permission name, whatever declared it: a manifest entry, a `permissions` list
// given to guard() or the msw handlers, a permissions function's result, the matchers, the ESLint
// rule. PURE: it reads the catalog and mappings/sources/misnamed-permissions.json, never a file.
// Every caller prefixes its own location ("permissions[2]", "stripe-app.json: permissions[2].permission")
// and reports the message as it is, so the same name gets the same words everywhere.
import misnamedJson from '../../mappings/sources/misnamed-permissions.json' with { type: 'json' };
import { getCatalog } from '../map/catalog.js';
import { nearest } from '../common/nearest.js';

/** Why a name is not a permission. */
export type NameProblemCode =
  /** Not a string, empty, or not shaped like a name at all. */
  | 'name_invalid'
  /** `"coupon_read, coupon_write"`: one entry holds several names. */
  | 'several_names'
  /** A known wrong name (`webhook_endpoint_write`): `suggestion` is the intended one, if any. */
  | 'misnamed_permission'
  /** An event type (`charge.succeeded`) declared as a permission. */
  | 'event_type'
  /** Any other name; `suggestion` is the nearest known name, if one is close. */
  | 'unknown_permission';

/** The verdict on one name: `ok`, or the problem with one message and, where there is one, the name meant. */
export type NameCheck = { readonly ok: true } | { readonly ok: false; readonly code: NameProblemCode; readonly message: string; readonly suggestion?: string };

interface Misnamed {
  readonly name: string;
  readonly intended: string | null;
  readonly reason: string;
}
// Object.values: the bundler turns a JSON array into an object keyed by index.
let misnamedMap: ReadonlyMap<string, Misnamed> | undefined;
const misnamedNames = (): ReadonlyMap<string, Misnamed> =>
  (misnamedMap ??= new Map(Object.values(misnamedJson as readonly Misnamed[]).map((m) => [m.name, m])));

const NAME = /^[a-z][a-z0-9_]*$/;
const MAX_GUESS_LENGTH = 80;
// A key-looking value is never echoed whole (a secret pasted into the wrong field).
const SECRET = /\b((?:sk|rk|pk)_(?:live|test)|whsec|rak)_[A-Za-z0-9_]+/g;
const UPLOAD = 'Stripe rejects unknown names at upload';

function quote(s: string, max = 60): string {
  const safe = s.replace(SECRET, '$1_…');
  return JSON.stringify(safe.length > max ? `${safe.slice(0, max)}…` : safe);
}

/** `Customer_Read`, ` customer-read ` → `customer_read`: the forms a person means as the same name. */
const normalise = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * Checks one permission name against the catalog (every edition of Stripe's permissions
 * reference) and `extra`, the names a user's `overrides.permissions` adds.
 *
 * - a known name (or one of `extra`): `{ ok: true }`;
 * - a known wrong name (`webhook_endpoint_write`, `apply_pay_domain_read`): the intended one;
 * - a near miss by case, `-`/`_`, surrounding whitespace or a typo: "did you mean";
 * - anything else: unknown, with how to add a name Stripe introduced after this catalog.
 *
 * The message starts with the quoted name; callers put their location in front of it.
 *
 * @example
 * checkPermissionName('customer_read') // { ok: true }
 * checkPermissionName('Customer-Read ')
 * // { ok: false, code: 'unknown_permission', suggestion: 'customer_read',
 * //   message: '"Customer-Read " is not a Stripe Apps permission (did you mean "customer_read"?); Stripe rejects unknown names at upload' }
 * checkPermissionName('webhook_endpoint_write').suggestion // 'webhook_write'
 * checkPermissionName('climate_order_read', ['climate_order_read']) // { ok: true }
 */
export function checkPermissionName(name: string, extra: Iterable<string> = []): NameCheck {
  if (typeof name !== 'string' || name.trim() === '') {
    return { ok: false, code: 'name_invalid', message: `${typeof name === 'string' ? quote(name) : `a ${typeof name}`} is not a permission name` };
  }
  const catalog = getCatalog();
  const extras = extra instanceof Set ? (extra as ReadonlySet<string>) : new Set(extra);
  if (catalog.permissions.has(name) || extras.has(name)) return { ok: true };
  const quoted = quote(name);
  if (name.includes(',')) {
    const parts = name
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    return {
      ok: false,
      code: 'several_names',
      message: `${quoted} names several permissions; Stripe rejects this at upload. Use one entry each: ${parts.map((p) => quote(p)).join(', ')}`,
    };
  }
  const plain = normalise(name);
  const misnamed = misnamedNames().get(name) ?? misnamedNames().get(plain);
  if (misnamed) {
    const fix = misnamed.intended ? `Declare "${misnamed.intended}" instead` : 'Remove the entry';
    return {
      ok: false,
      code: 'misnamed_permission',
      message: `${quoted} is not a Stripe Apps permission: ${misnamed.reason}. ${fix}`,
      ...(misnamed.intended ? { suggestion: misnamed.intended } : {}),
    };
  }
  const event = catalog.events.get(name);
  if (event) {
    return {
      ok: false,
      code: 'event_type',
      message: `${quoted} is an event type, not a permission. To receive it, declare ${event.map((p) => `"${p}"`).join(' or ')}`,
    };
  }
  const known = (n: string) => catalog.permissions.has(n) || extras.has(n);
  const suggestion = known(plain)
    ? plain
    : NAME.test(plain) && plain.length < MAX_GUESS_LENGTH
      ? nearest(plain, [...catalog.permissions.keys(), ...extras])
      : undefined;
  if (suggestion) {
    return {
      ok: false,
      code: 'unknown_permission',
      message: `${quoted} is not a Stripe Apps permission (did you mean "${suggestion}"?); ${UPLOAD}`,
      suggestion,
    };
  }
  return {
    ok: false,
    code: 'unknown_permission',
    message: `${quoted} is not a Stripe Apps permission; ${UPLOAD}. If Stripe added it after this catalog, list it in overrides.permissions`,
  };
}
