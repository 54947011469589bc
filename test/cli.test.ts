// The built bin, run as a subprocess: output, exit codes (0 ok, 1 check failed, 2 usage or
// unreadable input), and files written. `npm test` builds dist/ first.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildReport, REPORT_SCHEMA, type TestRecord } from '../src/coverage/report.js';
import { PURPOSE_TODO } from '../src/coverage/least-privilege.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'spg-cli-'));
const file = (name: string, content: unknown) => {
  writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return name;
};
const ANSI = /\u001b\[/;

function run(...args: string[]) {
  // NO_COLOR unset on purpose: stdout is a pipe, so no colors must appear anyway.
  const { NO_COLOR: _, ...env } = process.env;
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env });
  expect(r.stdout + r.stderr).not.toMatch(ANSI);
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const entry = (permission: string, purpose = 'Because') => ({ permission, purpose });
file('stripe-app.json', { id: 'com.example.app', permissions: [entry('customer_read'), entry('charge_read')] });
file('warn.json', { permissions: [entry('customer_read'), entry('customer_read'), entry('datastore_write')] });
file('bad.json', { permissions: [entry('customer_reed'), { permission: 'invoice_read' }, entry('coupon_read, coupon_write')] });
file('broken.json', '{\n  "permissions": [\n    { "permission": "customer_read", }\n  ]\n}\n');

// Hand-written records, as the guard would record them.
const declared = ['customer_read', 'invoice_write', 'charge_read'];
const rec = (method: string, anyOf: string[], by: string | undefined, test: string): TestRecord => ({
  method,
  httpMethod: 'GET',
  path: `/v1/${method}`,
  status: 'mapped',
  declared,
  unknowns: [],
  test,
  satisfied: by ? [{ anyOf, because: method, satisfiedBy: by, via: by }] : [],
  missing: by ? [] : [{ anyOf, because: method, permission: anyOf[0]! }],
  outcome: by ? 'allowed' : 'rejected',
});
const READ_CUSTOMER = rec('customers.retrieve', ['customer_read', 'customer_write'], 'customer_read', 'a > reads');
file('a.json', buildReport([READ_CUSTOMER, rec('charges.retrieve', ['charge_read', 'charge_write'], 'charge_read', 'a > reads')]));
file('b.json', buildReport([READ_CUSTOMER, rec('customers.update', ['customer_write'], undefined, 'b > writes')]));
file('clean-report.json', buildReport([READ_CUSTOMER]));

describe('check', () => {
  // [name, args, exit code, fragments of stdout]
  it.each<[string, string[], number, string[]]>([
    ['a clean manifest (default path)', [], 0, ['✓ stripe-app.json: 2 permissions, valid.', 'Also granted by implication: billing_clock_read']],
    [
      'warnings only',
      ['warn.json'],
      0,
      ['! warn.json: permissions[1].permission: "customer_read" is declared again', 'datastore_write', 'valid with 2 warnings'],
    ],
    [
      'every error at once',
      ['bad.json'],
      1,
      ['did you mean "customer_read"?', 'permissions[1].purpose: is missing', 'Use one entry each', 'bad.json: 3 errors.'],
    ],
    ['broken JSON, with line and column', ['broken.json'], 1, ['is not valid JSON at line 3, column']],
    ['--manifest, as every other command takes it', ['--manifest', 'bad.json'], 1, ['bad.json: 3 errors.']],
    ['covered events', ['--events', 'customer.created,charge.succeeded'], 0, ['✓ customer.created  covered by customer_read']],
    [
      'a missing and an unknown event',
      ['--events', 'coupon.created,invoice.paid', '--events', 'charge.succeded'],
      1,
      [
        '✗ coupon.created   needs one of coupon_read, coupon_write: add "coupon_read"',
        'invoice.paid     needs one of invoice_read, credit_note_read, quote_read, invoice_write, credit_note_write, quote_write: add "invoice_read"',
        'did you mean "charge.succeeded"?',
      ],
    ],
  ])('%s', (_, args, code, fragments) => {
    const r = run('check', ...args);
    expect(r.code).toBe(code);
    for (const f of fragments) expect(r.out).toContain(f);
  });

  it('a missing file is unreadable input (exit 2), without a stack trace', () => {
    const r = run('check', 'nope.json');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^\[stripe-permission-guard\] Cannot read manifest nope.json: no such file/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it.each([[['--manifest', 'stripe-app.json', 'warn.json']], [['stripe-app.json', 'warn.json']]])(
    'two manifests (%j) are a usage error naming both',
    (args) => {
      const r = run('check', ...args);
      expect(r).toMatchObject({ code: 2, out: '' });
      expect(r.err).toContain('check takes one manifest, got 2: stripe-app.json warn.json. Pass it as --manifest <file>.');
    },
  );

  it('--json has the same result and exit code', () => {
    const r = run('check', 'bad.json', '--json');
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.valid).toBe(false);
    expect(json.problems.map((p: { entry: string }) => p.entry)).toEqual(['permissions[0].permission', 'permissions[1].purpose', 'permissions[2].permission']);
  });
});

describe('explain', () => {
  it.each<[string, string[], number, string[]]>([
    [
      'a method id with --expand',
      ['customers.update', '--expand', 'default_source'],
      0,
      ['customers.update  (POST /v1/customers/{customer})', '• customers.update: customer_write', '• expand default_source: customer_read or customer_write'],
    ],
    ['"VERB /path?expand[]=…"', ['GET /v1/invoices/in_1?expand[]=customer'], 0, ['invoices.retrieve', 'expand customer: customer_read or customer_write']],
    ['covered by --manifest', ['customers.retrieve', '--manifest', 'stripe-app.json'], 0, ['✓ customers.retrieve', 'stripe-app.json covers this call.']],
    [
      'not covered by --manifest',
      ['customers.update', '--manifest', 'stripe-app.json'],
      1,
      ['✗ customers.update: customer_write', 'rejected: add "customer_write"', 'does not cover this call'],
    ],
    ['--strict-reads', ['customers.retrieve', '--strict-reads'], 0, ['customers.retrieve: customer_read\n']],
    ['events only, without a manifest', ['--events', 'coupon.created'], 0, ['• coupon.created  needs one of coupon_read, coupon_write\n']],
    [
      '--api-version before basil: Invoice.subscription is expandable',
      ['invoices.retrieve', '--expand', 'subscription', '--api-version', '2024-06-20'],
      0,
      ['• expand subscription: subscription_read or subscription_write'],
    ],
    [
      '--api-version basil: it is not',
      ['invoices.retrieve', '--expand', 'subscription', '--api-version', '2025-03-31.basil'],
      0,
      ['? expand subscription: unknown — "subscription" is not an expandable property of Invoice in API version 2025-03-31.basil'],
    ],
  ])('%s', (_, args, code, fragments) => {
    const r = run('explain', ...args);
    expect([r.code, r.err]).toEqual([code, '']);
    for (const f of fragments) expect(r.out).toContain(f);
  });

  it.each([
    ['customers.updat', 'did you mean "customers.update"?'],
    ['GET /v1/not_a_thing', 'not a route'],
    ['/v1/customers', 'give an SDK method id'],
  ])('%s is a usage error (exit 2)', (call, fragment) => {
    const r = run('explain', call);
    expect(r.code).toBe(2);
    expect(r.err).toContain(fragment);
  });

  it('--api-version that is not a version is a usage error', () => {
    const r = run('explain', 'invoices.retrieve', '--api-version', 'latest');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toContain('--api-version takes a Stripe API version such as 2024-06-20');
  });

  it('--json of a misspelled method: an unknown call, with nothing "invalid" about it', () => {
    const r = run('explain', 'customers.retreive', '--json');
    expect(r.code).toBe(2);
    const { call } = JSON.parse(r.out);
    expect(call).toMatchObject({ status: 'unknown', methodId: 'customers.retreive' });
    expect(call.reason).toContain('did you mean "customers.retrieve"?');
    expect(call).not.toHaveProperty('invalid');
  });

  it('--json parses, with coverage and the same exit code', () => {
    const r = run('explain', 'GET /v1/customers/cus_1', '--expand', 'default_source', '--manifest', 'stripe-app.json', '--json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ covered: true, manifest: 'stripe-app.json', call: { methodId: 'customers.retrieve', expand: ['default_source'] } });
  });
});

describe('suggest', () => {
  const manifest =
    '{\n    "id": "com.example.app",\n    "permissions": [\n        {\n            "permission": "customer_read",\n            "purpose": "Show customers"\n        },\n        {\n            "permission": "invoice_write",\n            "purpose": "Bill"\n        },\n        {\n            "permission": "charge_read",\n            "purpose": "Show charges"\n        }\n    ],\n    "ui_extension": { "views": [] },\n    "version": "1.2.3"\n}\n';

  it('prints the suggested array and what it would add and drop', () => {
    file('s1.json', manifest);
    const r = run('suggest', '--usage', 'b.json', '--manifest', 's1.json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out.slice(0, r.out.indexOf('\n]') + 2))).toEqual([entry('customer_write', PURPOSE_TODO)]);
    expect(r.out).toContain('+ customer_write');
    expect(r.out).toContain('- invoice_write');
    expect(readFileSync(join(dir, 's1.json'), 'utf8')).toBe(manifest);
  });

  it('--write replaces only "permissions", keeping other fields, indentation, purposes and the final newline', () => {
    file('s2.json', manifest);
    const r = run('suggest', '--usage', 'a.json', '--usage', 'b.json', '--manifest', 's2.json', '--write', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ add: ['customer_write'], drop: ['customer_read', 'invoice_write'], written: true });
    const text = readFileSync(join(dir, 's2.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({
      id: 'com.example.app',
      permissions: [entry('charge_read', 'Show charges'), entry('customer_write', PURPOSE_TODO)],
      ui_extension: { views: [] },
      version: '1.2.3',
    });
    expect(text).toMatch(/^\{\n {4}"id"/);
    expect(text).toContain(
      '\n    "permissions": [\n        {\n            "permission": "charge_read",\n            "purpose": "Show charges"\n        },\n        {\n',
    );
    expect(text.endsWith('    "version": "1.2.3"\n}\n')).toBe(true);
  });

  const TODO = JSON.stringify(PURPOSE_TODO);
  // [name, manifest text before, after] — with a.json + b.json: keep charge_read, add customer_write.
  it.each<[string, string, string]>([
    [
      'tabs and one-line entries, no final newline',
      '{\n\t"permissions": [\n\t\t{ "permission": "charge_read", "purpose": "Show charges" },\n\t\t{ "permission": "invoice_write", "purpose": "Bill" }\n\t]\n}',
      `{\n\t"permissions": [\n\t\t{ "permission": "charge_read", "purpose": "Show charges" },\n\t\t{ "permission": "customer_write", "purpose": ${TODO} }\n\t]\n}`,
    ],
    [
      'a single-line file (brackets inside strings)',
      '{"id":"x","permissions":[{"permission":"charge_read","purpose":"P"}],"z":[1,{"a":"]}"}]}',
      `{"id":"x","permissions":[{"permission":"charge_read","purpose":"P"},{"permission":"customer_write","purpose":${TODO}}],"z":[1,{"a":"]}"}]}`,
    ],
    [
      'no permissions yet, CRLF line endings',
      '{\r\n  "id": "x"\r\n}\r\n',
      `{\r\n  "id": "x",\r\n  "permissions": [\r\n    {\r\n      "permission": "charge_read",\r\n      "purpose": ${TODO}\r\n    },\r\n    {\r\n      "permission": "customer_write",\r\n      "purpose": ${TODO}\r\n    }\r\n  ]\r\n}\r\n`,
    ],
  ])('--write keeps the style: %s', (_, before, after) => {
    file('s3.json', before);
    expect(run('suggest', '--usage', 'a.json', '--usage', 'b.json', '--manifest', 's3.json', '--write').code).toBe(0);
    expect(readFileSync(join(dir, 's3.json'), 'utf8')).toBe(after);
  });

  it.each<[string, string[], string]>([
    ['no --usage', [], 'needs --usage'],
    ['a file that is not a report', ['--usage', 'stripe-app.json'], `expected "schema": "${REPORT_SCHEMA}"`],
    ['an invalid manifest', ['--usage', 'a.json', '--manifest', 'bad.json'], 'Invalid manifest bad.json'],
  ])('%s is exit 2', (_, args, fragment) => {
    const r = run('suggest', ...args);
    expect(r.code).toBe(2);
    expect(r.err).toContain(fragment);
  });
});

describe('report', () => {
  it('merges reports (counts add up), writes JSON and markdown, exits 1 on undeclared permissions', () => {
    const r = run('report', 'a.json', 'b.json', '--out', 'merged.json', '--markdown', 'merged.md');
    expect(r.code).toBe(1);
    expect(r.out).toContain('2 tests, 4 guarded calls');
    expect(r.out).toContain('✗ customer_write — customers.update');
    const merged = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8'));
    expect(merged.totals).toEqual({ checks: 4, tests: 2 });
    expect(merged.used.customer_read.calls).toBe(2);
    expect(readFileSync(join(dir, 'merged.md'), 'utf8')).toContain('### Stripe permission coverage');
  });

  it.each<[string, string[], number]>([
    ['a covered report', ['clean-report.json'], 0],
    ['no files', [], 2],
    ['a missing file', ['missing.json'], 2],
    ['broken JSON', ['broken.json'], 2],
  ])('%s: exit %s', (_, args, code) => {
    expect(run('report', ...args).code).toBe(code);
  });
});

describe('help, version, usage errors', () => {
  const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
  it.each<[string[], number, RegExp]>([
    [['--help'], 0, /Usage: stripe-permission-guard <command>[\s\S]*Exit codes:[\s\S]*2 {2}Usage error/],
    [['help', 'explain'], 0, /Usage: stripe-permission-guard explain/],
    [['suggest', '-h'], 0, /--write/],
    [['--version'], 0, new RegExp(`^${version.replace(/\./g, '\\.')}\n$`)],
    [['-v'], 0, /^\d+\.\d+\.\d+/],
  ])('%j', (args, code, pattern) => {
    const r = run(...args);
    expect(r.code).toBe(code);
    expect(r.out).toMatch(pattern);
  });

  it.each<[string[], string]>([
    [['chekc'], 'Unknown command "chekc". Did you mean "check"?'],
    [['help', 'sugest'], 'Did you mean "suggest"?'],
    [['explain', 'customers.list', '--manfest', 'x.json'], 'Unknown option --manfest for "explain". Did you mean --manifest?'],
    [['report', 'a.json', '--out'], "Option '--out <value>' argument missing"],
  ])('%j is exit 2 with a suggestion', (args, message) => {
    const r = run(...args);
    expect([r.code, r.out]).toEqual([2, '']);
    expect(r.err).toContain(message);
  });
});
