// Coverage reports: aggregation, merging shards, least-privilege suggestions (pure functions).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildReport, check, mergeReports, suggestPermissions, formatReportText, formatReportMarkdown, type TestRecord } from '../src/index.js';
import { toRecord } from '../src/runtime/record.js';
import { compileGrant, explain } from '../src/explain.js';

/** A record as the guard would make it for `call` under `declared`. */
function record(test: string, declared: string[], method: string, params?: Record<string, unknown>): TestRecord {
  const result = check(method, params, declared);
  return {
    ...toRecord(
      result.explanation,
      compileGrant(declared),
      result.satisfied,
      result.missing,
      result.allowed ? 'allowed' : 'rejected',
      undefined,
      result.detail,
    ),
    test,
  };
}
const DECLARED = ['customer_read', 'invoice_read', 'checkout_session_read', 'customer_write'];

describe('buildReport', () => {
  const report = buildReport([
    record('a > lists invoices', DECLARED, 'invoices.list', { expand: ['data.customer'] }),
    record('a > lists invoices', DECLARED, 'invoices.list'),
    record('b > pays', DECLARED, 'paymentIntents.create'),
    record('b > reads customer', ['customer_write'], 'customers.retrieve'),
    record('c > unknown', DECLARED, 'accounts.update'),
  ]);

  it('counts use per declared permission, with the tests', () => {
    expect(report.used.invoice_read).toEqual({ calls: 2, tests: ['a > lists invoices'] });
    expect(report.used.customer_read).toEqual({ calls: 1, tests: ['a > lists invoices'] });
  });
  it('declared but unused in tests', () => {
    expect(report.unusedInTests).toEqual(['checkout_session_read']);
  });
  it('required but not declared, with calls and tests', () => {
    expect(report.undeclared).toEqual([{ permission: 'payment_intent_write', calls: ['paymentIntents.create'], tests: ['b > pays'] }]);
  });
  it('unknowns and write-for-read hints', () => {
    expect(report.unknown.map((u) => u.method)).toEqual(['accounts.update']);
    expect(report.writeForRead).toEqual([{ permission: 'customer_write', read: 'customer_read', calls: ['customers.retrieve'] }]);
    expect(formatReportText(report)).toContain('! customer_write satisfied reads (customers.retrieve): add customer_read for a portable manifest');
  });
});

describe('mergeReports (shards, repeated runs)', () => {
  const shard1 = buildReport([record('a > 1', ['customer_read', 'invoice_read'], 'customers.retrieve')]);
  const shard2 = buildReport([
    record('b > 1', ['customer_read', 'invoice_read'], 'customers.retrieve'),
    record('b > 2', ['customer_read', 'invoice_read'], 'invoices.create'),
  ]);
  const merged = mergeReports([shard1, shard2]);

  it('sums counts and unions tests', () => {
    expect(merged.used.customer_read).toEqual({ calls: 2, tests: ['a > 1', 'b > 1'] });
    expect(merged.calls.find((c) => c.method === 'customers.retrieve')?.count).toBe(2);
    expect(merged.totals).toEqual({ checks: 3, tests: 3 });
  });
  it('recomputes what is unused across all shards', () => {
    expect(shard1.unusedInTests).toEqual(['invoice_read']);
    expect(merged.unusedInTests).toEqual(['invoice_read']); // invoices.create needs invoice_write, not read
    expect(merged.undeclared.map((u) => u.permission)).toEqual(['invoice_write']);
  });
  it('merging a report with itself doubles counts, not entries', () => {
    const twice = mergeReports([shard2, shard2]);
    expect(twice.calls.map((c) => c.count)).toEqual([2, 2]);
    expect(twice.undeclared).toEqual(shard2.undeclared);
  });
  it('refuses what is not a report', () => {
    expect(() => mergeReports([{ schema: 'other' } as never])).toThrow(/Not a coverage report/);
  });
});

describe('suggestPermissions (least privilege)', () => {
  const manifest = [
    { permission: 'customer_write', purpose: 'Tag customers' },
    { permission: 'invoice_read', purpose: 'Show invoices' },
    { permission: 'checkout_session_read', purpose: 'Show payments' },
  ];
  it.each([
    [
      'keeps what is used, drops the rest, adds what is missing',
      [['customers.update'], ['invoices.retrieve'], ['paymentIntents.retrieve']],
      { keep: ['customer_write', 'invoice_read'], add: ['payment_intent_read'], drop: ['checkout_session_read'] },
    ],
    [
      'prefers the declared permission that implies others',
      [['checkout.sessions.retrieve'], ['paymentIntents.retrieve']],
      { keep: ['checkout_session_read'], add: [], drop: ['customer_write', 'invoice_read'] },
    ],
    [
      'reads become _read when nothing declared covers them',
      [['subscriptions.list']],
      { keep: [], add: ['subscription_read'], drop: ['customer_write', 'invoice_read', 'checkout_session_read'] },
    ],
    [
      'a read met by a declared _write keeps the _write',
      [['customers.retrieve']],
      { keep: ['customer_write'], add: [], drop: ['invoice_read', 'checkout_session_read'] },
    ],
  ] as const)('%s', (_, calls, expected) => {
    const report = buildReport(
      calls.map(([m]) =>
        record(
          't',
          manifest.map((p) => p.permission),
          m,
        ),
      ),
    );
    const s = suggestPermissions(report, manifest);
    expect({ keep: s.keep, add: s.add, drop: s.drop }).toEqual(expected);
    for (const kept of s.permissions.filter((p) => s.keep.includes(p.permission))) {
      expect(kept.purpose).toBe(manifest.find((m) => m.permission === kept.permission)!.purpose);
    }
  });
});

describe('expected rejections', () => {
  const declared = ['customer_read', 'invoice_read'];
  const expected = (r: TestRecord): TestRecord => ({ ...r, expected: true });
  const report = buildReport([
    record('a > reads', declared, 'customers.retrieve'),
    expected(record('a > cannot tag', declared, 'customers.update')),
    expected(record('b > cannot tag either', declared, 'customers.update')),
    expected(record('b > cannot expand', declared, 'invoices.retrieve', { expand: ['default_payment_method'] })),
    record('c > pays', declared, 'paymentIntents.create'),
  ]);

  it('are listed apart, per missing permission, and are not "undeclared"', () => {
    expect(report.expectedRejections).toEqual([
      { permission: 'customer_write', calls: ['customers.update'], tests: ['a > cannot tag', 'b > cannot tag either'] },
      { permission: 'payment_method_read', calls: ['invoices.retrieve (expand default_payment_method)'], tests: ['b > cannot expand'] },
    ]);
    expect(report.undeclared.map((u) => u.permission)).toEqual(['payment_intent_write']);
  });
  it('count as checks but use nothing: invoice_read met only by an expected rejection stays unused', () => {
    expect(report.totals.checks).toBe(5);
    expect(report.unusedInTests).toEqual(['invoice_read']);
    expect(report.calls.map((c) => c.method)).toEqual(['customers.retrieve', 'paymentIntents.create']);
  });
  it('least privilege neither adds nor keeps a permission for them', () => {
    const s = suggestPermissions(
      report,
      declared.map((permission) => ({ permission, purpose: 'p' })),
    );
    expect({ keep: s.keep, add: s.add, drop: s.drop }).toEqual({ keep: ['customer_read'], add: ['payment_intent_write'], drop: ['invoice_read'] });
  });
  it('merge across shards, also with reports written before the field existed', () => {
    const { expectedRejections: _, ...old } = buildReport([record('z > old', declared, 'customers.retrieve')]);
    const merged = mergeReports([report, report, old as never]);
    expect(merged.expectedRejections).toEqual(report.expectedRejections);
    expect(merged.totals.checks).toBe(11);
  });
  it('appear in the summary and the markdown', () => {
    expect(formatReportText(report)).toContain('Expected rejections (2): asserted by tests, not counted as missing\n  ⊘ customer_write — customers.update');
    expect(formatReportMarkdown(report)).toContain(
      '**Expected rejections** (2, asserted by tests):\n\n- `customer_write`: `customers.update`\n- `payment_method_read`: `invoices.retrieve (expand default_payment_method)`',
    );
  });
});

// One accumulator: a report is data, the same whatever order its records came in and however
// they were split into shards.
describe('reports merge as one run', () => {
  const calls: readonly [string, Record<string, unknown> | undefined][] = [
    ['customers.retrieve', { expand: ['test_clock'] }],
    ['customers.retrieve', undefined],
    ['customers.update', undefined],
    ['invoices.list', { expand: ['data.customer'] }],
    ['balanceTransactions.retrieve', { expand: ['source'] }],
    ['accounts.retrieveCurrent', undefined],
    ['customers.list', { expand: ['data.a.b.c.d.e'] }],
    ['accounts.update', undefined],
    ['paymentIntents.create', undefined],
  ];
  const grants = [['customer_read'], ['customer_write', 'invoice_read'], [], ['balance_transaction_source_read', 'customer_read']];
  const recordArb = fc
    .record({
      call: fc.constantFrom(...calls),
      declared: fc.constantFrom(...grants),
      test: fc.option(fc.constantFrom('a > 1', 'a > 2', 'b > 1', 'c'), { nil: undefined }),
      expected: fc.boolean(),
    })
    .map(({ call, declared, test, expected }) => {
      const result = check(call[0], call[1], declared);
      const r = toRecord(
        result.explanation,
        compileGrant(declared),
        result.satisfied,
        result.missing,
        result.allowed ? 'allowed' : 'rejected',
        undefined,
        result.detail,
      );
      return { ...r, ...(test ? { test } : {}), ...(expected && result.verdict === 'missing' ? { expected: true } : {}) } as TestRecord;
    });

  it('any split of the same records into shards merges to the report of one run', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(recordArb, fc.nat(3)), { maxLength: 30 }), ([...pairs]) => {
        const records = pairs.map(([r]) => r);
        const shards = [0, 1, 2, 3].map((i) => pairs.filter(([, s]) => s === i).map(([r]) => r)).filter((s) => s.length);
        const merged = mergeReports(shards.length ? shards.map((s) => buildReport(s)) : [buildReport([])]);
        expect(merged).toEqual(buildReport(records));
      }),
      { numRuns: 150 },
    );
  });

  it('does not depend on the order of records', () => {
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 20 }), fc.func(fc.integer()), (records, rank) => {
        const shuffled = [...records].sort((a, b) => rank(a) - rank(b) || 0);
        expect(buildReport(shuffled)).toEqual(buildReport(records));
        expect(buildReport([...records].reverse())).toEqual(buildReport(records));
      }),
      { numRuns: 100 },
    );
  });

  it('counts calls, not requirements: two calls are "used by 2 calls"', () => {
    const report = buildReport([
      record('t', ['customer_read'], 'customers.retrieve', { expand: ['test_clock'] }),
      record('t', ['customer_read'], 'customers.list'),
    ]);
    expect(report.calls.find((c) => c.method === 'customers.retrieve')!.requirements).toHaveLength(2);
    expect(report.used.customer_read).toEqual({ calls: 2, tests: ['t'] });
    expect(formatReportText(report)).toContain('used by 2 calls in 1 test');
  });

  it('a call met in one test and missing in another keeps both, in either order', () => {
    const met = record('t1', ['customer_read'], 'customers.retrieve');
    const unmet = record('t2', [], 'customers.retrieve');
    const reqs = buildReport([met, unmet]).calls[0]!.requirements;
    expect(reqs).toEqual(buildReport([unmet, met]).calls[0]!.requirements);
    expect(reqs.map((q) => q.satisfiedBy ?? `missing ${q.missing}`).sort()).toEqual(['customer_read', 'missing customer_read']);
  });

  it('a refused or invalid call is listed apart and advises no permission', () => {
    const report = buildReport([
      { ...record('t', [], 'accounts.retrieveCurrent'), test: 't' },
      {
        ...toRecord(
          explain('customers.list'),
          compileGrant([]),
          [],
          [],
          'rejected',
          undefined,
          check('customers.list', { expand: ['data.a.b.c.d.e'] }, []).detail,
        ),
        test: 't',
      },
    ]);
    expect(report.calls).toEqual([]);
    expect(report.undeclared).toEqual([]);
    expect(report.refused?.map((f) => [f.method, f.invalid ?? false])).toEqual([
      ['accounts.retrieveCurrent', false],
      ['customers.list', true],
    ]);
    expect(suggestPermissions(report).add).toEqual([]);
  });
});
