// PURE: recorded checks → a coverage report (stable JSON), its merge, and its text and
// markdown renderings. No I/O here: the test-runner reporters and the CLI read and write.
import { GuardOptionsError } from '../core/errors.js';
import { accessOf } from '../map/catalog.js';
import type { CheckRecord } from '../runtime/record.js';

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
  /** Per declared permission, how many calls (checks) and which tests it satisfied (directly or by implication). */
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
  readonly refused?: readonly {
    readonly method: string;
    readonly reason: string;
    readonly tests: readonly string[];
    /** Refused before sending (an expand path deeper than Stripe allows, a `..` id), not by Stripe. */
    readonly invalid?: true;
  }[];
  readonly totals: { readonly checks: number; readonly tests: number };
}

/** A permission the app is meant to lack, and the calls and tests that asserted its rejection. */
export interface ExpectedRejection {
  readonly permission: string;
  readonly calls: readonly string[];
  readonly tests: readonly string[];
}

const sortUniq = (xs: Iterable<string>) => [...new Set(xs)].sort();
const byKey = <V>(m: Map<string, V>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
const key = (...parts: readonly (string | undefined)[]) => JSON.stringify(parts);

type Requirement = CallCoverage['requirements'][number];
type Refused = NonNullable<CoverageReport['refused']>[number];

function entry<V>(m: Map<string, V>, k: string, init: () => V): V {
  let v = m.get(k);
  if (!v) m.set(k, (v = init()));
  return v;
}

/**
 * The one accumulator behind buildReport() and mergeReports(): records and whole reports add
 * into the same state, so any split of a run's records into shards merges to the report of the
 * run. Every list is a set, sorted at the end: nothing depends on the order things were added.
 */
class ReportAccumulator {
  readonly #declared = new Set<string>();
  readonly #used = new Map<string, { calls: number; tests: Set<string> }>();
  readonly #undeclared = new Map<string, { calls: Set<string>; tests: Set<string> }>();
  readonly #unknown = new Map<string, { method: string; because: string; reason: string; tests: Set<string> }>();
  readonly #writeForRead = new Map<string, { permission: string; read: string; calls: Set<string> }>();
  readonly #calls = new Map<string, { method: string; httpMethod: string; path: string; count: number; tests: Set<string>; reqs: Map<string, Requirement> }>();
  readonly #expected = new Map<string, { calls: Set<string>; tests: Set<string> }>();
  readonly #refused = new Map<string, { method: string; reason: string; tests: Set<string>; invalid: boolean }>();
  #checks = 0;

  declare(names: Iterable<string>): void {
    for (const d of names) this.#declared.add(d);
  }

  #call(c: { method: string; httpMethod: string; path: string }) {
    return entry(this.#calls, c.method, () => ({
      method: c.method,
      httpMethod: c.httpMethod,
      path: c.path,
      count: 0,
      tests: new Set<string>(),
      reqs: new Map(),
    }));
  }
  #requirement(call: { reqs: Map<string, Requirement> }, q: Requirement): void {
    call.reqs.set(key(q.because, q.anyOf.join(), q.satisfiedBy, q.missing), q);
  }
  #add(set: Set<string>, xs: Iterable<string>): void {
    for (const x of xs) set.add(x);
  }

  /** One recorded check. */
  record(r: TestRecord): void {
    this.#checks++;
    this.declare(r.declared);
    const tests = r.test ? [r.test] : [];
    const callName = (m: { expand?: string; because: string }) => (m.expand ? `${r.method} (${m.because})` : r.method);
    if (r.expected) {
      for (const m of r.missing) this.expected(m.permission, [callName(m)], tests);
      return;
    }
    // A refused or invalid check is listed apart: no permission is advised for it.
    if (r.refused !== undefined || r.verdict === 'refused' || r.verdict === 'invalid') {
      this.refused({ method: r.method, reason: r.refused ?? r.verdict!, tests, ...(r.verdict === 'invalid' ? { invalid: true } : {}) });
      return;
    }
    const call = this.#call(r);
    call.count++;
    this.#add(call.tests, tests);
    // A call counts once per permission, however many of its requirements that permission met.
    for (const p of new Set(r.satisfied.map((s) => s.satisfiedBy))) this.used(p, 1, tests);
    for (const s of r.satisfied) {
      const read = s.anyOf.find((p) => accessOf(p) === 'read');
      if (read && accessOf(s.via) === 'write' && s.anyOf.includes(s.via)) this.writeForRead(s.via, read, [r.method]);
      this.#requirement(call, { anyOf: s.anyOf, because: s.because, satisfiedBy: s.satisfiedBy });
    }
    for (const m of r.missing) {
      this.undeclared(m.permission, [callName(m)], tests);
      this.#requirement(call, { anyOf: m.anyOf, because: m.because, missing: m.permission });
    }
    for (const k of r.unknowns) this.unknown({ method: r.method, because: k.because, reason: k.reason, tests });
  }

  /** A whole report (a shard, a repeated run), as if its checks had been recorded here. */
  report(r: CoverageReport): void {
    this.#checks += r.totals.checks;
    this.declare(r.declared);
    for (const [p, u] of Object.entries(r.used)) this.used(p, u.calls, u.tests);
    for (const u of r.undeclared) this.undeclared(u.permission, u.calls, u.tests);
    for (const u of r.unknown) this.unknown(u);
    for (const w of r.writeForRead) this.writeForRead(w.permission, w.read, w.calls);
    for (const c of r.calls) {
      const call = this.#call(c);
      call.count += c.count;
      this.#add(call.tests, c.tests);
      for (const q of c.requirements) this.#requirement(call, q);
    }
    // Reports written before these fields existed have none.
    for (const e of r.expectedRejections ?? []) this.expected(e.permission, e.calls, e.tests);
    for (const f of r.refused ?? []) this.refused(f);
  }

  used(permission: string, calls: number, tests: readonly string[]): void {
    const u = entry(this.#used, permission, () => ({ calls: 0, tests: new Set<string>() }));
    u.calls += calls;
    this.#add(u.tests, tests);
  }
  undeclared(permission: string, calls: readonly string[], tests: readonly string[]): void {
    const u = entry(this.#undeclared, permission, () => ({ calls: new Set<string>(), tests: new Set<string>() }));
    this.#add(u.calls, calls);
    this.#add(u.tests, tests);
  }
  expected(permission: string, calls: readonly string[], tests: readonly string[]): void {
    const e = entry(this.#expected, permission, () => ({ calls: new Set<string>(), tests: new Set<string>() }));
    this.#add(e.calls, calls);
    this.#add(e.tests, tests);
  }
  unknown(u: { method: string; because: string; reason: string; tests: readonly string[] }): void {
    const e = entry(this.#unknown, key(u.method, u.because, u.reason), () => ({
      method: u.method,
      because: u.because,
      reason: u.reason,
      tests: new Set<string>(),
    }));
    this.#add(e.tests, u.tests);
  }
  writeForRead(permission: string, read: string, calls: readonly string[]): void {
    this.#add(entry(this.#writeForRead, key(permission, read), () => ({ permission, read, calls: new Set<string>() })).calls, calls);
  }
  refused(f: Refused): void {
    const e = entry(this.#refused, key(f.method, f.reason), () => ({ method: f.method, reason: f.reason, tests: new Set<string>(), invalid: false }));
    e.invalid ||= f.invalid === true;
    this.#add(e.tests, f.tests);
  }

  /** The report; `tests` counts every test named anywhere in it unless given. */
  build(tests?: number): CoverageReport {
    const declared = sortUniq(this.#declared);
    const calls = byKey(this.#calls);
    const expected = byKey(this.#expected);
    const refused = byKey(this.#refused);
    const unknown = byKey(this.#unknown);
    const named = new Set<string>();
    for (const list of [...calls, ...expected, ...refused, ...unknown]) this.#add(named, list.tests);
    return {
      schema: REPORT_SCHEMA,
      declared,
      used: Object.fromEntries([...this.#used.keys()].sort().map((k) => [k, { calls: this.#used.get(k)!.calls, tests: sortUniq(this.#used.get(k)!.tests) }])),
      unusedInTests: declared.filter((d) => !this.#used.has(d)),
      undeclared: [...this.#undeclared.keys()]
        .sort()
        .map((p) => ({ permission: p, calls: sortUniq(this.#undeclared.get(p)!.calls), tests: sortUniq(this.#undeclared.get(p)!.tests) })),
      unknown: unknown.map((u) => ({ ...u, tests: sortUniq(u.tests) })),
      writeForRead: byKey(this.#writeForRead).map((w) => ({ ...w, calls: sortUniq(w.calls) })),
      calls: calls.map((c) => ({
        method: c.method,
        httpMethod: c.httpMethod,
        path: c.path,
        count: c.count,
        tests: sortUniq(c.tests),
        requirements: byKey(c.reqs),
      })),
      expectedRejections: [...this.#expected.keys()]
        .sort()
        .map((p) => ({ permission: p, calls: sortUniq(this.#expected.get(p)!.calls), tests: sortUniq(this.#expected.get(p)!.tests) })),
      refused: refused.map((f) => ({ method: f.method, reason: f.reason, tests: sortUniq(f.tests), ...(f.invalid ? { invalid: true as const } : {}) })),
      totals: { checks: this.#checks, tests: tests ?? named.size },
    };
  }
}

/**
 * Aggregates recorded checks into a report.
 *
 * @example
 * const report = buildReport(records); report.unusedInTests // ['invoice_write']
 */
export function buildReport(records: readonly TestRecord[], declaredExtra: readonly string[] = []): CoverageReport {
  const acc = new ReportAccumulator();
  acc.declare(declaredExtra);
  for (const r of records) acc.record(r);
  return acc.build();
}

/**
 * Merges reports of shards or repeated runs into one, as if all their checks had run together:
 * the same accumulator as buildReport(), fed whole reports.
 *
 * @example
 * mergeReports([JSON.parse(a), JSON.parse(b)])
 */
export function mergeReports(reports: readonly CoverageReport[]): CoverageReport {
  for (const r of reports) {
    if (!r || r.schema !== REPORT_SCHEMA)
      throw new GuardOptionsError(`Not a coverage report (expected schema "${REPORT_SCHEMA}", got ${JSON.stringify(r?.schema)}).`);
  }
  const acc = new ReportAccumulator();
  for (const r of reports) acc.report(r);
  // A single report keeps its own count (an older one may hold tests its lists do not name).
  return acc.build(reports.length === 1 ? reports[0]!.totals.tests : undefined);
}
