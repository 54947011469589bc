// Names that are not permissions get the intended one; misspelt keys get the nearest known key;
// extraPermissions admits names the catalog does not know yet.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getCatalog } from '../src/map/catalog.js';
import { GuardOptionsError, ManifestError, parseManifest } from '../src/index.js';
import type { ManifestIssue } from '../src/config/manifest.js';
import misnamed from '../mappings/sources/misnamed-permissions.json' with { type: 'json' };

const entry = (permission: unknown, purpose: unknown = 'Because') => ({ permission, purpose });
function problems(run: () => unknown): ManifestIssue[] {
  try {
    run();
  } catch (e) {
    if (e instanceof ManifestError) return e.problems as ManifestIssue[];
    throw e;
  }
  throw new Error('expected a ManifestError');
}

describe('names that are not permissions name the intended one', () => {
  // [declared name, code, message]
  const rows: [string, string, string][] = [
    [
      'apply_pay_domain_read',
      'misnamed_permission',
      '"apply_pay_domain_read" is not a Stripe Apps permission: a typo in the permission list of Stripe\'s own stripe-app.json schema. Declare "apple_pay_domain_read" instead',
    ],
    ['apply_pay_domain_write', 'misnamed_permission', 'Declare "apple_pay_domain_write" instead'],
    ['shpping_rate_write', 'misnamed_permission', 'Declare "shipping_rate_write" instead'],
    ['webhook_endpoint_write', 'misnamed_permission', 'webhook endpoints are created and managed with webhook_write. Declare "webhook_write" instead'],
    [
      'report_runs_and_report_types_write',
      'misnamed_permission',
      'only the _read permission exists for report runs and report types. Declare "report_runs_and_report_types_read" instead',
    ],
    ['account_read', 'misnamed_permission', 'userContext.account. Remove the entry'],
    [
      'account.application.authorized',
      'event_type',
      '"account.application.authorized" is an event type, not a permission. To receive it, declare "event_read"',
    ],
    [
      'customer_reed',
      'unknown_permission',
      '"customer_reed" is not a Stripe Apps permission (did you mean "customer_read"?); Stripe rejects unknown names at upload',
    ],
    ['Customer_Read', 'unknown_permission', '"Customer_Read" is not a Stripe Apps permission (did you mean "customer_read"?)'],
    ['customer-read ', 'unknown_permission', '(did you mean "customer_read"?)'],
    ['Webhook_Endpoint_Write', 'misnamed_permission', 'Declare "webhook_write" instead'],
    [
      'zz_nothing_like_it',
      'unknown_permission',
      'Stripe rejects unknown names at upload. If Stripe added it after this catalog, list it in overrides.permissions',
    ],
  ];
  it.each(rows)('%s', (name, code, message) => {
    expect(problems(() => parseManifest({ permissions: [entry(name)] }, 'stripe-app.json'))).toEqual([
      expect.objectContaining({
        file: 'stripe-app.json',
        entry: 'permissions[0].permission',
        path: ['permissions', 0, 'permission'],
        code,
        severity: 'error',
        message: expect.stringContaining(message),
      }),
    ]);
  });

  it('the data: each name is not in the catalog, each intended one is, each has a source', () => {
    const { permissions } = getCatalog();
    expect(misnamed.length).toBeGreaterThanOrEqual(6);
    for (const m of misnamed) {
      expect(permissions.has(m.name), m.name).toBe(false);
      if (m.intended !== null) expect(permissions.has(m.intended), m.intended).toBe(true);
      expect(m.source).toMatch(/github\.com\/stripe|docs\.stripe\.com|tracker evidence/);
    }
  });

  // npm test builds first; a bare vitest run may have no dist.
  const dist = new URL('../dist/index.js', import.meta.url);
  it.skipIf(!existsSync(dist))('the built package bundles the data (the bundler turns JSON into an object keyed by index)', () => {
    const script = `import(${JSON.stringify(dist.href)}).then(({ parseManifest }) => { try { parseManifest({ permissions: [{ permission: 'shpping_rate_write', purpose: 'x' }] }) } catch (e) { console.log(e.problems[0].message) } })`;
    expect(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })).toContain('Declare "shipping_rate_write" instead');
  });
});

describe('extraPermissions: names the catalog does not know yet', () => {
  it('are accepted, and only they', () => {
    const m = parseManifest({ permissions: [entry('future_thing_write'), entry('customer_read')] }, { extraPermissions: new Set(['future_thing_write']) });
    expect(m.names).toEqual(['future_thing_write', 'customer_read']);
    expect(m.warnings).toEqual([]);
    expect(problems(() => parseManifest({ permissions: [entry('future_thing_write')] })).map((p) => p.code)).toEqual(['unknown_permission']);
    expect(problems(() => parseManifest({ permissions: [entry('other_write')] }, { extraPermissions: ['future_thing_write'] })).map((p) => p.code)).toEqual([
      'unknown_permission',
    ]);
  });
  it('are suggested for near misses', () => {
    const [p] = problems(() => parseManifest({ permissions: [entry('future_thng_write')] }, { extraPermissions: ['future_thing_write'] }));
    expect(p!.message).toContain('did you mean "future_thing_write"?');
  });
  it('a string file name still works as the second argument', () => {
    expect(problems(() => parseManifest({ permissions: [entry('x_read')] }, 'my-app.json'))[0]!.file).toBe('my-app.json');
    expect(problems(() => parseManifest({ permissions: [entry('x_read')] }, { file: 'my-app.json' }))[0]!.file).toBe('my-app.json');
  });
  it.each([
    ['a string', 'customer_read'],
    ['a non-string name', [1]],
    ['not iterable', 42],
  ])('%s is an options error', (_, extraPermissions) => {
    expect(() => parseManifest({ permissions: [] }, { extraPermissions: extraPermissions as never })).toThrow(GuardOptionsError);
  });
});

describe('misspelt keys get the nearest known key, once', () => {
  // [manifest, expected problems as [entry, code, severity, message fragment]]
  const rows: [string, Record<string, unknown>, [string, string, string, string][]][] = [
    [
      'permision at the top',
      { permision: [entry('customer_read')] },
      [['permision', 'unknown_key', 'error', 'did you mean "permissions"? As written, this file declares no permissions']],
    ],
    ['verison at the top', { verison: '1', permissions: [] }, [['verison', 'unknown_key', 'warning', 'did you mean "version"? Stripe rejects unknown fields']]],
    [
      'purpse in an entry',
      { permissions: [{ permission: 'customer_read', purpse: 'x' }] },
      [['permissions[0].purpse', 'entry_invalid', 'error', 'unexpected key — did you mean "purpose"?']],
    ],
    [
      'permision in an entry',
      { permissions: [{ permision: 'customer_read', purpose: 'x' }] },
      [['permissions[0].permision', 'entry_invalid', 'error', 'did you mean "permission"?']],
    ],
    ['an unrelated key at the top is left alone', { my_custom_field: 1, permissions: [] }, []],
    [
      'an unrelated key in an entry',
      { permissions: [{ permission: 'customer_read', purpose: 'x', scope: 'all' }] },
      [['permissions[0].scope', 'entry_invalid', 'error', 'unexpected key; an entry has only']],
    ],
  ];
  it.each(rows)('%s', (_, manifest, expected) => {
    let found: ManifestIssue[];
    try {
      found = [...parseManifest(manifest).warnings];
    } catch (e) {
      found = (e as ManifestError).problems as ManifestIssue[];
    }
    expect(found.map((p) => [p.entry, p.code, p.severity])).toEqual(expected.map(([e, c, s]) => [e, c, s]));
    expected.forEach(([, , , fragment], i) => expect(found[i]!.message).toContain(fragment));
  });
});

describe('problems are data', () => {
  it('every problem has file, entry (its path as text), code, path, message and severity', () => {
    const found = problems(() =>
      parseManifest('{"permissions": [{"permission": "customer_reed", "purpose": 1, "purpose": ""}, "x"], "a b": 1}', 'stripe-app.json'),
    );
    expect(found.map((p) => [p.code, p.path, p.entry, p.severity])).toEqual([
      ['duplicate_key', ['permissions', 0, 'purpose'], 'permissions[0].purpose', 'warning'],
      ['purpose_invalid', ['permissions', 0, 'purpose'], 'permissions[0].purpose', 'error'],
      ['unknown_permission', ['permissions', 0, 'permission'], 'permissions[0].permission', 'error'],
      ['entry_invalid', ['permissions', 1], 'permissions[1]', 'error'],
    ]);
    expect(found.every((p) => p.file === 'stripe-app.json' && p.message.length > 0)).toBe(true);
  });
});
