// One name check for every source of permission names (src/core/names.ts): manifests, guard()'s lists,
// permissions functions, matchers. Rows: [name, extra, code (or ok), suggestion, message part].
import { describe, expect, it } from 'vitest';
import { checkPermissionName } from '../src/core/names.js';

type Row = [name: string, extra: string[], code: string, suggestion: string | undefined, message: string];
const rows: Row[] = [
  ['customer_read', [], 'ok', undefined, ''],
  [
    'Customer_Read',
    [],
    'unknown_permission',
    'customer_read',
    '"Customer_Read" is not a Stripe Apps permission (did you mean "customer_read"?); Stripe rejects unknown names at upload',
  ],
  ['customer-read', [], 'unknown_permission', 'customer_read', '(did you mean "customer_read"?)'],
  ['customer_read ', [], 'unknown_permission', 'customer_read', '"customer_read " is not a Stripe Apps permission (did you mean "customer_read"?)'],
  [' CUSTOMER-READ\t', [], 'unknown_permission', 'customer_read', '(did you mean "customer_read"?)'],
  ['customer read', [], 'unknown_permission', 'customer_read', '(did you mean "customer_read"?)'],
  [
    'customer_reed',
    [],
    'unknown_permission',
    'customer_read',
    '"customer_reed" is not a Stripe Apps permission (did you mean "customer_read"?); Stripe rejects unknown names at upload',
  ],
  [
    'webhook_endpoint_write',
    [],
    'misnamed_permission',
    'webhook_write',
    '"webhook_endpoint_write" is not a Stripe Apps permission: webhook endpoints are created and managed with webhook_write. Declare "webhook_write" instead',
  ],
  ['Webhook-Endpoint-Write', [], 'misnamed_permission', 'webhook_write', 'Declare "webhook_write" instead'],
  ['report_runs_and_report_types_write', [], 'misnamed_permission', 'report_runs_and_report_types_read', 'Declare "report_runs_and_report_types_read" instead'],
  ['apply_pay_domain_read', [], 'misnamed_permission', 'apple_pay_domain_read', 'Declare "apple_pay_domain_read" instead'],
  ['shpping_rate_write', [], 'misnamed_permission', 'shipping_rate_write', 'Declare "shipping_rate_write" instead'],
  ['account_read', [], 'misnamed_permission', undefined, 'userContext.account. Remove the entry'],
  ['coupon_read, coupon_write', [], 'several_names', undefined, 'Use one entry each: "coupon_read", "coupon_write"'],
  ['account.application.authorized', [], 'event_type', undefined, 'is an event type, not a permission. To receive it, declare "event_read"'],
  [
    'zz_nothing_like_it',
    [],
    'unknown_permission',
    undefined,
    '"zz_nothing_like_it" is not a Stripe Apps permission; Stripe rejects unknown names at upload. If Stripe added it after this catalog, list it in overrides.permissions',
  ],
  ['climate_order_read', ['climate_order_read'], 'ok', undefined, ''],
  ['climate_ordr_read', ['climate_order_read'], 'unknown_permission', 'climate_order_read', '(did you mean "climate_order_read"?)'],
  ['Climate_Order_Read', ['climate_order_read'], 'unknown_permission', 'climate_order_read', '(did you mean "climate_order_read"?)'],
  ['', [], 'name_invalid', undefined, '"" is not a permission name'],
  ['   ', [], 'name_invalid', undefined, 'is not a permission name'],
  ['rk_live_abcdefghijklmnop', [], 'unknown_permission', undefined, '"rk_live_…" is not a Stripe Apps permission'],
];

describe('checkPermissionName', () => {
  it.each(rows)('%j (extra %j)', (name, extra, code, suggestion, message) => {
    const result = checkPermissionName(name, extra);
    if (code === 'ok') return expect(result).toEqual({ ok: true });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe(code);
    expect(result.suggestion).toBe(suggestion);
    expect(result.message).toContain(message);
  });

  it('never names an extraPermissions option (the escape hatch is overrides.permissions)', () => {
    for (const [name, extra] of rows) {
      const result = checkPermissionName(name, extra);
      if (!result.ok) expect(result.message).not.toMatch(/extraPermissions/);
    }
  });

  it('a suggestion is always a name the check accepts', () => {
    for (const [name, extra] of rows) {
      const result = checkPermissionName(name, extra);
      if (!result.ok && result.suggestion) expect(checkPermissionName(result.suggestion, extra)).toEqual({ ok: true });
    }
  });
});
