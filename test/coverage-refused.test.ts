// Stripe's refusals in coverage: listed apart, with no permission to add or suggest.
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { buildReport, formatReportMarkdown, formatReportText, guard, mergeReports, setRecorder, suggestPermissions, type CheckRecord } from '../src/index.js';

describe('refused calls in coverage', () => {
  it('are listed apart, not as missing permissions', async () => {
    const records: CheckRecord[] = [];
    const stop = setRecorder((r) => records.push(r));
    const stripe = guard(new Stripe('sk_test_refused', { telemetry: false }), { permissions: ['connected_account_read'], logger: { warn() {} } });
    await stripe.accounts.retrieveCurrent().catch(() => undefined);
    stop();
    const report = buildReport(records.map((r) => ({ ...r, test: 'reads its own account' })));
    expect(report.refused).toEqual([
      {
        method: 'accounts.retrieveCurrent',
        reason: expect.stringContaining('an app cannot read the account it is installed on'),
        tests: ['reads its own account'],
      },
    ]);
    expect(report.undeclared).toEqual([]);
    expect(report.calls).toEqual([]);
    expect(mergeReports([report, report]).refused).toHaveLength(1);
    expect(formatReportText(report)).toContain('Refused by Stripe for every app (1)');
    expect(formatReportMarkdown(report)).toContain('**Refused by Stripe for every app** (1');
    expect(suggestPermissions(report).add).toEqual([]);
  });

  it.each(['throw', 'warn'] as const)('a call refused before sending is listed apart too, advising nothing (mode %s)', async (mode) => {
    const records: CheckRecord[] = [];
    const stop = setRecorder((r) => records.push(r));
    const httpClient = Stripe.createFetchHttpClient((async () => new Response('{"object":"list","data":[]}')) as typeof fetch);
    const stripe = guard(new Stripe('sk_test_invalid', { telemetry: false, httpClient }), { permissions: [], mode, logger: { warn() {} } });
    await stripe.customers.list({ expand: ['data.a.b.c.d.e'] }).catch(() => undefined);
    stop();
    expect(records.map((r) => r.verdict)).toEqual(['invalid']);
    const report = buildReport(records.map((r) => ({ ...r, test: 'expands too deep' })));
    expect(report.refused).toEqual([
      { method: 'customers.list', reason: expect.stringContaining('refused before sending'), tests: ['expands too deep'], invalid: true },
    ]);
    expect(report.undeclared).toEqual([]);
    expect(report.calls).toEqual([]);
    expect(formatReportText(report)).toContain('Refused before sending (1)');
    expect(formatReportMarkdown(report)).toContain('**Refused before sending** (1');
    expect(suggestPermissions(report).add).toEqual([]);
  });
});
