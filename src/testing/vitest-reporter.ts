// Reporter: `reporters: ['default', ['stripe-permission-guard/vitest/reporter', { … }]]`.
// Gathers the records every worker left in its tests' meta; reporter-core.ts does the rest
// (the Jest reporter shares it): a terminal summary, a JSON file (schema in README), markdown.
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import type { CoverageReport, TestRecord } from '../coverage/report.js';
import type { CheckRecord } from '../runtime/record.js';
import { finishRun, resolveReporterOptions, type PermissionReporterOptions, type ResolvedReporterOptions } from './reporter-core.js';

export type { PermissionReporterOptions };

/** The coverage reporter (default export of `stripe-permission-guard/vitest/reporter`). */
export default class StripePermissionReporter implements Reporter {
  private root = process.cwd();
  private resolved: ResolvedReporterOptions | undefined;
  /** The last report written, for programmatic use. */
  report: CoverageReport | undefined;

  constructor(private readonly options: PermissionReporterOptions = {}) {}

  /** Checks the options (paths against the project root) before any test runs. */
  onInit(vitest: { config: { root: string } }): void {
    this.root = vitest.config.root;
    this.resolved = resolveReporterOptions(this.options, this.root, 'vitest');
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const o = (this.resolved ??= resolveReporterOptions(this.options, this.root, 'vitest'));
    const records: TestRecord[] = [];
    let setupRan = false;
    const crashed: string[] = [];
    for (const mod of testModules) {
      const file = relative(this.root, mod.moduleId);
      // Errors of the module itself (an import that threw): none of its tests ran.
      if (mod.errors().length && !mod.children.size) crashed.push(file);
      for (const test of mod.children.allTests()) {
        const meta = test.meta() as { stripePermissionGuard?: CheckRecord[] };
        if (meta.stripePermissionGuard) setupRan = true;
        for (const r of meta.stripePermissionGuard ?? []) records.push({ ...r, test: `${file} > ${test.fullName}` });
      }
    }
    const { report, failures } = finishRun({ records, setupRan, crashed }, o, 'vitest', process.stdout);
    this.report = report;
    if (failures.length) process.exitCode = 1;
  }
}
