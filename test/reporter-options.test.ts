// Both reporters check their options when the run starts (Jest: constructor; vitest: onInit),
// every problem at once; and a run that recorded nothing says why instead of "all unused".
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import JestReporter from '../src/testing/jest-reporter.js';
import VitestReporter from '../src/testing/vitest-reporter.js';
import { HANDOFF_ENV, writeFileRecords } from '../src/testing/jest-handoff.js';

const root = mkdtempSync(join(tmpdir(), 'spg-reporter-'));
mkdirSync(join(root, 'out'));
writeFileSync(join(root, 'a-file'), '');
writeFileSync(join(root, 'stripe-app.json'), JSON.stringify({ permissions: [{ permission: 'customer_read', purpose: 'Show customers' }] }));

const start = {
  jest: (options: object) => new JestReporter({ rootDir: root }, options),
  vitest: (options: object) => new VitestReporter(options).onInit({ config: { root } }),
};

describe.each(Object.keys(start) as (keyof typeof start)[])('%s reporter options, checked at start', (runner) => {
  it.each([
    ['a manifest that does not exist', { manifest: 'nope.json' }, /manifest nope\.json: \(file\): not found at/],
    ['an invalid manifest', { manifest: 'a-file' }, /manifest a-file: \(file\): is not valid JSON/],
    ['an output path that is not a path', { outputFile: 42 }, /outputFile must be a file path or false, got 42/],
    ['an output path that is a directory', { outputFile: 'out' }, /outputFile .*out is a directory/],
    ['a markdown path under a file', { markdownFile: 'a-file/report.md' }, /markdownFile .* cannot be written: .*a-file is a file/],
    ['a misspelt option', { failOnUndeclard: true }, /unknown option "failOnUndeclard"/],
    ['a flag that is not a boolean', { failOnUnused: 'yes' }, /failOnUnused must be true or false, got "yes"/],
  ])('refuses %s', (_, options, message) => {
    expect(() => start[runner](options)).toThrow(message);
    expect(() => start[runner](options)).toThrow(new RegExp(`Invalid options for the ${runner} coverage reporter`));
  });

  it('reports every problem at once', () => {
    expect(() => start[runner]({ manifest: 'nope.json', outputFile: 'out', summary: 1 })).toThrow(/summary must[\s\S]*outputFile[\s\S]*manifest nope\.json/);
  });

  it('accepts valid options', () => {
    expect(() => start[runner]({ manifest: 'stripe-app.json', outputFile: 'out/new/report.json', markdownFile: false, failOnUnused: true })).not.toThrow();
  });
});

describe('a Jest run that recorded nothing', () => {
  it.each([
    [
      'no test file ran the setup',
      false,
      "No test ran the setup file, so no call was recorded. Add setupFilesAfterEnv: ['stripe-permission-guard/jest/setup'] to jest.config.",
    ],
    [
      'the setup ran, no guarded call',
      true,
      "No guarded Stripe call was recorded in this run. Calls count when they go through a client wrapped with guard() in mode 'throw' or 'warn'",
    ],
    // The setup file is listed, but the only suite threw on import: adding it again is not the fix.
    [
      'the only test file crashed',
      false,
      'Nothing was recorded: 1 test file failed before its tests ran (crash.spec.ts). Fix the errors printed above and run again.',
      { crashed: true },
    ],
    [
      'the guard is turned off by the environment',
      true,
      'Nothing was recorded: STRIPE_PERMISSION_GUARD_MODE=off turns every guard off, so no call was checked.',
      { env: 'off' },
    ],
  ])('%s: says so, instead of listing every permission unused', (_, setupRan, message, how: { crashed?: boolean; env?: string } = {}) => {
    const reporter = new JestReporter({ rootDir: root }, { manifest: 'stripe-app.json', outputFile: false, markdownFile: false, failOnUnused: true });
    let printed = '';
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((printed += String(s)), true));
    if (how.env) vi.stubEnv('STRIPE_PERMISSION_GUARD_MODE', how.env);
    try {
      reporter.onRunStart();
      if (setupRan) writeFileRecords(process.env[HANDOFF_ENV]!, { testPath: join(root, 'a.spec.ts'), tests: [] });
      const testResults = how.crashed ? [{ testFilePath: join(root, 'crash.spec.ts'), testExecError: new Error('boom'), testResults: [] }] : [];
      reporter.onRunComplete(undefined, { testResults });
    } finally {
      write.mockRestore();
      vi.unstubAllEnvs();
    }
    expect(printed).toContain(message);
    if (how.crashed || how.env) expect(printed).not.toContain('Add setupFilesAfterEnv');
    expect(printed).not.toContain('unused in tests');
    // failOnUnused cannot judge a run without checks: it does not fail it.
    expect(reporter.getLastError()).toBeUndefined();
    expect(process.env[HANDOFF_ENV]).toBeUndefined();
  });
});
