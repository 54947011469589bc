// The user's own entries beat the map, on every surface, validated like a manifest.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { check, explain, guard, GuardOptionsError, parseManifest } from '../src/index.js';

const overrides = {
  permissions: ['future_climate_read'],
  routes: { 'GET /v1/climate/**': ['future_climate_read'], 'accounts.update': 'none', 'POST /v1/customers/*': ['customer_write'] },
} as const;

describe('overrides', () => {
  it.each([
    [{ method: 'GET', path: '/v1/climate/orders/climorder_1' }, ['future_climate_read'], true],
    [{ method: 'GET', path: '/v1/climate/orders/climorder_1' }, [], false],
    [{ method: 'POST', path: '/v1/accounts/acct_1' }, [], true],
  ] as const)('check(%o, %o) is allowed: %s', (call, granted, allowed) => {
    expect(check(call, granted as unknown as string[], { overrides }).allowed).toBe(allowed);
    expect(check(call, granted as unknown as string[]).allowed).toBe(false);
  });

  it('say where an entry came from', () => {
    const e = explain({ method: 'GET', path: '/v1/climate/orders/climorder_1' }, { overrides });
    expect(e.requirements[0]!.because).toMatch(/\(override GET \/v1\/climate\/\*\*\)$/);
    expect(e.source).toBe('override');
  });

  it('are read from a JSON file, and apply to guard()', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spg-overrides-'));
    const file = join(dir, 'overrides.json');
    writeFileSync(file, JSON.stringify(overrides));
    const sent: string[] = [];
    const httpClient = Stripe.createFetchHttpClient((async (url: string) => {
      sent.push(String(url));
      return new Response('{"id":"acct_1","object":"account"}', { status: 200, headers: { 'content-type': 'application/json' } });
    }) as typeof fetch);
    const stripe = guard(new Stripe('sk_test_x', { httpClient, telemetry: false }), {
      permissions: ['future_climate_read'],
      overrides: file,
      onUnmapped: 'throw',
      logger: { warn() {} },
    });
    await stripe.accounts.update('acct_1', {});
    await stripe.rawRequest('GET', '/v1/climate/orders/climorder_1');
    expect(sent).toHaveLength(2);
  });

  it('let a manifest declare the permissions they add', () => {
    expect(() => parseManifest({ permissions: [{ permission: 'future_climate_read', purpose: 'x' }] })).toThrow();
    const stripe = new Stripe('sk_test_x');
    expect(() => guard(stripe, { manifest: { permissions: [{ permission: 'future_climate_read', purpose: 'x' }] }, overrides })).not.toThrow();
  });

  it('are validated: every problem at once, nearest names', () => {
    const bad = { permisions: [], routes: { 'GET /v1/x': ['customer_reed'], 'PUT /v1/y': ['customer_read'], 'foo bar baz': 'none', 'a.b': 'all' } };
    let message = '';
    try {
      check('customers.retrieve', {}, [], { overrides: bad });
    } catch (e) {
      expect(e).toBeInstanceOf(GuardOptionsError);
      message = (e as Error).message;
    }
    expect(message).toContain('unknown key "permisions" (did you mean "permissions"?)');
    expect(message).toContain('"customer_reed" is not a permission (did you mean "customer_read"?)');
    expect(message).toContain('routes["PUT /v1/y"]: the verb must be GET, POST, DELETE or *');
    expect(message).toContain('routes["a.b"] must be a non-empty list of permissions');
    expect(() => guard(new Stripe('sk_test_x'), { permissions: [], overrides: '/dev/zero' })).toThrow(/not a regular file/);
  });
});

describe('the CLI', () => {
  it('explain --overrides <file> uses them; an unknown route is never "covered"', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = mkdtempSync(join(tmpdir(), 'spg-overrides-cli-'));
    writeFileSync(join(dir, 'o.json'), JSON.stringify(overrides));
    writeFileSync(
      join(dir, 'stripe-app.json'),
      JSON.stringify({ id: 'com.example.app', version: '1.0.0', permissions: [{ permission: 'future_climate_read', purpose: 'climate' }] }),
    );
    const cli = (...args: string[]) => spawnSync(process.execPath, [join(process.cwd(), 'dist/cli.js'), ...args], { cwd: dir, encoding: 'utf8' });
    const ok = cli('explain', 'GET /v1/climate/orders/x', '--manifest', 'stripe-app.json', '--overrides', 'o.json');
    expect(ok.stdout).toContain('covers this call');
    expect(ok.status).toBe(0);
    const unknown = cli('explain', 'GET /v1/climate/orders/x', '--manifest', 'stripe-app.json');
    expect(unknown.status).not.toBe(0);
    expect(cli('check', 'stripe-app.json').status).toBe(1);
    expect(cli('check', 'stripe-app.json', '--overrides', 'o.json').status).toBe(0);
    const bad = cli('explain', 'customers.retrieve', '--overrides', 'missing.json');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('cannot read overrides missing.json');
  });
});

describe('the matchers', () => {
  it('take overrides through configurePermissionMatchers()', async () => {
    const { installPermissionMatchers, configurePermissionMatchers } = await import('../src/testing/vitest.js');
    installPermissionMatchers();
    expect(() => expect({ method: 'GET', path: '/v1/climate/orders/x' }).toBeAllowedBy(['future_climate_read'])).toThrow();
    configurePermissionMatchers({ overrides });
    try {
      expect({ method: 'GET', path: '/v1/climate/orders/x' }).toBeAllowedBy(['future_climate_read']);
      expect('accounts.update').toRequirePermissions([]);
    } finally {
      configurePermissionMatchers({});
    }
  });
});
