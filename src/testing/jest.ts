// Jest matchers: the same functions as the vitest ones (matchers.ts), without importing Jest.
//   import { permissionMatchers } from 'stripe-permission-guard/jest';
//   expect.extend(permissionMatchers);
// or let `setupFilesAfterEnv: ['stripe-permission-guard/jest/setup']` register them.
import { GuardOptionsError } from '../core/errors.js';
import { permissionMatchers, type PermissionMatchers } from './matchers.js';
// Brings the 'expect' module into the program, so that the augmentation below has a target.
import type {} from 'expect';

export { permissionMatchers };
export { configurePermissionMatchers } from './matchers.js';
export type { MatcherCall, PermissionsInput, PermissionMatchers } from './matchers.js';

// Both ways Jest users get `expect`'s types: the global `jest` namespace (@types/jest) and the
// `expect` module (`import { expect } from '@jest/globals'`). The type parameters must match theirs.
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
    interface Matchers<R, T = {}> extends PermissionMatchers<R> {}
  }
}
declare module 'expect' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars
  interface Matchers<R extends void | Promise<void>, T = unknown> extends PermissionMatchers<R> {}
}

/** The part of Jest's `expect` the package uses. */
export interface JestExpectLike {
  extend(matchers: Record<string, unknown>): void;
  getState(): { currentTestName?: string; currentConcurrentTestName?: () => string | undefined; testPath?: string };
}

/**
 * Registers the matchers on Jest's `expect` (the global one unless given).
 *
 * @example
 * import { expect } from '@jest/globals';
 * import { installPermissionMatchers } from 'stripe-permission-guard/jest';
 * installPermissionMatchers(expect);
 */
export function installPermissionMatchers(expect: JestExpectLike | undefined = (globalThis as { expect?: JestExpectLike }).expect): void {
  if (!expect || typeof expect.extend !== 'function') {
    throw new GuardOptionsError("installPermissionMatchers() found no Jest expect: pass it (import { expect } from '@jest/globals').");
  }
  expect.extend(permissionMatchers);
}
