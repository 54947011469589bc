import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { guard, loadManifest, parseManifest, ManifestError, type ManifestProblem } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'spg-manifest-'));
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
}
function problems(run: () => unknown): ManifestProblem[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ManifestError) return [...e.problems];
    throw e;
  }
  throw new Error('expected a ManifestError');
}
const entry = (permission: unknown, purpose: unknown = 'Because') => ({ permission, purpose });

describe('validation collects every problem, naming the entry and the fix', () => {
  // [manifest permissions, [entry, message fragment][]]
  const rows: [string, unknown, [string, string | RegExp][]][] = [
    ['misspelt name', [entry('customer_reed')], [['permissions[0].permission', 'did you mean "customer_read"?']]],
    ['comma-joined names', [entry('coupon_read, coupon_write')], [['permissions[0].permission', 'Use one entry each: "coupon_read", "coupon_write"']]],
    ['missing purpose', [{ permission: 'customer_read' }], [['permissions[0].purpose', 'is missing']]],
    ['empty purpose', [entry('customer_read', '  ')], [['permissions[0].purpose', 'must be a non-empty string']]],
    ['non-string name', [entry(42)], [['permissions[0].permission', 'got number 42']]],
    ['entry not an object', ['customer_read'], [['permissions[0]', 'must be an object like']]],
    ['permissions not an array', { customer_read: true }, [['permissions', 'must be an array']]],
    ['unexpected key', [{ permission: 'customer_read', purpose: 'x', scope: 'all' }], [['permissions[0].scope', 'unexpected key']]],
    [
      'several problems at once',
      [entry('customer_reed'), { permission: 'invoice_read' }, entry('nonsense_thing_xyz')],
      [
        ['permissions[0].permission', 'did you mean "customer_read"?'],
        ['permissions[1].purpose', 'is missing'],
        ['permissions[2].permission', /"nonsense_thing_xyz" is not a Stripe Apps permission; Stripe rejects/],
      ],
    ],
  ];
  it.each(rows)('%s', (_, permissions, expected) => {
    const found = problems(() => parseManifest({ permissions }, 'stripe-app.json')).filter((p) => p.severity === 'error');
    expect(found.map((p) => p.entry)).toEqual(expected.map(([e]) => e));
    expected.forEach(([, fragment], i) => expect(found[i]!.message).toMatch(fragment));
    expect(found.every((p) => p.file === 'stripe-app.json')).toBe(true);
  });

  it('the thrown message lists every problem with the file', () => {
    const err = (() => {
      try {
        parseManifest({ permissions: [entry('customer_reed'), { permission: 'invoice_read' }] }, 'stripe-app.json');
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err?.message).toMatch(/^\[stripe-permission-guard\] Invalid manifest stripe-app.json: 2 errors\./);
    expect(err?.message).toContain('✗ stripe-app.json: permissions[0].permission: "customer_reed" is not a Stripe Apps permission');
    expect(err?.message).toContain('✗ stripe-app.json: permissions[1].purpose: is missing');
  });

  it('duplicates and legacy names are warnings, not errors', () => {
    const m = parseManifest({ permissions: [entry('customer_read'), entry('customer_read'), entry('datastore_write')] });
    expect(m.names).toEqual(['customer_read', 'datastore_write']);
    expect(m.warnings.map((w) => w.entry)).toEqual(['permissions[1].permission', 'permissions[2].permission']);
    expect(m.warnings[1]!.message).toContain('older editions');
  });
});

describe('hostile input', () => {
  it('__proto__ and constructor keys are reported and pollute nothing', () => {
    const text =
      '{"permissions":[{"permission":"customer_read","purpose":"x","__proto__":{"polluted":true}},{"constructor":{"prototype":{"p":1}},"permission":"__proto__","purpose":"x"}]}';
    const found = problems(() => loadManifest(file('proto.json', text)));
    expect(found.map((p) => p.entry)).toEqual(['permissions[0].__proto__', 'permissions[1].constructor', 'permissions[1].permission']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).p).toBeUndefined();
  });
  it('huge arrays are refused with a clear error', () => {
    const found = problems(() => parseManifest({ permissions: Array.from({ length: 100_000 }, () => entry('customer_read')) }));
    expect(found).toEqual([expect.objectContaining({ entry: 'permissions', message: expect.stringContaining('100000 entries') })]);
  });
  it('a non-object manifest', () => {
    expect(problems(() => parseManifest([1, 2]))[0]!.message).toContain('a manifest is a JSON object, got an array');
  });
  it('long names are clipped in messages', () => {
    const found = problems(() => parseManifest({ permissions: [entry('x'.repeat(10_000))] }));
    expect(found[0]!.message.length).toBeLessThan(300);
  });
});

describe('files', () => {
  it('broken JSON names the line and column', () => {
    const path = file('broken.json', '{\n  "permissions": [\n    { "permission": "customer_read", }\n  ]\n}');
    const [p] = problems(() => loadManifest(path));
    expect(p).toMatchObject({ file: 'broken.json', entry: '(file)' });
    expect(p!.message).toMatch(/is not valid JSON at line 3, column \d+/);
  });
  it('a missing file says where it looked', () => {
    expect(problems(() => loadManifest(join(dir, 'nope.json')))[0]!.message).toContain('not found at');
  });

  it('a local manifest extends the base: its fields, permissions included, replace the base', () => {
    file('stripe-app.json', { id: 'com.example.app', version: '1.0.0', permissions: [entry('customer_read'), entry('invoice_read')] });
    const local = file('stripe-app.dev.json', { extends: 'stripe-app.json', version: '1.0.0-dev', permissions: [entry('customer_write')] });
    const m = loadManifest(local);
    expect(m.names).toEqual(['customer_write']);
    expect(m.raw).toMatchObject({ id: 'com.example.app', version: '1.0.0-dev' });
    expect(m.raw).not.toHaveProperty('extends');
  });
  it('a local manifest without permissions keeps the base permissions', () => {
    file('stripe-app.json', { id: 'com.example.app', permissions: [entry('customer_read')] });
    const local = file('stripe-app.ui.json', { extends: './stripe-app.json', name: 'UI' });
    expect(loadManifest(local).names).toEqual(['customer_read']);
  });
  it('extends cycles and missing bases are reported', () => {
    file('a.json', { extends: 'b.json' });
    file('b.json', { extends: 'a.json' });
    expect(problems(() => loadManifest(join(dir, 'a.json')))[0]!.message).toMatch(/closes a cycle: a.json → b.json → a.json/);
    const orphan = file('orphan.json', { extends: 'missing-base.json' });
    expect(problems(() => loadManifest(orphan))[0]).toMatchObject({ file: 'missing-base.json', entry: '(file)' });
  });
  it('guard() reads the manifest, warns about its warnings, and enforces it', async () => {
    const path = file('stripe-app.warn.json', { permissions: [entry('customer_read'), entry('customer_read')] });
    const warn = vi.fn();
    const stripe = guard(new Stripe('sk_test_x', { telemetry: false }), { manifest: path, logger: { warn } });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('permissions[1].permission: "customer_read" is declared again'));
    const err = (await stripe.customers.create({}).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain('which stripe-app.warn.json does not declare');
  });
  it('guard() throws the manifest error before any request', () => {
    const path = file('bad.json', { permissions: [entry('customer_reed')] });
    expect(() => guard(new Stripe('sk_test_x'), { manifest: path })).toThrow(ManifestError);
  });
});
