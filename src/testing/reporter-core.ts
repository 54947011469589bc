// What the vitest and Jest reporters share: options checked when the run starts, and the end
// of the run (report, JSON and markdown files, terminal summary, the fail decision). The
// adapters only gather the per-test records from their runner.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { GuardOptionsError, ManifestError, prefixed } from '../core/errors.js';
import { loadManifest } from '../config/manifest.js';
import { buildReport, type CoverageReport, type TestRecord } from '../coverage/report.js';
import { formatReportMarkdown, formatReportText } from '../coverage/report-format.js';
import { plural } from '../common/text.js';

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

export type Runner = 'vitest' | 'jest';

/** Options after validation: absolute paths, the manifest's names read once. */
export interface ResolvedReporterOptions {
  readonly outputFile: string | undefined;
  readonly markdownFile: string | undefined;
  readonly declared: readonly string[];
  readonly failOnUndeclared: boolean;
  readonly failOnUnused: boolean;
  readonly summary: boolean;
}

const KEYS = new Set(['outputFile', 'markdownFile', 'manifest', 'failOnUndeclared', 'failOnUnused', 'summary']);
const SETUP: Record<Runner, string> = {
  vitest: "setupFiles: ['stripe-permission-guard/vitest/setup'] in the test section of vitest.config",
  jest: "setupFilesAfterEnv: ['stripe-permission-guard/jest/setup'] to jest.config",
};

/**
 * Checks the options before any test runs, collecting every problem into one error: a typo in a
 * path should not cost a whole test run.
 *
 * @example
 * resolveReporterOptions({ manifest: 'stripe-app.json' }, process.cwd(), 'jest')
 */
export function resolveReporterOptions(options: unknown, root: string, runner: Runner): ResolvedReporterOptions {
  const problems: string[] = [];
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw new GuardOptionsError(`The ${runner} reporter's options must be an object like { manifest: 'stripe-app.json' }, got ${JSON.stringify(options)}.`);
  }
  for (const key of Object.keys(o)) if (!KEYS.has(key)) problems.push(`unknown option ${JSON.stringify(key)} (known: ${[...KEYS].join(', ')})`);
  for (const key of ['failOnUndeclared', 'failOnUnused', 'summary']) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') problems.push(`${key} must be true or false, got ${JSON.stringify(o[key])}`);
  }
  const output = (key: 'outputFile' | 'markdownFile', fallback: string): string | undefined => {
    const v = o[key];
    if (v === false) return undefined;
    if (v !== undefined && (typeof v !== 'string' || v === '')) {
      problems.push(`${key} must be a file path or false, got ${JSON.stringify(v)}`);
      return undefined;
    }
    const target = resolve(root, (v as string | undefined) ?? fallback);
    if (existsSync(target) && statSync(target).isDirectory()) problems.push(`${key} ${target} is a directory; give a file path`);
    const parent = nearestExisting(dirname(target));
    if (!statSync(parent).isDirectory()) problems.push(`${key} ${target} cannot be written: ${parent} is a file`);
    return target;
  };
  const outputFile = output('outputFile', 'stripe-permission-coverage.json');
  const markdownFile = output('markdownFile', 'stripe-permission-coverage.md');
  let declared: readonly string[] = [];
  if (o.manifest !== undefined) {
    if (typeof o.manifest !== 'string' || o.manifest === '') problems.push(`manifest must be the path of stripe-app.json, got ${JSON.stringify(o.manifest)}`);
    else {
      try {
        declared = loadManifest(resolve(root, o.manifest)).names;
      } catch (e) {
        if (!(e instanceof ManifestError)) throw e;
        problems.push(
          `manifest ${o.manifest}: ${e.problems
            .filter((p) => p.severity === 'error')
            .map((p) => `${p.entry}: ${p.message}`)
            .join('; ')}`,
        );
      }
    }
  }
  if (problems.length) {
    throw new GuardOptionsError(
      `Invalid options for the ${runner} coverage reporter (paths are relative to ${root}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return {
    outputFile,
    markdownFile,
    declared,
    failOnUndeclared: (o.failOnUndeclared as boolean | undefined) ?? true,
    failOnUnused: (o.failOnUnused as boolean | undefined) ?? false,
    summary: (o.summary as boolean | undefined) ?? true,
  };
}

function nearestExisting(dir: string): string {
  let d = dir;
  while (!existsSync(d) && dirname(d) !== d) d = dirname(d);
  return d;
}

/** What an adapter gathered from its runner. */
export interface RunRecords {
  readonly records: readonly TestRecord[];
  /** Whether the setup file ran in at least one test file (it leaves a mark even without calls). */
  readonly setupRan: boolean;
  /** Test files that failed before their tests ran (an import that threw): they recorded nothing. */
  readonly crashed?: readonly string[];
}

export interface RunOutcome {
  readonly report: CoverageReport;
  /** Why the run fails; empty when it passes. */
  readonly failures: readonly string[];
}

/**
 * Builds the report, writes its files, prints the summary and decides whether the run fails.
 *
 * @example
 * const { failures } = finishRun({ records, setupRan: true }, resolved, 'vitest', process.stdout)
 */
export function finishRun(run: RunRecords, o: ResolvedReporterOptions, runner: Runner, out: { write(s: string): unknown }): RunOutcome {
  const report = buildReport(run.records, o.declared);
  const write = (target: string | undefined, text: string) => {
    if (!target) return;
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  };
  write(o.outputFile, `${JSON.stringify(report, null, 2)}\n`);
  write(o.markdownFile, formatReportMarkdown(report));
  const crashed = run.crashed ?? [];
  const crashedList = `${plural(crashed.length, 'test file')} failed before ${crashed.length === 1 ? 'its' : 'their'} tests ran (${listed(crashed)})`;
  // With no check at all, "every permission unused" would be noise: say why nothing was recorded.
  if (report.totals.checks === 0) {
    out.write(`\n${prefixed(nothingRecorded(run, runner, crashedList))}\n`);
    return { report, failures: [] };
  }
  if (o.summary) {
    const color = !!(out as { isTTY?: boolean }).isTTY && !process.env.NO_COLOR;
    out.write(`\n${formatReportText(report, { color })}\n`);
  }
  if (crashed.length) out.write(prefixed(`${crashedList}: ${crashed.length === 1 ? 'its' : 'their'} calls are not in this report.\n`));
  const failures: string[] = [];
  if (o.failOnUndeclared && report.undeclared.length) failures.push(`${report.undeclared.length} permission(s) required but not declared`);
  if (o.failOnUnused && report.unusedInTests.length) failures.push(`${report.unusedInTests.length} declared permission(s) unused in tests`);
  if (failures.length) out.write(prefixed(`Failing the run: ${failures.join('; ')}.\n`));
  return { report, failures };
}

/** Why a run recorded no check, most likely cause first. */
function nothingRecorded(run: RunRecords, runner: Runner, crashedList: string): string {
  const crashed = run.crashed ?? [];
  // The workers inherit the reporter's environment, so this is the mode the guards ran in.
  if (process.env.STRIPE_PERMISSION_GUARD_MODE?.trim() === 'off') {
    return 'Nothing was recorded: STRIPE_PERMISSION_GUARD_MODE=off turns every guard off, so no call was checked. Unset it (or set it to warn) to measure permission coverage.';
  }
  if (crashed.length && !run.setupRan) return `Nothing was recorded: ${crashedList}. Fix the errors printed above and run again.`;
  if (!run.setupRan) return `No test ran the setup file, so no call was recorded. Add ${SETUP[runner]}.`;
  const also = crashed.length ? ` Also, ${crashedList}.` : '';
  return `No guarded Stripe call was recorded in this run. Calls count when they go through a client wrapped with guard() in mode 'throw' or 'warn' (mode 'off' checks nothing), or through the msw handlers, inside a test.${also}`;
}

function listed(files: readonly string[]): string {
  const MAX = 3;
  return files.slice(0, MAX).join(', ') + (files.length > MAX ? `, … (+${files.length - MAX})` : '');
}
