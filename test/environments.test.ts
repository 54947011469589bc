// vitest's DOM environments, which UI-extension tests use (jsdom, happy-dom): guard() with a
// manifest path, a file: URL and imported JSON, the matchers reading a path, the reporter. Run
// in a project outside this repository, with the package laid out in node_modules as npm installs
// it (its `files`), so vitest loads it as users get it (inside the repository the package's own
// name resolves to the sources' build, which vitest would transform as project code).
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../src/index.js';

const root = new URL('..', import.meta.url).pathname;
const project = mkdtempSync(join(tmpdir(), 'spg-dom-'));

beforeAll(() => {
  cpSync(join(root, 'test/fixtures/vitest-dom'), project, { recursive: true });
  const installed = join(project, 'node_modules/stripe-permission-guard');
  mkdirSync(installed, { recursive: true });
  const { files } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of ['package.json', ...files]) cpSync(join(root, f), join(installed, f), { recursive: true });
  // The user's own dependencies, and the package's (minimatch), from this repository's install.
  for (const dep of ['stripe', 'minimatch', 'vitest']) symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
});

function vitest(environment: string): Promise<{ code: number; output: string; report: CoverageReport }> {
  const out = join(project, `report-${environment}.json`);
  return new Promise((done) =>
    execFile(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.config.mjs'],
      { cwd: project, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', SPG_ENVIRONMENT: environment, SPG_OUTPUT: out } },
      (error, stdout, stderr) =>
        done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr, report: JSON.parse(readFileSync(out, 'utf8')) as CoverageReport }),
    ),
  );
}

describe.each(['jsdom', 'happy-dom'])('vitest, environment %s', (environment) => {
  it('manifests as a path, a file: URL and imported JSON; the matchers; the coverage report', async () => {
    const { code, output, report } = await vitest(environment);
    expect(output).toMatch(/Tests\s+6 passed \(6\)/);
    expect(code).toBe(0);
    expect(report.used.customer_read!.tests).toEqual([
      'tests/manifests.spec.mjs > guard() with a file: URL',
      'tests/manifests.spec.mjs > guard() with a path, relative to the current directory',
      'tests/manifests.spec.mjs > guard() with imported JSON',
    ]);
    expect(report.expectedRejections.map((r) => r.permission)).toEqual(['customer_write']);
  }, 120_000);
});
