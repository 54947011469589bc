// The ESLint plugin on a fixture project (a UI extension, an Express backend, a Next.js route
// handler and one file per call shape), linted by ESLint 9 as users run it: typed (typescript-eslint
// projectService) and untyped (no type information: the binding fallback).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';
import plugin from '../src/eslint/index.js';
import { importResolver, type EslintParser } from '../src/eslint/imported-modules.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/static/', import.meta.url));
const RULE = 'stripe-permission-guard/no-undeclared-permission';

type Mode = 'typed' | 'untyped';
interface Found {
  readonly file: string;
  readonly line: number;
  readonly messageId: string;
  readonly message: string;
}

async function lintFixtures(mode: Mode): Promise<Found[]> {
  const eslint = new ESLint({
    cwd: FIXTURES,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts', '**/*.tsx'],
        languageOptions: {
          parser: tseslint.parser,
          parserOptions: mode === 'typed' ? { projectService: true, tsconfigRootDir: FIXTURES } : {},
        },
      },
      { files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.cjs'], ...plugin.configs.recommended },
      { files: ['**/*.ts', '**/*.tsx', '**/*.mjs', '**/*.cjs'], rules: { [RULE]: ['error', { reportDynamic: true }] } },
    ],
  });
  const results = await eslint.lintFiles(['.']);
  return results.flatMap((r) =>
    r.messages.map((m) => {
      // A parse or config error would show up here without a messageId: fail loudly on it.
      expect(m.ruleId, m.message).toBe(RULE);
      return { file: r.filePath.slice(FIXTURES.length).split('\\').join('/'), line: m.line, messageId: m.messageId!, message: m.message };
    }),
  );
}

/** The 1-based line of the only line of `file` containing `marker`. */
function lineOf(file: string, marker: string): number {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').split('\n');
  const hits = lines.flatMap((l, i) => (l.includes(marker) ? [i + 1] : []));
  expect(hits, `${file}: "${marker}"`).toHaveLength(1);
  return hits[0]!;
}

// [file, marker on the reported line, messageId, fragment of the message, found in which modes]
const EXPECTED: readonly [string, string, string, string, readonly Mode[]][] = [
  [
    'shapes/v1-method.ts',
    'customers.update(id',
    'missing',
    "Having the 'customer_write' permission would allow this request to continue.",
    ['typed', 'untyped'],
  ],
  ['shapes/v1-method.ts', 'customers.del(id', 'missing', 'customers.del needs customer_write', ['typed', 'untyped']],
  [
    'shapes/expand.ts',
    'subscriptions.list',
    'missing',
    'subscriptions.list with expand data.default_payment_method needs one of payment_method_read, payment_method_write',
    ['typed', 'untyped'],
  ],
  ['shapes/expand.ts', 'charges.list(params)', 'missing', 'charges.list with expand data.review needs one of review_read, review_write', ['typed', 'untyped']],
  ['shapes/v2.ts', 'v2.core.events.list', 'missing', 'v2.core.events.list needs event_read', ['typed', 'untyped']],
  ['shapes/raw-request.ts', "rawRequest('POST'", 'missing', 'customers.update needs customer_write', ['typed', 'untyped']],
  ['shapes/raw-request.ts', "rawRequest('GET', path)", 'dynamic', 'its HTTP method or path is not a literal', ['typed', 'untyped']],
  [
    'shapes/webhook-events.ts',
    'webhookEndpoints.create',
    'missing',
    "Having the 'payout_read' permission would allow this request to continue.",
    ['typed', 'untyped'],
  ],
  ['shapes/webhook-events.ts', 'webhookEndpoints.update', 'dynamic', 'its enabled_events are not literal', ['typed', 'untyped']],
  ['shapes/with-context.ts', 'scoped.payouts.list', 'missing', 'payouts.list needs one of payout_read, payout_write', ['typed', 'untyped']],
  ['shapes/typed-only.ts', 'deps.stripe.taxRates.list', 'missing', 'taxRates.list needs one of tax_rate_read, tax_rate_write', ['typed']],
  ['shapes/typed-only.ts', 'make().promotionCodes.list', 'missing', 'promotionCodes.list needs one of promotion_code_read', ['typed']],
  [
    'shapes/unknown.ts',
    'climate.orders.list',
    'unknown',
    'Cannot check climate.orders.list: No edition of the Stripe Apps permissions reference lists this resource (Climate)',
    ['typed', 'untyped'],
  ],
  ['shapes/unknown.ts', "expand: ['nope']", 'unknown', 'expand nope: "nope" is not an expandable property of Invoice', ['typed', 'untyped']],
  ['shapes/dynamic.ts', '{ expand }', 'dynamic', 'Cannot fully check invoices.retrieve: its expand paths are not literal', ['typed', 'untyped']],
  ['shapes/dynamic.ts', '...base', 'dynamic', 'Cannot fully check charges.list: its expand paths are not literal', ['typed', 'untyped']],
  ['ui-extension/src/views/CustomerDetailView.tsx', 'stripe.customers.update', 'missing', 'customers.update needs customer_write', ['typed', 'untyped']],
  ['ui-extension/src/views/CustomerDetailView.tsx', 'getClient().payouts.list', 'missing', 'payouts.list needs one of payout_read', ['typed', 'untyped']],
  ['backend/src/server.ts', 'webhookEndpoints.create', 'missing', 'event payout.paid needs one of payout_read', ['typed', 'untyped']],
  ['backend/src/billing-service.ts', 'this.stripe.refunds.create', 'missing', 'refunds.create needs charge_write', ['typed', 'untyped']],
  ['next/app/api/checkout/route.ts', 'checkout.sessions.create', 'missing', 'checkout.sessions.create needs checkout_session_write', ['typed', 'untyped']],
  // A checkout session's line_items hold no object with a family of its own: unknown, never the holder's permission.
  ['next/app/api/checkout/route.ts', "expand: ['data.line_items']", 'unknown', 'line_items', ['typed', 'untyped']],
  ['untyped/legacy.cjs', 'stripe.payouts.list', 'missing', 'payouts.list needs one of payout_read', ['typed', 'untyped']],
  ['untyped/module.mjs', 'alias.refunds.create', 'missing', 'refunds.create needs charge_write', ['typed', 'untyped']],
];

describe.each<Mode>(['typed', 'untyped'])('no-undeclared-permission, %s', (mode) => {
  let found: Found[];
  // Typed linting builds a TypeScript program over stripe's declarations: seconds on 2 cores.
  beforeAll(async () => {
    found = await lintFixtures(mode);
  }, 120_000);

  const rows = EXPECTED.filter((r) => r[4].includes(mode));
  it.each(rows)('%s: %s → %s', (file, marker, messageId, fragment) => {
    const line = lineOf(file, marker);
    const here = found.filter((f) => f.file === file && f.line === line && f.messageId === messageId);
    expect(here.map((f) => f.message).join('\n')).toContain(fragment);
  });

  it('words a missing permission as the runtime rejection, with the grant command', () => {
    const line = lineOf('shapes/v1-method.ts', 'customers.update(id');
    expect(found.find((f) => f.file === 'shapes/v1-method.ts' && f.line === line)?.message).toBe(
      "This application does not have the required permissions for this endpoint. Having the 'customer_write' permission would allow this request to continue.\n" +
        '[stripe-permission-guard] customers.update needs customer_write, which stripe-app.json does not declare. ' +
        'Fix: stripe apps grant permission "customer_write" "<purpose>"',
    );
  });

  it('reports nothing else: covered calls and look-alikes stay quiet', () => {
    const expected = rows.map(([file, marker, messageId]) => `${file}:${lineOf(file, marker)} ${messageId}`).sort();
    expect(found.map((f) => `${f.file}:${f.line} ${f.messageId}`).sort()).toEqual(expected);
  });
});

describe('the plugin object', () => {
  it('has meta, the rule and a recommended flat config that refers to itself', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
    expect(plugin.meta).toEqual({ name: pkg.name, version: pkg.version });
    expect(Object.keys(plugin.rules)).toEqual(['no-undeclared-permission']);
    expect(plugin.configs.recommended.plugins?.['stripe-permission-guard']).toBe(plugin);
    expect(plugin.configs.recommended.rules).toEqual({ [RULE]: 'error' });
  });
});

describe('imported modules without typescript-estree', () => {
  it("are read with the parser ESLint lints with (espree for JavaScript): the client module's exports are found", () => {
    const espree = createRequire(import.meta.url)('espree') as EslintParser;
    const dir = mkdtempSync(join(tmpdir(), 'spg-eslint-espree-'));
    writeFileSync(
      join(dir, 'stripe.mjs'),
      `import Stripe from 'stripe';\nexport const stripe = new Stripe('k');\nexport default function make() { return new Stripe('k'); }\nexport const notClient = {};\n`,
    );
    writeFileSync(join(dir, 'view.mjs'), `import { stripe } from './stripe.mjs';\n`);
    writeFileSync(join(dir, 'types.ts'), `export const stripe: number = 1;\n`);
    const resolve = importResolver(join(dir, 'view.mjs'), dir, espree, false)!;
    expect(resolve('./stripe.mjs', 'stripe')).toBe('client');
    expect(resolve('./stripe.mjs', 'default')).toBe('factory');
    expect(resolve('./stripe.mjs', 'notClient')).toBeUndefined();
    // A TypeScript module espree cannot parse is not followed (and does not throw).
    expect(resolve('./types', 'stripe')).toBeUndefined();
    expect(importResolver(join(dir, 'view.mjs'), dir, undefined, false)).toBeUndefined();
  });
});
