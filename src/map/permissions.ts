// Read-only views of the permission catalog for users and tools.
import { getCatalog, impliedClosure, type PermissionInfo } from './catalog.js';

/**
 * What the Stripe Apps permissions reference says about one permission name.
 *
 * @example
 * permissionInfo('customer_read')?.implies // ['billing_clock_read']
 */
export function permissionInfo(name: string): PermissionInfo | undefined {
  return getCatalog().permissions.get(name);
}

/**
 * Every permission name the catalog knows, sorted.
 *
 * @example
 * listPermissions().includes('customer_read') // true
 */
export function listPermissions(): string[] {
  return [...getCatalog().permissions.keys()].sort();
}

/**
 * The names themselves and everything they imply, transitively.
 *
 * @example
 * impliedPermissions(['checkout_session_read']) // includes 'payment_intent_read', 'mandate_read', …
 */
export function impliedPermissions(names: readonly string[]): string[] {
  return [...impliedClosure(names)].sort();
}
