// The rule's options and its manifest handling, through ESLint's Linter (flat config, no types):
// which manifest a file is judged against, overrides, strictReads, what is reported, and that an
// edited manifest is read again.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../src/eslint/index.js';
import type { NoUndeclaredPermissionOptions } from '../src/eslint/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spg-eslint-'));
const entry = (permission: string) => ({ permission, purpose: 'Because' });
const manifest = (file: string, names: string[], extra: Record<string, unknown> = {}) =>
  writeFileSync(join(dir, file), JSON.stringify({ id: 'com.example.app', ...extra, permissions: names.map(entry) }));
manifest('stripe-app.json', ['customer_read']);
manifest('other.json', ['customer_write']);
writeFileSync(join(dir, 'local.json'), JSON.stringify({ extends: 'stripe-app.json', permissions: [entry('customer_write')] }));
writeFileSync(join(dir, 'routes-override.json'), JSON.stringify({ routes: { 'POST /v1/customers/*': ['customer_read'] } }));
writeFileSync(join(dir, 'broken.json'), '{ "permissions": [ { "permission": "customer_reed", "purpose": "x" } ] }');
mkdirSync(join(dir, 'nested/deeper'), { recursive: true });
manifest('nested/stripe-app.json', ['customer_write', 'invoice_read']);

// Linter only lints files under its cwd: a file elsewhere brings its own.
const lint = (code: string, options: NoUndeclaredPermissionOptions = {}, file = join(dir, 'app.mjs'), cwd = dir) => {
  const linter = new Linter({ cwd });
  return linter
    .verify(code, [{ ...plugin.configs.recommended, rules: { 'stripe-permission-guard/no-undeclared-permission': ['error', options] } }], file)
    .map((m) => {
      expect(m.ruleId, m.message).toBe('stripe-permission-guard/no-undeclared-permission');
      return `${m.messageId}: ${m.message}`;
    });
};

const client = "import Stripe from 'stripe';\nconst stripe = new Stripe('sk_test_x');\n";
const UPDATE = `${client}stripe.customers.update('cus_1', { name: 'x' });`;
const RETRIEVE = `${client}stripe.customers.retrieve('cus_1');`;

describe('which manifest', () => {
  // [name, code, options, file, expected messages (fragments, in order; [] = none)]
  it.each<[string, string, NoUndeclaredPermissionOptions, string, string[]]>([
    [
      'the nearest stripe-app.json above the file',
      UPDATE,
      {},
      'app.mjs',
      ["missing: This application does not have the required permissions for this endpoint. Having the 'customer_write' permission"],
    ],
    ['a nearer one wins', UPDATE, {}, 'nested/deeper/app.mjs', []],
    ['the manifest option (relative to cwd)', UPDATE, { manifest: 'other.json' }, 'app.mjs', []],
    ['a local manifest that extends the base', UPDATE, { manifest: 'local.json' }, 'app.mjs', []],
    ['overrides (as guard() takes them) beat the map', UPDATE, { overrides: { routes: { 'customers.update': ['customer_read'] } } }, 'app.mjs', []],
    ['overrides as a path', UPDATE, { overrides: 'routes-override.json' }, 'app.mjs', []],
    [
      'overrides for other routes keep the map',
      UPDATE,
      { overrides: { routes: { 'GET /v1/climate/**': 'none' } } },
      'app.mjs',
      ["'customer_write' permission"],
    ],
    ['a missing manifest file', UPDATE, { manifest: 'nope.json' }, 'app.mjs', ['manifest: [stripe-permission-guard] Cannot read manifest']],
    [
      'an invalid manifest names the problem',
      UPDATE,
      { manifest: 'broken.json' },
      'app.mjs',
      ['manifest: [stripe-permission-guard] Invalid manifest broken.json: 1 error', 'did you mean "customer_read"?'],
    ],
    [
      'invalid overrides',
      UPDATE,
      { overrides: { routes: { 'customers.update': ['customer_reed'] } } },
      'app.mjs',
      ['manifest: [stripe-permission-guard] the rule\'s "overrides": invalid overrides', 'did you mean "customer_read"?'],
    ],
  ])('%s', (_, code, options, file, expected) => {
    const messages = lint(code, options, join(dir, file));
    if (!expected.length) expect(messages).toEqual([]);
    else for (const fragment of expected) expect(messages.join('\n')).toContain(fragment);
  });

  it('no manifest anywhere above the file: one message, at the first call', () => {
    const outside = mkdtempSync(join(tmpdir(), 'spg-eslint-none-'));
    const messages = lint(`${UPDATE}\nstripe.customers.del('cus_1');`, {}, join(outside, 'app.mjs'), outside);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^manifest: \[stripe-permission-guard\] No stripe-app\.json found in .* or above\. Set the rule's "manifest" option/);
  });

  it('files without Stripe calls are not judged, even without a manifest', () => {
    const outside = mkdtempSync(join(tmpdir(), 'spg-eslint-none-'));
    expect(lint('const x = [1].map((n) => n + 1);', {}, join(outside, 'app.mjs'), outside)).toEqual([]);
  });

  it('an edited manifest is read again (the cache is keyed by mtime)', () => {
    manifest('edited.json', ['customer_read']);
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'edited.json'), old, old);
    expect(lint(UPDATE, { manifest: 'edited.json' })).toHaveLength(1);
    manifest('edited.json', ['customer_write']);
    expect(lint(UPDATE, { manifest: 'edited.json' })).toEqual([]);
  });
});

describe('what is reported', () => {
  const UNKNOWN = `${client}stripe.climate.orders.list();\nstripe.invoices.retrieve('in_1', { expand: ['nope', 'customer'] });`;
  const DYNAMIC = `${client}const expand = ['customer'];\nstripe.invoices.retrieve('in_1', { expand });`;
  it.each<[string, string, NoUndeclaredPermissionOptions, string[]]>([
    [
      'strictReads: a _write does not cover a read',
      RETRIEVE,
      { manifest: 'other.json', strictReads: true },
      ["missing: This application does not have the required permissions for this endpoint. Having the 'customer_read' permission"],
    ],
    ['without strictReads the _write covers it', RETRIEVE, { manifest: 'other.json' }, []],
    [
      'unknowns by default, once per call',
      UNKNOWN,
      { manifest: 'nested/stripe-app.json' },
      ['unknown: [stripe-permission-guard] Cannot check climate.orders.list', 'unknown: [stripe-permission-guard] Cannot check invoices.retrieve: expand nope'],
    ],
    ['reportUnknown: false', UNKNOWN, { manifest: 'nested/stripe-app.json', reportUnknown: false }, []],
    ['dynamic expands are quiet by default', DYNAMIC, { manifest: 'nested/stripe-app.json' }, []],
    [
      'reportDynamic: true',
      DYNAMIC,
      { manifest: 'nested/stripe-app.json', reportDynamic: true },
      ['dynamic: [stripe-permission-guard] Cannot fully check invoices.retrieve: its expand paths are not literal'],
    ],
    [
      'each missing requirement of a call on its own',
      `${client}stripe.charges.retrieve('ch_1', { expand: ['customer', 'review'] });`,
      {},
      ['charges.retrieve needs one of charge_read', 'charges.retrieve with expand review needs one of review_read'],
    ],
  ])('%s', (_, code, options, expected) => {
    const messages = lint(code, options);
    expect(messages).toHaveLength(expected.length);
    expected.forEach((fragment, i) => expect(messages[i]).toContain(fragment));
  });

  it('rejects unknown options (schema)', () => {
    expect(() => lint(UPDATE, { manifests: 'x' } as never)).toThrow(/should NOT have additional properties|Unexpected property/);
  });
});
