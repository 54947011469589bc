// Setup file: `setupFilesAfterEnv: ['stripe-permission-guard/jest/setup']`.
// Registers the matchers and records every guarded check per test. The test comes from Jest's
// own expect state: `currentConcurrentTestName()` reads the test of the current async context
// (Jest 30 for every test, Jest 29 for `test.concurrent`), `currentTestName` the sequential one.
// When the file's tests are done its records go to the reporter (jest-handoff.ts).
import { GuardOptionsError } from '../core/errors.js';
import type { CheckRecord } from '../runtime/record.js';
import { installPermissionMatchers, type JestExpectLike, type PermissionMatchers } from './jest.js';
import { collectPerTest, type TestScope } from './test-scope.js';
import { HANDOFF_ENV, writeFileRecords } from './jest-handoff.js';

// Setup and matcher types travel together: `"types": ["stripe-permission-guard/jest/setup"]`.
export type { PermissionMatchers };

const g = globalThis as { expect?: JestExpectLike; afterAll?: (fn: () => void) => void };
const expect = g.expect;
if (!expect || typeof g.afterAll !== 'function') {
  throw new GuardOptionsError(
    "stripe-permission-guard/jest/setup needs Jest's globals: list it in setupFilesAfterEnv (not setupFiles), with injectGlobals left on.",
  );
}
installPermissionMatchers(expect);

const scopes = new Map<string, TestScope & { records: CheckRecord[] }>();
collectPerTest(() => {
  const state = expect.getState();
  // Outside a test (beforeAll, module scope) there is no name: such checks belong to no test.
  const name = state.currentConcurrentTestName?.() ?? state.currentTestName;
  if (!name) return undefined;
  let scope = scopes.get(name);
  if (!scope) scopes.set(name, (scope = { records: [] }));
  return scope;
});

// Read once: a test may replace process.env.
const dir = process.env[HANDOFF_ENV];
g.afterAll(() => {
  // Without the reporter nobody reads the records; the matchers work all the same.
  if (!dir) return;
  // Written even when empty: it tells the reporter that the setup file ran.
  writeFileRecords(dir, { testPath: expect.getState().testPath ?? '', tests: [...scopes].map(([name, s]) => ({ name, records: s.records })) });
});
