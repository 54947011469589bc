// PURE: recorded checks → a coverage report (stable JSON), its merge, and its text and
// markdown renderings. No I/O here: the test-runner reporters and the CLI read and write.
import { GuardOptionsError } from './errors.js';
import { accessOf } from './catalog.js';
import type { CheckRecord } from './record.js';

/**
 * The `schema` of coverage reports this version writes and reads.
 *
 * @example
 * JSON.parse(readFileSync('stripe-permission-coverage.json', 'utf8')).schema === REPORT_SCHEMA // true
 */
export const REPORT_SCHEMA = 'stripe-permission-guard/coverage@1';

/** A record and the test that made it (`file > suite > test`). */
export interface TestRecord extends CheckRecord {
  readonly test?: string;
}

/** One call (method) and what it needed, over all tests. */
export interface CallCoverage {
  readonly method: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly count: number;
  readonly tests: readonly string[];
  readonly requirements: readonly {
    readonly anyOf: readonly string[];
    readonly because: string;
    /** The declared permission that met it, when one did. */
    readonly satisfiedBy?: string;
    /** The permission to add, when none did. */
    readonly missing?: string;
  }[];
}

/**
 * The coverage report. `schema` names the version; fields are only ever added.
 * Written by the vitest and Jest reporters as JSON, merged and printed by the CLI.
 */
export interface CoverageReport {
  readonly schema: typeof REPORT_SCHEMA;
  /** Declared permissions: the union of what the recorded checks were granted. */
  readonly declared: readonly string[];
  /** Per declared permission, how many checks and which tests it satisfied (directly or by implication). */
  readonly used: Readonly<Record<string, { readonly calls: number; readonly tests: readonly string[] }>>;
  /** Declared but satisfying nothing in these tests. Unused in tests — not necessarily unused. */
  readonly unusedInTests: readonly string[];
  /** Required by some call, granted by no declared permission. */
  readonly undeclared: readonly { readonly permission: string; readonly calls: readonly string[]; readonly tests: readonly string[] }[];
  /** Endpoints and expand paths the map could not decide. */
  readonly unknown: readonly { readonly method: string; readonly because: string; readonly reason: string; readonly tests: readonly string[] }[];
  /** Reads satisfied only by a `_write` permission: add `X_read` for a manifest that also works under strictReads. */
  readonly writeForRead: readonly { readonly permission: string; readonly read: string; readonly calls: readonly string[] }[];
  readonly calls: readonly CallCoverage[];
  /**
   * Rejections a test asserted (`rejects.toBePermissionError()`), per missing permission. They
   * count in `totals.checks` only: not in `used`, `undeclared` or `calls`, so neither
   * `failOnUndeclared` nor least-privilege suggestions act on them.
   */
  readonly expectedRejections: readonly ExpectedRejection[];
  /**
   * Calls Stripe refuses for every app, whatever the manifest declares (an app reading the
   * account it is installed on): listed apart, no permission to add. Absent in older reports.
   */
  readonly refused?: readonly { readonly method: string; readonly reason: string; readonly tests: readonly string[] }[];
  readonly totals: { readonly checks: number; readonly tests: number };
}

/** A permission the app is meant to lack, and the calls and tests that asserted its rejection. */
export interface ExpectedRejection {
  readonly permission: string;
  readonly calls: readonly string[];
  readonly tests: readonly string[];
}

const sortUniq = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * Aggregates recorded checks into a report.
 *
 * @example
 * const report = buildReport(records); report.unusedInTests // ['invoice_write']
 */
export function buildReport(records: readonly TestRecord[], declaredExtra: readonly string[] = []): CoverageReport {
  const declared = new Set<string>(declaredExtra);
  const used = new Map<string, { calls: number; tests: Set<string> }>();
  const undeclared = new Map<string, { calls: Set<string>; tests: Set<string> }>();
  const unknown = new Map<string, { method: string; because: string; reason: string; tests: Set<string> }>();
  const writeForRead = new Map<string, { permission: string; read: string; calls: Set<string> }>();
  const calls = new Map<
    string,
    { c: Omit<CallCoverage, 'count' | 'tests' | 'requirements'>; count: number; tests: Set<string>; reqs: Map<string, CallCoverage['requirements'][number]> }
  >();
  const expected = new Map<string, { calls: Set<string>; tests: Set<string> }>();
  const refused = new Map<string, { method: string; reason: string; tests: Set<string> }>();
  const tests = new Set<string>();

  for (const r of records) {
    for (const d of r.declared) declared.add(d);
    if (r.test) tests.add(r.test);
    const addTest = (set: Set<string>) => r.test && set.add(r.test);
    if (r.expected) {
      for (const m of r.missing) {
        let e = expected.get(m.permission);
        if (!e) expected.set(m.permission, (e = { calls: new Set(), tests: new Set() }));
        e.calls.add(m.expand ? `${r.method} (${m.because})` : r.method);
        addTest(e.tests);
      }
      continue;
    }
    if (r.refused) {
      let f = refused.get(r.method);
      if (!f) refused.set(r.method, (f = { method: r.method, reason: r.refused, tests: new Set() }));
      addTest(f.tests);
      continue;
    }
    let call = calls.get(r.method);
    if (!call) calls.set(r.method, (call = { c: { method: r.method, httpMethod: r.httpMethod, path: r.path }, count: 0, tests: new Set(), reqs: new Map() }));
    call.count++;
    addTest(call.tests);
    for (const s of r.satisfied) {
      let u = used.get(s.satisfiedBy);
      if (!u) used.set(s.satisfiedBy, (u = { calls: 0, tests: new Set() }));
      u.calls++;
      addTest(u.tests);
      const read = s.anyOf.find((p) => accessOf(p) === 'read');
      if (read && accessOf(s.via) === 'write' && s.anyOf.includes(s.via)) {
        const key = `${s.via}|${read}`;
        let w = writeForRead.get(key);
        if (!w) writeForRead.set(key, (w = { permission: s.via, read, calls: new Set() }));
        w.calls.add(r.method);
      }
      call.reqs.set(`${s.because}|${s.anyOf.join()}`, { anyOf: s.anyOf, because: s.because, satisfiedBy: s.satisfiedBy });
    }
    for (const m of r.missing) {
      let u = undeclared.get(m.permission);
      if (!u) undeclared.set(m.permission, (u = { calls: new Set(), tests: new Set() }));
      u.calls.add(m.expand ? `${r.method} (${m.because})` : r.method);
      addTest(u.tests);
      call.reqs.set(`${m.because}|${m.anyOf.join()}`, { anyOf: m.anyOf, because: m.because, missing: m.permission });
    }
    for (const k of r.unknowns) {
      const key = `${r.method}|${k.because}`;
      let u = unknown.get(key);
      if (!u) unknown.set(key, (u = { method: r.method, because: k.because, reason: k.reason, tests: new Set() }));
      addTest(u.tests);
    }
  }

  const declaredList = sortUniq(declared);
  return {
    schema: REPORT_SCHEMA,
    declared: declaredList,
    used: Object.fromEntries([...used.keys()].sort().map((k) => [k, { calls: used.get(k)!.calls, tests: sortUniq(used.get(k)!.tests) }])),
    unusedInTests: declaredList.filter((d) => !used.has(d)),
    undeclared: [...undeclared.keys()]
      .sort()
      .map((p) => ({ permission: p, calls: sortUniq(undeclared.get(p)!.calls), tests: sortUniq(undeclared.get(p)!.tests) })),
    unknown: [...unknown.values()]
      .sort((a, b) => a.method.localeCompare(b.method) || a.because.localeCompare(b.because))
      .map((u) => ({ ...u, tests: sortUniq(u.tests) })),
    writeForRead: [...writeForRead.values()].sort((a, b) => a.permission.localeCompare(b.permission)).map((w) => ({ ...w, calls: sortUniq(w.calls) })),
    calls: [...calls.keys()].sort().map((k) => {
      const c = calls.get(k)!;
      return { ...c.c, count: c.count, tests: sortUniq(c.tests), requirements: [...c.reqs.values()] };
    }),
    expectedRejections: [...expected.keys()]
      .sort()
      .map((p) => ({ permission: p, calls: sortUniq(expected.get(p)!.calls), tests: sortUniq(expected.get(p)!.tests) })),
    refused: [...refused.values()].sort((a, b) => a.method.localeCompare(b.method)).map((f) => ({ ...f, tests: sortUniq(f.tests) })),
    totals: { checks: records.length, tests: tests.size },
  };
}

/**
 * Merges reports of shards or repeated runs into one, as if all their checks had run together.
 *
 * @example
 * mergeReports([JSON.parse(a), JSON.parse(b)])
 */
export function mergeReports(reports: readonly CoverageReport[]): CoverageReport {
  for (const r of reports) {
    if (!r || r.schema !== REPORT_SCHEMA)
      throw new GuardOptionsError(`Not a coverage report (expected schema "${REPORT_SCHEMA}", got ${JSON.stringify(r?.schema)}).`);
  }
  const group = <T, K>(items: T[], key: (t: T) => string, init: (t: T) => K, add: (acc: K, t: T) => void) => {
    const m = new Map<string, K>();
    for (const t of items) {
      const k = key(t);
      if (!m.has(k)) m.set(k, init(t));
      add(m.get(k)!, t);
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  };
  const declared = sortUniq(reports.flatMap((r) => r.declared));
  const usedPairs = reports.flatMap((r) => Object.entries(r.used));
  const used = Object.fromEntries(
    group(
      usedPairs,
      ([k]) => k,
      ([k]) => ({ k, calls: 0, tests: [] as string[] }),
      (acc, [, v]) => {
        acc.calls += v.calls;
        acc.tests = sortUniq([...acc.tests, ...v.tests]);
      },
    ).map(({ k, calls, tests }) => [k, { calls, tests }]),
  );
  const calls = group(
    reports.flatMap((r) => r.calls),
    (c) => c.method,
    (c) => ({ ...c, count: 0, tests: [] as string[], requirements: [] as CallCoverage['requirements'][number][] }),
    (acc, c) => {
      acc.count += c.count;
      acc.tests = sortUniq([...acc.tests, ...c.tests]);
      for (const q of c.requirements) {
        if (
          !acc.requirements.some(
            (x) => x.because === q.because && x.anyOf.join() === q.anyOf.join() && x.satisfiedBy === q.satisfiedBy && x.missing === q.missing,
          )
        )
          acc.requirements.push(q);
      }
    },
  );
  const expectedRejections = group(
    reports.flatMap((r) => r.expectedRejections ?? []),
    (e) => e.permission,
    (e) => ({ permission: e.permission, calls: [] as string[], tests: [] as string[] }),
    (acc, e) => {
      acc.calls = sortUniq([...acc.calls, ...e.calls]);
      acc.tests = sortUniq([...acc.tests, ...e.tests]);
    },
  );
  // A test counts once, whether its checks were calls or only expected rejections. A single
  // report keeps its own count (it may hold tests whose checks carry no test name list).
  const tests =
    reports.length === 1 ? reports[0]!.totals.tests : new Set([...calls.flatMap((c) => c.tests), ...expectedRejections.flatMap((e) => e.tests)]).size;
  return {
    schema: REPORT_SCHEMA,
    declared,
    used,
    unusedInTests: declared.filter((d) => !Object.hasOwn(used, d)),
    undeclared: group(
      reports.flatMap((r) => r.undeclared),
      (u) => u.permission,
      (u) => ({ permission: u.permission, calls: [] as string[], tests: [] as string[] }),
      (acc, u) => {
        acc.calls = sortUniq([...acc.calls, ...u.calls]);
        acc.tests = sortUniq([...acc.tests, ...u.tests]);
      },
    ),
    unknown: group(
      reports.flatMap((r) => r.unknown),
      (u) => `${u.method}|${u.because}`,
      (u) => ({ ...u, tests: [] as string[] }),
      (acc, u) => {
        acc.tests = sortUniq([...acc.tests, ...u.tests]);
      },
    ),
    writeForRead: group(
      reports.flatMap((r) => r.writeForRead),
      (w) => `${w.permission}|${w.read}`,
      (w) => ({ ...w, calls: [] as string[] }),
      (acc, w) => {
        acc.calls = sortUniq([...acc.calls, ...w.calls]);
      },
    ),
    calls,
    // Reports written before expected rejections existed have no such field.
    expectedRejections,
    refused: group(
      reports.flatMap((r) => r.refused ?? []),
      (f) => f.method,
      (f) => ({ method: f.method, reason: f.reason, tests: [] as string[] }),
      (acc, f) => {
        acc.tests = sortUniq([...acc.tests, ...f.tests]);
      },
    ),
    totals: { checks: reports.reduce((n, r) => n + r.totals.checks, 0), tests },
  };
}
