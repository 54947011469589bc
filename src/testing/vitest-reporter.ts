// Reporter: `reporters: ['default', ['stripe-permission-guard/vitest/reporter', { … }]]`.
// Merges the records every worker left in its tests' meta and writes the coverage report:
// a terminal summary, a JSON file (schema in README) and a markdown file for PR comments.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { loadManifest } from '../manifest.js';
import { buildReport, type CoverageReport, type TestRecord } from '../report.js';
import { formatReportText } from '../report-format.js';
import { formatReportMarkdown } from '../report-format.js';
import type { CheckRecord } from '../record.js';

export interface PermissionReporterOptions {
  /** JSON report path. Default `stripe-permission-coverage.json`; `false` to skip. */
  readonly outputFile?: string | false;
  /** Markdown path. Default `stripe-permission-coverage.md`; `false` to skip. */
  readonly markdownFile?: string | false;
  /** A manifest whose permissions count as declared even when no check saw them. */
  readonly manifest?: string;
  /** Fail the run when a call needs a permission nobody declared. Default `true`. */
  readonly failOnUndeclared?: boolean;
  /** Fail the run when a declared permission is unused in the tests. Default `false`. */
  readonly failOnUnused?: boolean;
  /** Print the summary. Default `true`. */
  readonly summary?: boolean;
}

/** The coverage reporter (default export of `stripe-permission-guard/vitest/reporter`). */
export default class StripePermissionReporter implements Reporter {
  private root = process.cwd();
  /** The last report written, for programmatic use. */
  report: CoverageReport | undefined;

  constructor(private readonly options: PermissionReporterOptions = {}) {}

  onInit(vitest: { config: { root: string } }): void {
    this.root = vitest.config.root;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const records: TestRecord[] = [];
    for (const mod of testModules) {
      const file = relative(this.root, mod.moduleId);
      for (const test of mod.children.allTests()) {
        const meta = test.meta() as { stripePermissionGuard?: CheckRecord[] };
        for (const r of meta.stripePermissionGuard ?? []) records.push({ ...r, test: `${file} > ${test.fullName}` });
      }
    }
    const o = this.options;
    const declared = o.manifest ? loadManifest(resolve(this.root, o.manifest)).names : [];
    const report = (this.report = buildReport(records, declared));
    const write = (path: string | false | undefined, fallback: string, text: string) => {
      if (path === false) return;
      const target = resolve(this.root, path ?? fallback);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    };
    write(o.outputFile, 'stripe-permission-coverage.json', `${JSON.stringify(report, null, 2)}\n`);
    write(o.markdownFile, 'stripe-permission-coverage.md', formatReportMarkdown(report));
    if (o.summary !== false) {
      const color = !!process.stdout.isTTY && !process.env.NO_COLOR;
      process.stdout.write(`\n${formatReportText(report, { color })}\n`);
    }
    const failures: string[] = [];
    if ((o.failOnUndeclared ?? true) && report.undeclared.length) failures.push(`${report.undeclared.length} permission(s) required but not declared`);
    if (o.failOnUnused && report.unusedInTests.length) failures.push(`${report.unusedInTests.length} declared permission(s) unused in tests`);
    if (failures.length) {
      process.stdout.write(`[stripe-permission-guard] Failing the run: ${failures.join('; ')}.\n`);
      process.exitCode = 1;
    }
  }
}
