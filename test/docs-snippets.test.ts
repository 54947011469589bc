// The documentation shows only what runs. Every code block of README.md and docs/*.md is one of:
//   <!-- snippet: examples/… -->  then a js/ts/json block: contained, verbatim, in that example file
//   <!-- output: examples/… -->   then a text block: contained in what that example prints when run
//   <!-- cli: <dir> exit=<n> -->  then a console block: `$ npx stripe-permission-guard …` and its
//                                 exact output, run here in <dir> (from the built dist/cli.js)
// Shell and text blocks without a marker are free (install commands). A js/ts/json block without
// a marker fails. Every example file a snippet names must be run by a test: the runnable examples
// are run below (offline: test/helpers/offline.mjs), the others must be named by a test file.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageReport } from '../src/index.js';
import { linkPackageIntoNodeModules } from './helpers/self-link.js';

const root = new URL('..', import.meta.url).pathname;
const OFFLINE = join(root, 'test/helpers/offline.mjs');
// Written by other engineers, with their own checks.
const NOT_OURS = new Set(['docs/performance.md']);
const CHECKED = ['js', 'mjs', 'cjs', 'ts', 'tsx', 'json', 'jsonc'];

interface Run {
  readonly cwd: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Files the run writes that the test reads, then removes. */
  readonly writes?: readonly string[];
}

const KEY = 'sk_test_example_not_a_real_key';
const script = (file: string, env: Record<string, string> = {}): Run => ({
  cwd: 'examples/quickstart',
  args: ['--no-warnings=ExperimentalWarning', '--import', OFFLINE, file],
  env: { STRIPE_SECRET_KEY: KEY, ...env },
});
const coverageFiles = ['stripe-permission-coverage.json', 'stripe-permission-coverage.md'];

/** Every runnable example, by the path the documentation names it with. */
const RUNS: Record<string, Run> = {
  'examples/quickstart/backend.mjs': script('backend.mjs'),
  'examples/quickstart/per-account.mjs': script('per-account.mjs'),
  'examples/quickstart/ui-extension.mjs': script('ui-extension.mjs', { SPG_USER_PERMISSIONS: 'customer_read' }),
  'examples/quickstart/msw.mjs': script('msw.mjs'),
  'examples/quickstart/msw-body.mjs': script('msw-body.mjs'),
  'examples/quickstart/overrides.mjs': script('overrides.mjs'),
  'examples/quickstart/explain.mjs': script('explain.mjs'),
  'examples/quickstart/api-versions.mjs': script('api-versions.mjs'),
  'examples/quickstart/errors.mjs': script('errors.mjs'),
  'examples/quickstart/production.mjs': script('production.mjs'),
  'examples/vitest-project': {
    cwd: 'examples/vitest-project',
    args: ['--import', OFFLINE, join(root, 'node_modules/vitest/vitest.mjs'), 'run'],
    writes: coverageFiles,
  },
  'examples/jest-project': {
    cwd: 'examples/jest-project',
    args: ['--import', OFFLINE, join(root, 'node_modules/jest/bin/jest.js'), '--ci'],
    writes: coverageFiles,
  },
};
/** Files a run covers besides its key (a project's config and tests). */
const COVERED_BY: Record<string, string> = {
  'examples/vitest-project/vitest.config.mjs': 'examples/vitest-project',
  'examples/vitest-project/tests/customer-panel.spec.mjs': 'examples/vitest-project',
  'examples/vitest-project/stripe-app.json': 'examples/vitest-project',
  'examples/jest-project/jest.config.js': 'examples/jest-project',
  'examples/jest-project/tests/customer-panel.test.js': 'examples/jest-project',
  'examples/jest-project/tests/fixture-http-client.js': 'examples/jest-project',
  'examples/jest-project/stripe-app.json': 'examples/jest-project',
  'examples/quickstart/stripe-app.json': 'examples/quickstart/backend.mjs',
  'examples/reports/customer-panel.json': 'examples/vitest-project',
};

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly files: Record<string, string>;
}

function run(r: Run): Promise<Result> {
  const cwd = join(root, r.cwd);
  return new Promise((done) => {
    execFile(
      process.execPath,
      [...r.args],
      { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', STRIPE_PERMISSION_GUARD_MODE: '', ...r.env }, timeout: 90_000 },
      (error, stdout, stderr) => {
        const files: Record<string, string> = {};
        for (const f of r.writes ?? []) {
          const p = join(cwd, f);
          if (existsSync(p)) {
            files[f] = readFileSync(p, 'utf8');
            rmSync(p);
          }
        }
        done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr, files });
      },
    );
  });
}

const results: Record<string, Result> = {};
beforeAll(async () => {
  // The Jest example resolves the package through node_modules, as a user's project does.
  linkPackageIntoNodeModules();
  const keys = Object.keys(RUNS);
  const outs = await Promise.all(keys.map((k) => run(RUNS[k]!)));
  keys.forEach((k, i) => (results[k] = outs[i]!));
}, 180_000);

// ---- the documents -------------------------------------------------------------------------

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly lang: string;
  readonly text: string;
  readonly marker?: { readonly kind: 'snippet' | 'output' | 'cli'; readonly arg: string };
}

function documents(): string[] {
  const docs = existsSync(join(root, 'docs'))
    ? readdirSync(join(root, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`)
    : [];
  return ['README.md', ...docs].filter((d) => !NOT_OURS.has(d));
}

function blocks(doc: string): Block[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const out: Block[] = [];
  let pending: Block['marker'];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^\s*<!--\s*(snippet|output|cli):\s*(.*?)\s*-->\s*$/.exec(line);
    if (marker) {
      pending = { kind: marker[1] as 'snippet' | 'output' | 'cli', arg: marker[2]! };
      continue;
    }
    const fence = /^(\s*)(`{3,})(\S*)/.exec(line);
    if (fence) {
      const [, indent, ticks, lang] = fence;
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.trimStart().startsWith(ticks!)) body.push(lines[j++]!.slice(indent!.length));
      out.push({ doc, line: i + 1, lang: lang!, text: body.join('\n'), ...(pending ? { marker: pending } : {}) });
      pending = undefined;
      i = j;
      continue;
    }
    if (line.trim() !== '') pending = undefined;
  }
  return out;
}

const normalize = (s: string) =>
  s
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trim();
const all = documents().flatMap(blocks);
const where = (b: Block) => `${b.doc}:${b.line}`;

/** `$ npx stripe-permission-guard a "b c"` → ['a', 'b c']. */
function argv(command: string): string[] {
  const m = /^\$ npx stripe-permission-guard(.*)$/.exec(command);
  if (!m) throw new Error(`a cli block starts with "$ npx stripe-permission-guard …", got ${command}`);
  return [...m[1]!.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((t) => t[1] ?? t[2] ?? t[3]!);
}

function cli(dir: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(root, 'dist/cli.js'), ...args],
      { cwd: join(root, dir), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr });
      },
    );
  });
}

describe('documentation code blocks', () => {
  it('finds the documents and their blocks', () => {
    expect(all.filter((b) => b.doc === 'README.md').length).toBeGreaterThan(5);
  });

  it('marks every js, ts and json block with the example it comes from', () => {
    const unmarked = all.filter((b) => CHECKED.includes(b.lang) && b.marker?.kind !== 'snippet').map(where);
    expect(unmarked).toEqual([]);
    const console = all.filter((b) => b.lang === 'console' && b.marker?.kind !== 'cli').map(where);
    expect(console).toEqual([]);
  });

  it.each(all.filter((b) => b.marker?.kind === 'snippet').map((b) => [where(b), b] as const))('%s is verbatim in its example', (_, b) => {
    const file = join(root, b.marker!.arg);
    expect(existsSync(file), `${b.marker!.arg} exists`).toBe(true);
    expect(normalize(readFileSync(file, 'utf8'))).toContain(normalize(b.text));
  });

  it.each(all.filter((b) => b.marker?.kind === 'output').map((b) => [where(b), b] as const))('%s is what its example prints', (_, b) => {
    const result = results[b.marker!.arg];
    expect(result, `${b.marker!.arg} is a runnable example (RUNS)`).toBeDefined();
    expect(normalize(result!.stdout)).toContain(normalize(b.text));
  });

  it.each(all.filter((b) => b.marker?.kind === 'cli').map((b) => [where(b), b] as const))('%s is what the CLI prints', async (_, b) => {
    const [dir, ...opts] = b.marker!.arg.split(/\s+/);
    const exit = Number(/^exit=(\d+)$/.exec(opts.find((o) => o.startsWith('exit=')) ?? 'exit=0')![1]);
    const [command, ...expected] = b.text.split('\n');
    const { code, output } = await cli(dir!, argv(command!));
    expect(normalize(output)).toBe(normalize(expected.join('\n')));
    expect(code).toBe(exit);
  });

  it('names only example files a test runs', () => {
    const tests = readdirSync(join(root, 'test'))
      .filter((f) => f.endsWith('.ts') && f !== 'docs-snippets.test.ts')
      .map((f) => readFileSync(join(root, 'test', f), 'utf8'))
      .join('\n');
    const named = [...new Set(all.flatMap((b) => (b.marker && b.marker.kind !== 'cli' ? [b.marker.arg] : [])))];
    const unexercised = named.filter((f) => !RUNS[f] && !RUNS[COVERED_BY[f] ?? ''] && !tests.includes(f));
    expect(unexercised).toEqual([]);
  });
});

// ---- what the runnable examples do -----------------------------------------------------------

describe('the runnable examples', () => {
  it('every one exits 0 and none reaches the network', () => {
    for (const [k, r] of Object.entries(results)) {
      expect({ k, code: r.code, stderr: r.code ? r.stderr.slice(-2000) : '' }).toEqual({ k, code: 0, stderr: '' });
      expect(r.stdout + r.stderr, k).not.toContain('offline: the example tried to connect');
      expect(r.stdout + r.stderr, k).not.toContain(KEY);
    }
  });

  it("backend.mjs: the rejection is the client's own StripePermissionError", () => {
    expect(results['examples/quickstart/backend.mjs']!.stdout).toContain("true 403 more_permissions_required_for_application\n[ 'customer_write' ]");
  });

  it("ui-extension.mjs: the user's permissions count, through the extension SDK's HttpClient", () => {
    const r = results['examples/quickstart/ui-extension.mjs']!;
    expect(r.stdout).toContain("retrieved cus_123\nrejected [ 'invoice_read' ]");
    // Only the allowed call reached the (stand-in) Dashboard client.
    expect(r.stderr.trim().split('\n')).toEqual(['sent: GET /v1/customers/cus_123']);
  });

  it("msw.mjs: a covered call reaches the fixture, an uncovered one gets Stripe's 403", () => {
    expect(results['examples/quickstart/msw.mjs']!.stdout).toBe(
      "cus_123\nStripePermissionError 403 more_permissions_required_for_application [ 'customer_write' ]\n",
    );
  });

  it('overrides.mjs: an override makes an unknown route known', () => {
    expect(results['examples/quickstart/overrides.mjs']!.stdout).toMatch(/^unknown\n[\s\S]*climate_order_read[\s\S]*\ntrue\ntrue\n$/);
  });

  it('per-account.mjs: the permissions function is told the account, method and path', () => {
    const out = results['examples/quickstart/per-account.mjs']!.stdout;
    expect(out).toContain("stripeAccount: 'acct_1'");
    expect(out).toContain("violation: missing [ 'invoice_read' ]");
  });

  it('errors.mjs: one of each error', () => {
    const out = results['examples/quickstart/errors.mjs']!.stdout;
    for (const name of ['StripePermissionError', 'RefusedRequestError', 'UnmappedRequestError', 'GuardOptionsError', 'ManifestError'])
      expect(out).toContain(`${name}: `);
  });

  it.each(['examples/vitest-project', 'examples/jest-project'])('%s: coverage with an expected rejection, the run passes', (k) => {
    const r = results[k]!;
    const report = JSON.parse(r.files['stripe-permission-coverage.json'] ?? 'null') as CoverageReport;
    expect(report.schema).toBe('stripe-permission-guard/coverage@1');
    expect(report.declared).toEqual(['customer_read', 'invoice_read']);
    expect(report.undeclared).toEqual([]);
    expect(report.unusedInTests).toEqual(['invoice_read']);
    expect(report.expectedRejections.map((e) => [e.permission, e.calls])).toEqual([['customer_write', ['customers.update']]]);
    expect(r.files['stripe-permission-coverage.md']).toContain('customer_write');
    // The CLI documentation runs on this committed copy: it must stay what the run writes.
    if (k === 'examples/vitest-project') expect(report).toEqual(JSON.parse(readFileSync(join(root, 'examples/reports/customer-panel.json'), 'utf8')));
  });
});
