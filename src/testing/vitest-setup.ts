// Setup file: `setupFiles: ['stripe-permission-guard/vitest/setup']`.
// Registers the matchers and records every guarded check into the running test's
// `task.meta`, which vitest sends from the worker to the reporter — tests run in
// separate workers, so nothing is kept in a module-level array.
import { afterEach, beforeEach } from 'vitest';
import { setRecorder, type CheckRecord } from '../record.js';
import { installPermissionMatchers } from './vitest.js';

declare module 'vitest' {
  interface TaskMeta {
    /** Guarded Stripe checks made by this test (stripe-permission-guard). */
    stripePermissionGuard?: CheckRecord[];
  }
}

installPermissionMatchers();

let current: { meta: { stripePermissionGuard?: CheckRecord[] } } | undefined;
beforeEach((context) => {
  current = context.task;
});
afterEach(() => {
  current = undefined;
});
setRecorder((record) => {
  // Checks outside a test (beforeAll, module scope) have no test to belong to.
  if (current) (current.meta.stripePermissionGuard ??= []).push(record);
});
