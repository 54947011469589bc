// One table of cases, every offline surface: check(), the guard, the matchers, the ESLint rule
// (typed and untyped) and `scan` must report the same verdict (verdictOf's kind) for each call, in
// fresh projects laid out like real Stripe Apps (a client module, views importing it). Then a
// `scan --json | suggest --write` round trip on those projects must never drop a declared
// permission a call needs. `npm test` builds first (the bin is run for the round trip).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/eslint/index.js';
import { check, guard, type VerdictKind } from '../src/index.js';
import { loadManifest } from '../src/config/manifest.js';
import { scan } from '../src/static/scan.js';
import { installPermissionMatchers } from '../src/testing/vitest.js';

installPermissionMatchers();

const REPO = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(REPO, 'dist/cli.js');
const RULE = 'stripe-permission-guard/no-undeclared-permission';

type Params = Record<string, unknown> | undefined;
// [method id, arguments as the source writes them, params check() reads, permissions, verdict]
const ROWS: readonly (readonly [string, string, Params, readonly string[], VerdictKind])[] = [
  ['customers.retrieve', `'cus_1'`, undefined, ['customer_read'], 'allowed'],
  ['customers.update', `'cus_1', { name: 'x' }`, undefined, ['customer_read'], 'missing'],
  ['customers.list', `{ expand: ['data.a.b.c.d.e'] }`, { expand: ['data.a.b.c.d.e'] }, ['customer_read'], 'invalid'],
  ['accounts.retrieveCurrent', ``, undefined, ['connected_account_read'], 'refused'],
  ['climate.orders.list', ``, undefined, ['customer_read'], 'unknown'],
  ['invoices.retrieve', `'in_1', { expand: ['customer'] }`, { expand: ['customer'] }, ['invoice_read'], 'missing'],
  ['invoices.retrieve', `'in_1', { expand: ['customer'] }`, { expand: ['customer'] }, ['invoice_read', 'customer_read'], 'allowed'],
  ['oauth.authorizeUrl', `{}`, {}, ['customer_read'], 'allowed'],
  ['charges.list', ``, undefined, ['charge_write'], 'allowed'],
  ['webhookEndpoints.create', `{ url: 'https://x.test', enabled_events: ['payout.paid'] }`, { enabled_events: ['payout.paid'] }, ['webhook_write'], 'missing'],
  ['balanceTransactions.retrieve', `'txn_1', { expand: ['source'] }`, { expand: ['source'] }, ['balance_transaction_source_read'], 'allowed'],
];

// How a view reaches the client: the layouts Stripe Apps and their backends use.
const LAYOUTS: readonly { readonly name: string; readonly ext: string; readonly head: string; readonly client: string }[] = [
  { name: 'named', ext: 'tsx', head: `import { stripe } from '../stripe';`, client: 'stripe' },
  { name: 'default', ext: 'tsx', head: `import client from '../stripe';`, client: 'client' },
  { name: 'factory', ext: 'ts', head: `import { getStripe } from '../stripe.js';`, client: 'getStripe()' },
  { name: 're-export', ext: 'tsx', head: `import { api } from '../clients';`, client: 'api' },
  { name: 'guarded', ext: 'ts', head: `import { guarded } from '../guarded';`, client: 'guarded' },
  { name: 'namespace', ext: 'tsx', head: `import * as clients from '../stripe';`, client: 'clients.stripe' },
  { name: 'commonjs', ext: 'cjs', head: `const { stripe } = require('../client.cjs');`, client: 'stripe' },
];

const CLIENT_MODULES: Record<string, string> = {
  'src/stripe.ts': [
    `import Stripe from 'stripe';`,
    `// As Stripe's UI-extension template makes it (createHttpClient, STRIPE_API_KEY from the SDK).`,
    `export const stripe = new Stripe(process.env.STRIPE_API_KEY ?? '', { apiVersion: '2023-08-16' as never });`,
    `export default stripe;`,
    `export function getStripe(): Stripe {`,
    `  return stripe;`,
    `}`,
  ].join('\n'),
  'src/clients/index.ts': `export { stripe as api } from '../stripe';\n`,
  'src/guarded.ts': `import { guard } from 'stripe-permission-guard';\nimport { stripe } from './stripe';\nexport const guarded = guard(stripe, { manifest: './stripe-app.json' });\n`,
  'src/client.cjs': `const Stripe = require('stripe');\nconst stripe = new Stripe(process.env.STRIPE_API_KEY);\nmodule.exports = { stripe };\n`,
};

/** A row's view: one call, reported at line 3. */
const view = (row: (typeof ROWS)[number], layout: (typeof LAYOUTS)[number]) =>
  `${layout.head}\n// ${row[4]}\n${layout.ext === 'cjs' ? 'module.exports.load = ' : 'export const load = '}() => ${layout.client}.${row[0]}(${row[1]});\n`;

const ROOT = mkdtempSync(join(REPO, 'test', '.surfaces-'));
interface Placed {
  readonly row: (typeof ROWS)[number];
  readonly project: string;
  readonly file: string;
  readonly layout: string;
}
const placed: Placed[] = [];
// One project per permission set (one manifest each); every row in the first layout and in one more.
const projects = new Map<string, string>();
ROWS.forEach((row, i) => {
  const key = row[3].join(',');
  let project = projects.get(key);
  if (!project) {
    project = `app${projects.size}`;
    projects.set(key, project);
    const dir = join(ROOT, project);
    mkdirSync(join(dir, 'src/views'), { recursive: true });
    mkdirSync(join(dir, 'src/clients'), { recursive: true });
    writeFileSync(
      join(dir, 'stripe-app.json'),
      JSON.stringify({ id: 'com.example.app', version: '1.0.0', permissions: row[3].map((p) => ({ permission: p, purpose: `Needed: ${p}` })) }, null, 2),
    );
    for (const [file, text] of Object.entries(CLIENT_MODULES)) writeFileSync(join(dir, file), text);
  }
  for (const layout of new Set([LAYOUTS[0]!, LAYOUTS[1 + (i % (LAYOUTS.length - 1))]!])) {
    const file = `src/views/row${i}-${layout.name}.${layout.ext}`;
    writeFileSync(join(ROOT, project, file), view(row, layout));
    placed.push({ row, project, file, layout: layout.name });
  }
});
writeFileSync(
  join(ROOT, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true, types: ['node'] },
    include: ['**/*.ts', '**/*.tsx'],
  }),
);
afterAll(() => rmSync(ROOT, { recursive: true, force: true }));

const label = (p: Placed) => `${p.row[0]}(${p.row[1]}) with [${p.row[3].join(', ')}] via ${p.layout}`;

describe('the table, through check(), the guard and the matchers', () => {
  it.each(ROWS.map((r) => [`${r[0]}(${r[1]}) with [${r[3].join(', ')}]`, r] as const))('%s', async (_, [method, , params, permissions, kind]) => {
    const c = check(method, params, permissions);
    expect(c.verdict).toBe(kind);
    expect(c.allowed).toBe(kind === 'allowed');
    // Advice only for missing: a refused or invalid call is never advised a permission.
    expect(c.detail.advice.length > 0).toBe(kind === 'missing');
    if (kind === 'allowed') expect([method, params]).toBeAllowedBy(permissions);
    else expect([method, params]).not.toBeAllowedBy(permissions);
    if (kind === 'refused' || kind === 'invalid') {
      expect([method, params]).not.toRequirePermissions([]);
      expect([method, params]).not.toRequirePermissions(permissions);
    }
    expect(await viaGuard(method, params, permissions)).toBe(kind);
  });
});

/** What the guard does with the call: its violation's kind, or allowed when it sends it. */
async function viaGuard(method: string, params: Params, permissions: readonly string[]): Promise<VerdictKind> {
  let sent = false;
  const kinds: string[] = [];
  const httpClient = Stripe.createFetchHttpClient((async () => {
    sent = true;
    return new Response('{"id":"x","object":"thing","data":[]}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch);
  const stripe = guard(new Stripe('sk_test_x', { httpClient, telemetry: false, maxNetworkRetries: 0 }), {
    permissions,
    onUnmapped: 'throw',
    onViolation: (v) => void kinds.push(v.kind),
    logger: { warn() {} },
  });
  const path = method.split('.');
  let target: unknown = stripe;
  for (const part of path.slice(0, -1)) target = (target as Record<string, unknown>)[part];
  const fn = (target as Record<string, (...a: unknown[]) => unknown>)[path[path.length - 1]!]!;
  const args = method.endsWith('.retrieve') || method.endsWith('.update') ? ['id_1', params ?? {}] : params ? [params] : [];
  await Promise.resolve(fn.apply(target, args)).catch(() => undefined);
  if (kinds.length) return kinds[0] === 'unmapped' ? 'unknown' : (kinds[0] as VerdictKind);
  return sent || method === 'oauth.authorizeUrl' ? 'allowed' : 'unknown';
}

describe('the table, in Stripe App projects, through ESLint (typed and untyped) and scan', () => {
  const linted: Record<'typed' | 'untyped', Map<string, string[]>> = { typed: new Map(), untyped: new Map() };
  beforeAll(async () => {
    for (const mode of ['typed', 'untyped'] as const) {
      const eslint = new ESLint({
        cwd: ROOT,
        overrideConfigFile: true,
        overrideConfig: [
          {
            files: ['**/*.ts', '**/*.tsx'],
            languageOptions: { parser: tseslint.parser, parserOptions: mode === 'typed' ? { projectService: true, tsconfigRootDir: ROOT } : {} },
          },
          { files: ['**/*.ts', '**/*.tsx', '**/*.cjs'], ...plugin.configs.recommended },
        ],
      });
      for (const r of await eslint.lintFiles(['.'])) {
        for (const m of r.messages) expect(m.ruleId, m.message).toBe(RULE);
        linted[mode].set(
          r.filePath
            .slice(ROOT.length + 1)
            .split('\\')
            .join('/'),
          r.messages.map((m) => `${m.line} ${m.messageId}`),
        );
      }
    }
  }, 120_000);

  // ESLint says nothing about an allowed call, and reports the verdict's kind otherwise.
  const expectedLint = (kind: VerdictKind) => (kind === 'allowed' ? [] : [`3 ${kind}`]);

  it.each(placed.map((p) => [label(p), p] as const))('%s', (_, p) => {
    const kind = p.row[4];
    const file = `${p.project}/${p.file}`;
    expect(linted.untyped.get(file), 'ESLint without types').toEqual(expectedLint(kind));
    // Typed linting reads .ts/.tsx files; a CommonJS .cjs view is linted as JavaScript, as without types.
    expect(linted.typed.get(file), 'ESLint with types').toEqual(expectedLint(kind));
    const dir = join(ROOT, p.project);
    const result = scan(['src'], { cwd: dir, manifest: loadManifest(join(dir, 'stripe-app.json')) });
    const site = result.sites.find((s) => s.file === p.file);
    expect(site?.verdict, 'scan').toBe(kind);
    if (kind === 'refused' || kind === 'invalid') expect(site!.requirements).toEqual([]);
  });

  it('scan exits 1 on a project with a refused or invalid call, and counts files and calls', () => {
    const project = placed.find((p) => p.row[4] === 'invalid')!.project;
    const r = spawnSync(process.execPath, [CLI, 'scan', 'src', '--manifest', 'stripe-app.json', '--json'], { cwd: join(ROOT, project), encoding: 'utf8' });
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as { files: number; calls: number; refused: string[] };
    expect(json.calls).toBe(placed.filter((p) => p.project === project).length);
    expect(json.files).toBeGreaterThan(json.calls);
    expect(json.refused.join('\n')).toMatch(/refused before sending: the expand path "data\.a\.b\.c\.d\.e"/);
  });
});

describe('scan --json | suggest --write on those projects', () => {
  it.each([...projects.values()])('%s: never drops a declared permission a call needs', (project) => {
    const dir = join(ROOT, project);
    const manifestFile = join(dir, 'stripe-app.json');
    const before = JSON.parse(readFileSync(manifestFile, 'utf8')) as { permissions: { permission: string; purpose: string }[] };
    const rows = placed.filter((p) => p.project === project).map((p) => p.row);
    const scanned = spawnSync(process.execPath, [CLI, 'scan', 'src', '--manifest', 'stripe-app.json', '--json'], { cwd: dir, encoding: 'utf8' });
    writeFileSync(join(dir, 'scan.json'), scanned.stdout);
    const r = spawnSync(process.execPath, [CLI, 'suggest', '--usage', 'scan.json', '--manifest', 'stripe-app.json', '--write'], { cwd: dir, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const after = JSON.parse(readFileSync(manifestFile, 'utf8')) as { permissions: { permission: string; purpose: string }[] };
    const names = after.permissions.map((p) => p.permission);
    for (const [method, , params, declared, kind] of rows) {
      // What was allowed stays allowed, what was missing is now allowed; no permission helps the rest.
      const now = check(method, params, names).verdict;
      expect(now, `${method} under [${names.join(', ')}]`).toBe(kind === 'missing' ? 'allowed' : kind);
      // A declared permission one of its requirements used is still declared, with its purpose.
      for (const s of check(method, params, declared).satisfied) {
        expect(after.permissions).toContainEqual(before.permissions.find((e) => e.permission === s.satisfiedBy));
      }
    }
    expect(names.length).toBeGreaterThan(0);
  });
});
