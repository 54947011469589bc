// `scan` on the fixture project, its agreement with the ESLint rule (one analysis, one resolver),
// its bounds, and `suggest --usage <scan.json>`. Most rows use the library in-process (each bin
// run loads the TypeScript parser again); the bin is run for what only it does: exit codes, text,
// and JSON identical to the library's. `npm test` builds first.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../src/eslint/index.js';
import { buildReport, type TestRecord } from '../src/coverage/report.js';
import { loadManifest } from '../src/config/manifest.js';
import { scan, type ScanResult } from '../src/static/scan.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/static/', import.meta.url));

function run(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
const scanJson = (cwd: string, ...args: string[]) => {
  const r = run(cwd, 'scan', '--json', ...args);
  return { code: r.code, result: JSON.parse(r.out) as ScanResult };
};

describe('scan on the fixture project', () => {
  const result = scan([], { cwd: FIXTURES, manifest: loadManifest(join(FIXTURES, 'stripe-app.json')) });

  it('the bin prints the same JSON, and exits 1 when a call site needs an undeclared permission', () => {
    const cli = scanJson(FIXTURES, '--manifest', 'stripe-app.json');
    expect(cli.code).toBe(1);
    expect(cli.result).toEqual({ ...result, manifest: 'stripe-app.json' });
  });

  it('lists what the manifest misses, with the sites that need it', () => {
    expect(result.missing).toEqual([
      { permission: 'charge_write', sites: ['backend/src/billing-service.ts:12 refunds.create', 'untyped/module.mjs:8 refunds.create'] },
      { permission: 'checkout_session_write', sites: ['next/app/api/checkout/route.ts:14 checkout.sessions.create'] },
      {
        permission: 'customer_write',
        sites: [
          'shapes/raw-request.ts:7 rawRequest POST /v1/customers/${…} (customers.update)',
          'shapes/v1-method.ts:7 customers.update',
          'shapes/v1-method.ts:8 customers.del',
          'ui-extension/src/views/CustomerDetailView.tsx:23 customers.update',
        ],
      },
      { permission: 'event_read', sites: ['shapes/v2.ts:6 v2.core.events.list'] },
      { permission: 'payment_method_read', sites: ['shapes/expand.ts:6 subscriptions.list with expand data.default_payment_method'] },
      {
        permission: 'payout_read',
        sites: [
          'backend/src/server.ts:18 webhookEndpoints.create (event payout.paid)',
          'shapes/webhook-events.ts:6 webhookEndpoints.create (event payout.paid)',
          'shapes/with-context.ts:8 payouts.list',
          // getClient() of another module: the untyped analysis follows the import.
          'ui-extension/src/views/CustomerDetailView.tsx:28 payouts.list',
          'untyped/legacy.cjs:7 payouts.list',
        ],
      },
      { permission: 'review_read', sites: ['shapes/expand.ts:9 charges.list with expand data.review'] },
    ]);
  });

  it('lists declared permissions no call site needs', () => expect(result.unused).toEqual(['coupon_read']));

  // [site, call, expand, requirements (anyOf joined), unknown becauses, dynamic parts]
  it.each<[string, string, string[], string[], string[], string[]]>([
    ['shapes/v1-method.ts:6', 'customers.retrieve', [], ['customer_read,customer_write'], [], []],
    ['shapes/v1-method.ts:9', 'charges.list', [], ['charge_read,charge_write'], [], []],
    ['shapes/expand.ts:9', 'charges.list', ['data.review'], ['charge_read,charge_write', 'review_read,review_write'], [], []],
    ['shapes/v2.ts:6', 'v2.core.events.list', [], ['event_read'], [], []],
    [
      'shapes/raw-request.ts:6',
      'rawRequest GET /v1/customers/cus_1',
      ['default_source'],
      ['customer_read,customer_write', 'customer_read,customer_write'],
      [],
      [],
    ],
    ['shapes/raw-request.ts:8', 'rawRequest GET <path>', [], [], [], ['path']],
    ['shapes/webhook-events.ts:7', 'webhookEndpoints.update', [], ['webhook_write'], [], ['enabled_events']],
    ['shapes/unknown.ts:6', 'climate.orders.list', [], [], ['climate.orders.list'], []],
    ['shapes/unknown.ts:7', 'invoices.retrieve', ['nope'], ['invoice_read,invoice_write'], ['expand nope'], []],
    ['shapes/dynamic.ts:6', 'invoices.retrieve', [], ['invoice_read,invoice_write'], [], ['expand']],
    ['backend/src/server.ts:13', 'customers.retrieve', ['default_source'], ['customer_read,customer_write', 'customer_read,customer_write'], [], []],
  ])('%s %s', (where, call, expand, requirements, unknowns, dynamic) => {
    const site = result.sites.find((s) => `${s.file}:${s.line}` === where);
    expect(site).toMatchObject({ call, expand });
    expect(site!.requirements.map((r) => r.anyOf.join())).toEqual(requirements);
    expect(site!.unknowns.map((u) => u.because)).toEqual(unknowns);
    expect(site!.dynamic).toEqual(dynamic);
  });

  it('finds no call in look-alikes', () => expect(result.sites.filter((s) => s.file === 'shapes/not-clients.ts')).toEqual([]));

  it('prints the union with the sites needing each requirement', () => {
    expect(result.needed.find((n) => n.anyOf.join() === 'event_read')).toEqual({ anyOf: ['event_read'], sites: ['shapes/v2.ts:6'] });
    const r = run(FIXTURES, 'scan', '--manifest', 'stripe-app.json');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Scanned 17 files: 30 Stripe call sites.');
    expect(r.out).toContain('Missing from stripe-app.json (7):');
    expect(r.out).toContain('Fix: stripe apps grant permission "event_read" "<purpose>"');
    expect(r.out).toContain('Declared but needed by no call site (1):\n  · coupon_read');
  });

  it('without --manifest: what the code needs, exit 0', () => {
    const plain = scanJson(FIXTURES, 'shapes', 'untyped/module.mjs');
    expect(plain.code).toBe(0);
    expect(plain.result.manifest).toBeNull();
    expect(plain.result.missing).toBeUndefined();
    expect(plain.result.sites.every((s) => s.file.startsWith('shapes/') || s.file === 'untyped/module.mjs')).toBe(true);
    expect(plain.result.sites.find((s) => s.file === 'untyped/module.mjs')?.requirements).toEqual([{ anyOf: ['charge_write'], because: 'refunds.create' }]);
  });

  it('agrees with the ESLint rule without type information, site by site', () => {
    const fromRule: string[] = [];
    const linter = new Linter({ cwd: FIXTURES });
    for (const site of new Set(result.sites.map((s) => s.file))) {
      const messages = linter.verify(
        readFileSync(join(FIXTURES, site), 'utf8'),
        [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser } }, plugin.configs.recommended],
        join(FIXTURES, site),
      );
      for (const m of messages) {
        const permission = /Having the '([a-z_]+)' permission/.exec(m.message)?.[1];
        if (m.messageId === 'missing' && permission) fromRule.push(`${site}:${m.line} ${permission}`);
      }
    }
    const fromScan = result.sites.flatMap((s) => s.requirements.filter((r) => r.missing).map((r) => `${s.file}:${s.line} ${r.missing}`));
    expect(fromRule.sort()).toEqual(fromScan.sort());
    expect(fromScan.length).toBeGreaterThan(10);
  });
});

describe('scan bounds', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spg-scan-'));
  const call = "import Stripe from 'stripe';\nconst stripe = new Stripe('sk_test_x');\nstripe.customers.update('cus_1', {});\n";
  for (const [file, text] of <[string, string][]>[
    ['src/app.ts', call],
    ['src/types.d.ts', call],
    ['node_modules/dep/index.js', call],
    ['dist/app.js', call],
    ['.next/server.js', call],
    ['src/broken.ts', 'const = ;'],
    ['src/huge.js', `${call}${'// padding\n'.repeat(110_000)}`],
    ['src/readme.md', call],
  ]) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), text);
  }

  it('skips dependencies, build output, hidden and declaration files; reports unparsable and huge ones', () => {
    const result = scan([], { cwd: dir });
    expect(result.sites.map((s) => s.file)).toEqual(['src/app.ts']);
    expect(result.files).toBe(1);
    expect(result.skipped.map((s) => s.file).sort()).toEqual(['src/broken.ts', 'src/huge.js']);
    expect(result.skipped.find((s) => s.file === 'src/broken.ts')?.reason).toMatch(/^cannot parse \(line 1\)/);
  });

  it('scans a named file wherever it is, and names a path that does not exist', () => {
    const result = scan(['dist/app.js', 'nope'], { cwd: dir });
    expect(result.sites.map((s) => s.file)).toEqual(['dist/app.js']);
    expect(result.skipped).toEqual([{ file: 'nope', reason: 'no such file or directory' }]);
  });

  it('an unreadable manifest is a usage error (exit 2)', () => {
    expect(run(dir, 'scan', '--manifest', 'missing.json').code).toBe(2);
  });
});

describe('suggest --usage <scan.json>', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spg-scan-suggest-'));
  cpSync(join(FIXTURES, 'shapes'), join(dir, 'shapes'), { recursive: true });
  writeFileSync(
    join(dir, 'stripe-app.json'),
    JSON.stringify(
      {
        id: 'com.example.app',
        permissions: [
          { permission: 'customer_read', purpose: 'Show customers' },
          { permission: 'coupon_read', purpose: 'Old' },
        ],
      },
      null,
      2,
    ),
  );
  writeFileSync(join(dir, 'scan.json'), JSON.stringify(scan([], { cwd: dir })));

  it('suggests the least-privilege permissions the code needs, keeping purposes', () => {
    const r = run(dir, 'suggest', '--usage', 'scan.json', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out) as { add: string[]; drop: string[]; keep: string[]; withheld: string[]; unknownCalls: number };
    expect(s.add).toEqual(
      [
        'charge_read',
        'event_read',
        'invoice_read',
        'payment_method_read',
        'payout_read',
        'review_read',
        'subscription_read',
        'customer_write',
        'webhook_write',
      ].sort(),
    );
    // Two calls the map cannot decide, and calls with non-literal parts, may need any declared
    // permission: nothing is dropped, what would be is listed as withheld.
    expect(s.drop).toEqual([]);
    expect(s.withheld).toEqual(['customer_read', 'coupon_read']);
    expect(s.keep).toEqual(['customer_read', 'coupon_read']);
    expect(s.unknownCalls).toBe(2);
  });

  it('merges a scan with a coverage report', () => {
    const record: TestRecord = {
      method: 'taxRates.list',
      httpMethod: 'GET',
      path: '/v1/tax_rates',
      status: 'mapped',
      declared: [],
      unknowns: [],
      test: 't',
      satisfied: [],
      missing: [{ anyOf: ['tax_rate_read', 'tax_rate_write'], because: 'taxRates.list', permission: 'tax_rate_read' }],
      outcome: 'rejected',
    };
    writeFileSync(join(dir, 'coverage.json'), JSON.stringify(buildReport([record])));
    const s = JSON.parse(run(dir, 'suggest', '--usage', 'scan.json', '--usage', 'coverage.json', '--json').out) as { add: string[] };
    expect(s.add).toContain('tax_rate_read');
    expect(s.add).toContain('event_read');
  });

  it('refuses a file that is neither a report nor a well-formed scan (exit 2)', () => {
    writeFileSync(join(dir, 'bad-scan.json'), JSON.stringify({ schema: 'stripe-permission-guard/scan@1', sites: [{ call: 'x' }] }));
    const r = run(dir, 'suggest', '--usage', 'bad-scan.json');
    expect(r.code).toBe(2);
    expect(r.err).toContain('is not a coverage report or a scan');
  });
});

// Following the client across modules without type information: [layout, files]. Each layout's
// `use` file makes one call, `customers.update`, which scan must find.
const MODULE_LAYOUTS: readonly [string, Record<string, string>][] = [
  [
    'ESM default export of a new client, imported by a .tsx view',
    {
      'src/stripe.ts': `import Stripe from 'stripe';\nexport default new Stripe('k');\n`,
      'src/use.tsx': `import s from './stripe';\ns.customers.update('c', {});\n`,
    },
  ],
  [
    'export * re-export chain (index → stripe)',
    {
      'src/stripe.ts': `import Stripe from 'stripe';\nexport const stripe = new Stripe('k');\n`,
      'src/lib/index.ts': `export * from '../stripe';\n`,
      'src/use.ts': `import { stripe } from './lib';\nstripe.customers.update('c', {});\n`,
    },
  ],
  [
    'a factory (arrow function) memoising the client',
    {
      'src/stripe.ts': `import Stripe from 'stripe';\nlet client: Stripe | undefined;\nexport const getClient = () => (client ??= new Stripe('k'));\n`,
      'src/use.ts': `import { getClient } from './stripe.js';\nconst s = getClient();\ns.customers.update('c', {});\n`,
    },
  ],
  [
    'guard(new Stripe()) exported, imported under another name',
    {
      'src/stripe.ts': `import Stripe from 'stripe';\nimport { guard } from 'stripe-permission-guard';\nexport const stripe = guard(new Stripe('k'), { manifest: './stripe-app.json' });\n`,
      'src/use.ts': `import { stripe as api } from './stripe';\napi.customers.update('c', {});\n`,
    },
  ],
  [
    'CommonJS module.exports = client, required by a .js file',
    {
      'src/stripe.js': `const Stripe = require('stripe');\nmodule.exports = new Stripe('k');\n`,
      'src/use.js': `const stripe = require('./stripe');\nstripe.customers.update('c', {});\n`,
    },
  ],
  [
    'CommonJS exports.x, read as require(...).x',
    {
      'src/stripe.cjs': `const Stripe = require('stripe');\nexports.client = Stripe('k');\n`,
      'src/use.cjs': `require('./stripe.cjs').client.customers.update('c', {});\n`,
    },
  ],
  [
    'an ESM .mjs view importing a .js module by its .js name from a TypeScript file',
    {
      'src/stripe.ts': `import Stripe from 'stripe';\nexport function make() { return new Stripe('k'); }\n`,
      'src/use.mjs': `import { make } from './stripe.js';\nmake().customers.update('c', {});\n`,
    },
  ],
  [
    'an import cycle (a re-exports b, b re-exports a)',
    {
      'src/a.ts': `export * from './b';\nimport Stripe from 'stripe';\nexport const stripe = new Stripe('k');\n`,
      'src/b.ts': `export * from './a';\n`,
      'src/use.ts': `import { stripe } from './b';\nstripe.customers.update('c', {});\n`,
    },
  ],
];

describe('scan follows the client across modules', () => {
  it.each(MODULE_LAYOUTS)('%s', (_, files) => {
    const dir = mkdtempSync(join(tmpdir(), 'spg-scan-modules-'));
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    }
    const result = scan(['src'], { cwd: dir });
    expect(result.sites.map((s) => `${s.file} ${s.call}`)).toEqual([`${Object.keys(files).find((f) => /use\./.test(f))} customers.update`]);
    // Only the views were given: the client module outside the scanned paths is still followed.
    const viewsOnly = scan([Object.keys(files).find((f) => /use\./.test(f))!], { cwd: dir });
    expect(viewsOnly.calls).toBe(1);
  });

  it('a look-alike imported from a module that exports no client is not a client', () => {
    const dir = mkdtempSync(join(tmpdir(), 'spg-scan-modules-'));
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src/db.ts'), `export const stripe = { customers: { update() {} } };\nexport function getStripe() { return stripe; }\n`);
    writeFileSync(
      join(dir, 'src/use.ts'),
      `import { stripe, getStripe } from './db';\nstripe.customers.update('c', {});\ngetStripe().customers.update('c', {});\n`,
    );
    expect(scan(['src'], { cwd: dir }).calls).toBe(0);
  });
});

describe('a scan that finds nothing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spg-scan-empty-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(
    join(dir, 'src/a.ts'),
    `// The client comes from a package the scan does not follow.\nimport { stripe } from '@acme/stripe-client';\nstripe.customers.update('c', {});\n`,
  );
  writeFileSync(join(dir, 'stripe-app.json'), JSON.stringify({ id: 'com.example.app', version: '1.0.0', permissions: [] }));

  it('says so and exits 1, never printing an all-clear', () => {
    const r = run(dir, 'scan', 'src', '--manifest', 'stripe-app.json');
    expect(r.code).toBe(1);
    expect(r.err).toContain('Found no Stripe call in 1 file');
    expect(r.out).not.toContain('covers every call site');
    expect(r.out).toContain('No Stripe call found: stripe-app.json was not checked against anything.');
  });

  it('--allow-empty accepts it; the JSON counts files and calls', () => {
    const r = scanJson(dir, 'src', '--allow-empty');
    expect(r.code).toBe(0);
    expect(r.result).toMatchObject({ files: 1, calls: 0, sites: [] });
  });
});
