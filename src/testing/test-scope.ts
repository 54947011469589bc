// Runner-independent collection: every guarded check goes to the test that made it. An adapter
// (vitest or Jest setup) says how to find the running test; the recorder and the
// toBePermissionError matcher both ask it. The resolver lives on globalThis, like the recorder,
// so that every copy of this package in a test process (ESM and CommonJS builds) agrees.
import { setRecorder, type CheckRecord } from '../runtime/record.js';

/** The checks of one test. The array is the adapter's own (vitest: the task's meta), mutated in place. */
export interface TestScope {
  readonly records: CheckRecord[];
}

/** Finds the test the current code runs for: `undefined` outside any test (beforeAll, module scope). */
export type ScopeResolver = () => TestScope | undefined;

const KEY = Symbol.for('stripe-permission-guard.test-scope');
type Holder = { [KEY]?: ScopeResolver | undefined };

/**
 * Records every guarded check into the scope `resolve` returns. Returns a function that stops.
 *
 * @example
 * const stop = collectPerTest(() => scopes.get(currentTestName()));
 */
export function collectPerTest(resolve: ScopeResolver): () => void {
  const holder = globalThis as Holder;
  const previous = holder[KEY];
  holder[KEY] = resolve;
  const restore = setRecorder((record) => {
    // A throwing resolver must not turn a Stripe call into a failure of the call.
    let scope: TestScope | undefined;
    try {
      scope = resolve();
    } catch {
      return;
    }
    scope?.records.push(record);
  });
  return () => {
    restore();
    holder[KEY] = previous;
  };
}

/** The running test's scope, when a setup file collects. */
export function currentScope(): TestScope | undefined {
  try {
    return (globalThis as Holder)[KEY]?.();
  } catch {
    return undefined;
  }
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};

/**
 * Marks the running test's latest rejected check matching this rejection as expected. The
 * rejection names what it lacked (and, from the guard, the method); the newest unmarked match wins,
 * so two identical rejections asserted twice mark two records. Returns whether one was marked.
 */
export function markExpectedRejection(missing: readonly string[], where: { readonly method?: string; readonly path?: string }): boolean {
  const records = currentScope()?.records;
  if (!records) return false;
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.outcome !== 'rejected' || r.expected) continue;
    if (where.method && r.method !== where.method) continue;
    if (where.path && r.path && r.path !== where.path && !pathMatches(r.path, where.path)) continue;
    if (!sameSet([...new Set(r.missing.map((m) => m.permission))], missing)) continue;
    records[i] = { ...r, expected: true };
    return true;
  }
  return false;
}

// A record keeps the route template (`/v1/customers/{customer}`); an error may carry the concrete path.
function pathMatches(template: string, path: string): boolean {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((seg, i) => seg === p[i] || /^\{[^}]+\}$/.test(seg));
}
