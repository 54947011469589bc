// Setup file: `setupFiles: ['stripe-permission-guard/vitest/setup']`.
// Registers the matchers and records every guarded check into the running test's `task.meta`,
// which vitest sends from the worker to the reporter — tests run in separate workers, so nothing
// is kept in a module-level array. The running test is tracked per async context
// (AsyncLocalStorage around each test), so `describe.concurrent` tests each get their own calls.
import { AsyncLocalStorage } from 'node:async_hooks';
import * as vitest from 'vitest';
import type { CheckRecord } from '../runtime/record.js';
import { installPermissionMatchers } from './vitest.js';
import { collectPerTest, type TestScope } from './test-scope.js';
import type { PermissionMatchers } from './matchers.js';

export type { PermissionMatchers };

declare module 'vitest' {
  interface TaskMeta {
    /** Guarded Stripe checks made by this test (stripe-permission-guard). */
    stripePermissionGuard?: CheckRecord[];
  }
  // Repeated here so that `"types": ["stripe-permission-guard/vitest/setup"]` brings the matchers.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Matchers<T = any> extends PermissionMatchers<T> {}
}

type MetaTask = { meta: { stripePermissionGuard?: CheckRecord[] } };
type AroundEach = (fn: (runTest: () => Promise<void>, context: { task: MetaTask }) => Promise<void>) => void;

installPermissionMatchers();

const scopeOf = (task: MetaTask): TestScope => ({ records: (task.meta.stripePermissionGuard ??= []) });
const running = new AsyncLocalStorage<MetaTask>();
// vitest < 4.1 has no aroundEach: then the last test to start is the current one, which
// misattributes calls of concurrent tests (sequential tests are exact either way).
let latest: MetaTask | undefined;
const aroundEach = (vitest as unknown as { aroundEach?: AroundEach }).aroundEach;
if (typeof aroundEach === 'function') {
  aroundEach(async (runTest, context) => {
    // An empty array says "the setup file ran" to the reporter, even for a test without calls.
    scopeOf(context.task);
    await running.run(context.task, runTest);
  });
} else {
  vitest.beforeEach((context) => {
    latest = context.task as unknown as MetaTask;
    scopeOf(latest);
  });
  vitest.afterEach(() => {
    latest = undefined;
  });
}
collectPerTest(() => {
  // Checks outside a test (beforeAll, module scope) have no test to belong to.
  const task = running.getStore() ?? latest;
  return task && scopeOf(task);
});
