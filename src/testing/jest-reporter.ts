// Reporter: `reporters: ['default', ['stripe-permission-guard/jest/reporter', { … }]]`.
// Options are checked in the constructor, before any test runs. The records come from the files
// the workers' setup wrote (jest-handoff.ts); Jest's own results give each test its place
// (`file > describe > test`, as the vitest reporter names it); reporter-core.ts does the rest.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { CoverageReport, TestRecord } from '../coverage/report.js';
import { HANDOFF_ENV, readRunRecords } from './jest-handoff.js';
import { finishRun, resolveReporterOptions, type PermissionReporterOptions, type ResolvedReporterOptions } from './reporter-core.js';

export type { PermissionReporterOptions };

/** The part of Jest's results the reporter reads. */
interface JestResults {
  readonly testResults: readonly {
    readonly testFilePath: string;
    /** Set when the file failed before its tests ran ("Test suite failed to run"). */
    readonly testExecError?: unknown;
    readonly testResults: readonly { readonly ancestorTitles: readonly string[]; readonly title: string; readonly fullName: string }[];
  }[];
}

/** The coverage reporter (default export of `stripe-permission-guard/jest/reporter`). */
export default class StripePermissionJestReporter {
  private readonly root: string;
  private readonly resolved: ResolvedReporterOptions;
  private dir: string | undefined;
  private error: Error | undefined;
  /** The last report written, for programmatic use. */
  report: CoverageReport | undefined;

  constructor(globalConfig: { readonly rootDir: string }, options: PermissionReporterOptions = {}) {
    this.root = globalConfig?.rootDir ?? process.cwd();
    this.resolved = resolveReporterOptions(options, this.root, 'jest');
  }

  onRunStart(): void {
    this.error = undefined;
    // Before Jest starts its workers, which inherit the environment.
    this.dir = mkdtempSync(join(tmpdir(), 'stripe-permission-guard-jest-'));
    process.env[HANDOFF_ENV] = this.dir;
  }

  onRunComplete(_contexts: unknown, results: JestResults): void {
    const dir = this.dir;
    if (!dir) return;
    const files = readRunRecords(dir);
    rmSync(dir, { recursive: true, force: true });
    if (process.env[HANDOFF_ENV] === dir) delete process.env[HANDOFF_ENV];
    this.dir = undefined;

    // Jest names a test by its titles joined with spaces; its results keep the titles apart.
    const places = new Map<string, Map<string, string>>();
    for (const file of results?.testResults ?? []) {
      const rel = relative(this.root, file.testFilePath);
      const byName = new Map<string, string>();
      for (const t of file.testResults) byName.set(t.fullName, [rel, ...t.ancestorTitles, t.title].join(' > '));
      places.set(file.testFilePath, byName);
    }
    const records: TestRecord[] = [];
    for (const file of files) {
      const byName = places.get(file.testPath);
      for (const t of file.tests) {
        const test = byName?.get(t.name) ?? `${relative(this.root, file.testPath)} > ${t.name}`;
        for (const r of t.records) records.push({ ...r, test });
      }
    }
    const crashed = (results?.testResults ?? []).filter((f) => f.testExecError).map((f) => relative(this.root, f.testFilePath));
    const { report, failures } = finishRun({ records, setupRan: files.length > 0, crashed }, this.resolved, 'jest', process.stdout);
    this.report = report;
    if (failures.length) this.error = new Error(`[stripe-permission-guard] ${failures.join('; ')}`);
  }

  /** Jest fails the run when a reporter has an error. */
  getLastError(): Error | undefined {
    return this.error;
  }
}
