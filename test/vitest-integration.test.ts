// The vitest setup file and reporter, run for real: a vitest run of examples/ in a child
// process, two spec files in two workers, their records merged into one report.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CoverageReport } from '../src/index.js';

const root = new URL('..', import.meta.url).pathname;
function runExamples(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'spg-vitest-'));
  const out = join(dir, 'report.json');
  const md = join(dir, 'report.md');
  const res = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'examples/vitest.config.mjs'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', SPG_OUTPUT: out, SPG_MARKDOWN: md, ...env },
  });
  return { status: res.status, stdout: res.stdout, out, md };
}

describe('a vitest run of examples/ with the setup file and reporter', () => {
  const run = runExamples({});
  const report = JSON.parse(readFileSync(run.out, 'utf8')) as CoverageReport;

  it('merges the records of every worker into one report', () => {
    expect(report.schema).toBe('stripe-permission-guard/coverage@1');
    const files = new Set(report.used.customer_read!.tests.map((t) => t.split(' > ')[0]));
    expect(files).toEqual(new Set(['tests/backend.spec.mjs', 'tests/ui-extension.spec.mjs']));
    expect(report.totals.tests).toBe(3);
  });

  it('lists required-but-undeclared, unused-in-tests and usage counts', () => {
    expect(report.undeclared).toEqual([
      { permission: 'customer_write', calls: ['customers.update'], tests: ['tests/backend.spec.mjs > backend > tags a customer'] },
    ]);
    expect(report.unusedInTests).toEqual(['checkout_session_read']);
    expect(report.declared).toEqual(['checkout_session_read', 'customer_read', 'invoice_read']);
  });

  it('prints the terminal summary and writes the markdown', () => {
    expect(run.stdout).toContain('Stripe permission coverage — 3 tests');
    expect(run.stdout).toMatch(/checkout_session_read\s+unused in tests/);
    expect(run.stdout).toMatch(/✗ customer_write — customers\.update/);
    expect(readFileSync(run.md, 'utf8')).toContain('| `customer_write` | ❌ required, not declared | 1 | 1 |');
    expect(run.status).toBe(0);
  });
});

// Each spawns a whole vitest run: generous timeouts, the machine may be shared.
describe('fail options', { timeout: 60_000 }, () => {
  it.each([
    ['failOnUndeclared', { SPG_FAIL_ON_UNDECLARED: 'true' }, /1 permission\(s\) required but not declared/],
    ['failOnUnused', { SPG_FAIL_ON_UNUSED: 'true' }, /1 declared permission\(s\) unused in tests/],
  ])('%s fails the run', (_, env, message) => {
    const run = runExamples(env);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(message);
  });
});

// test/fixtures/vitest-concurrent: describe.concurrent tests whose calls interleave, and an
// asserted rejection.
function runFixture(env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'spg-vitest-concurrent-'));
  const out = join(dir, 'report.json');
  const res = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest-concurrent/vitest.config.mjs'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', SPG_OUTPUT: out, ...env },
  });
  let report: CoverageReport | undefined;
  try {
    report = JSON.parse(readFileSync(out, 'utf8')) as CoverageReport;
  } catch {
    report = undefined;
  }
  return { status: res.status, stdout: res.stdout + res.stderr, report };
}

describe('concurrent tests and expected rejections (vitest)', { timeout: 60_000 }, () => {
  const run = runFixture({});
  const FILE = 'tests/concurrent.spec.mjs';

  it('attributes every call to the test that made it, also under describe.concurrent', () => {
    expect(run.report!.calls.map((c) => [c.method, c.tests])).toEqual([
      ['customers.retrieve', [`${FILE} > concurrently > slow customer reads`, `${FILE} > sequential, after them`]],
      ['invoices.list', [`${FILE} > concurrently > fast invoice reads`]],
      ['invoices.retrieve', [`${FILE} > concurrently > fast invoice reads`]],
    ]);
  });

  it('lists the asserted rejection apart, and failOnUndeclared ignores it', () => {
    expect(run.report!.expectedRejections).toEqual([
      { permission: 'customer_write', calls: ['customers.update'], tests: [`${FILE} > concurrently > cannot update a customer`] },
    ]);
    expect(run.report!.undeclared).toEqual([]);
    expect(run.stdout).toContain('Expected rejections (1)');
    expect(run.status).toBe(0);
  });

  it("vitest's own --merge-reports gives the reporter the blob's checks: the same report as the run", () => {
    const blobs = mkdtempSync(join(tmpdir(), 'spg-vitest-blobs-'));
    const config = ['--config', 'test/fixtures/vitest-concurrent/vitest.config.mjs'];
    const vitest = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
    vitest(['run', ...config, '--reporter=blob', `--outputFile=${join(blobs, 'shard-1.json')}`]);
    const out = join(blobs, 'merged.json');
    const merged = vitest(['run', ...config, `--merge-reports=${blobs}`], { SPG_OUTPUT: out });
    expect(merged.stdout).toContain('Stripe permission coverage');
    const report = JSON.parse(readFileSync(out, 'utf8')) as CoverageReport;
    expect(report.calls).toEqual(run.report!.calls);
    expect(report.expectedRejections).toEqual(run.report!.expectedRejections);
  });

  it('names a test file that failed before its tests ran, under the summary', () => {
    const crashed = runFixture({ SPG_CRASH: '1' });
    expect(crashed.stdout).toContain('Stripe permission coverage');
    expect(crashed.stdout).toContain('1 test file failed before its tests ran (crash/crash.spec.mjs): its calls are not in this report.');
  });

  it('with STRIPE_PERMISSION_GUARD_MODE=off, says that nothing was recorded and why', () => {
    const off = runFixture({ STRIPE_PERMISSION_GUARD_MODE: 'off' });
    expect(off.stdout).toContain('Nothing was recorded: STRIPE_PERMISSION_GUARD_MODE=off turns every guard off, so no call was checked.');
    expect(off.stdout).not.toContain('unused in tests');
  });

  it('without the setup file, says so instead of listing every permission unused', () => {
    const bare = runFixture({ SPG_NO_SETUP: '1' });
    expect(bare.stdout).toContain("No test ran the setup file, so no call was recorded. Add setupFiles: ['stripe-permission-guard/vitest/setup']");
    expect(bare.stdout).not.toContain('unused in tests');
  });
});
