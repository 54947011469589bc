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
});
