// The Jest setup file and reporter, run for real: Jest 30 (CommonJS through ts-jest, two test
// files in two workers), Jest 29 (the version @stripe/ui-extension-tools pins) and Jest 30
// with native ESM, each on the fixture project test/fixtures/jest-project. `npm test` builds first.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../src/index.js';

const root = new URL('..', import.meta.url).pathname;
const CONFIG = 'test/fixtures/jest-project/jest.config.cjs';
const JEST = { 30: 'node_modules/jest/bin/jest.js', 29: 'node_modules/jest-29/bin/jest.js' } as const;

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly report: CoverageReport;
  readonly markdown: string;
}

function runJest(version: 29 | 30, env: Record<string, string>, nodeArgs: string[] = []): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), `spg-jest${version}-`));
  const out = join(dir, 'report.json');
  const md = join(dir, 'report.md');
  const args = [...nodeArgs, JEST[version], '-c', CONFIG, '--maxWorkers=2', '--ci'];
  return new Promise((done) => {
    execFile(
      process.execPath,
      args,
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', SPG_OUTPUT: out, SPG_MARKDOWN: md, SPG_CACHE: join(dir, 'cache'), ...env },
      },
      (error, stdout, stderr) => {
        const read = (f: string) => {
          try {
            return readFileSync(f, 'utf8');
          } catch {
            return '';
          }
        };
        done({
          code: error ? (error.code as number) : 0,
          output: stdout + stderr,
          report: JSON.parse(read(out) || 'null') as CoverageReport,
          markdown: read(md),
        });
      },
    );
  });
}

const FILE_A = 'tests/reads.spec.ts > reads';
const FILE_B = 'tests/writes.spec.ts > writes';
const runs: Record<'cjs30' | 'cjs29' | 'esm30', Run> = {} as never;

beforeAll(async () => {
  // In parallel: together well under a minute on two cores.
  [runs.cjs30, runs.cjs29, runs.esm30] = await Promise.all([
    runJest(30, {}),
    runJest(29, { SPG_FAIL_ON_UNDECLARED: 'true' }),
    runJest(30, { SPG_ESM: '1' }, ['--experimental-vm-modules', '--no-warnings']),
  ]);
}, 120_000);

describe.each(['cjs30', 'cjs29'] as const)('Jest %s, ts-jest, two files in two workers', (name) => {
  it("merges every worker's records into one coverage@1 report, each call under the test that made it", () => {
    const { report } = runs[name];
    expect(report.schema).toBe('stripe-permission-guard/coverage@1');
    // The concurrent tests interleave: a "current test" kept per worker would mix these up.
    expect(report.calls.map((c) => [c.method, c.tests])).toEqual([
      ['customers.retrieve', [`${FILE_A} > a customer`, `${FILE_A} > concurrently > slow customer reads`]],
      ['customers.update', [`${FILE_B} > tags a customer`]],
      ['invoices.list', [`${FILE_A} > concurrently > fast invoice reads`]],
      ['invoices.retrieve', [`${FILE_A} > concurrently > fast invoice reads`]],
    ]);
    expect(report.totals).toEqual({ checks: 7, tests: 5 });
  });

  it('lists an asserted rejection apart from what is undeclared', () => {
    const { report } = runs[name];
    expect(report.undeclared).toEqual([{ permission: 'customer_write', calls: ['customers.update'], tests: [`${FILE_B} > tags a customer`] }]);
    expect(report.expectedRejections).toEqual([{ permission: 'charge_write', calls: ['refunds.create'], tests: [`${FILE_B} > cannot refund`] }]);
    expect(report.unusedInTests).toEqual(['checkout_session_read']);
  });

  it('prints the summary and writes the markdown', () => {
    const { output, markdown } = runs[name];
    expect(output).toContain('Stripe permission coverage — 5 tests, 7 guarded calls');
    expect(output).toMatch(/⊘ charge_write — refunds\.create/);
    expect(markdown).toContain('| `customer_write` | ❌ required, not declared | 1 | 1 |');
  });
});

describe("the run's outcome", () => {
  it.each([
    ['Jest 30 without failOnUndeclared passes', 'cjs30', 0],
    ['Jest 29 with failOnUndeclared fails on customer_write, not on the expected charge_write', 'cjs29', 1],
  ] as const)('%s', (_, name, code) => {
    expect(runs[name].output).toMatch(/Tests:\s+6 passed, 6 total/);
    expect(runs[name].code).toBe(code);
    if (code) expect(runs[name].output).toContain('Failing the run: 1 permission(s) required but not declared');
  });
});

describe('Jest 30, native ESM', () => {
  it('the ESM build in the test and the setup file Jest loads report to one place', () => {
    const { report, code, output } = runs.esm30;
    expect(code, output).toBe(0);
    expect(report.used.customer_read).toEqual({ calls: 1, tests: ['tests-esm/esm.spec.mjs > esm > reads a customer'] });
    expect(report.expectedRejections.map((e) => [e.permission, e.tests])).toEqual([['customer_write', ['tests-esm/esm.spec.mjs > esm > cannot update']]]);
    expect(report.undeclared).toEqual([]);
  });
});
