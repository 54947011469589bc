// vitest matchers: what a call requires, whether a manifest allows it, and expected rejections.
//   expect('customers.create').toRequirePermissions(['customer_write'])
//   await expect(() => app.tagCustomer('cus_1')).toBeAllowedBy('./stripe-app.json')
//   await expect(stripe.customers.update('cus_1', {})).rejects.toBePermissionError(['customer_write'])
import { expect } from 'vitest';
import { permissionMatchers, type PermissionMatchers } from './matchers.js';

export { permissionMatchers };
export { configurePermissionMatchers } from './matchers.js';
export type { MatcherCall, PermissionsInput, PermissionMatchers } from './matchers.js';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PermissionMatchers<T> {}
}

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
