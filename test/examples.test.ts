// The examples, run as a user would: the backend over real loopback HTTP, the UI-extension
// client with its runtime permissions, both against the examples' msw Stripe.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execFileSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- plain ESM examples without declarations
import { startStripeMock } from '../examples/stripe-mock.mjs';
// @ts-expect-error -- plain ESM examples without declarations
import { createHandler, createStripe } from '../examples/backend/server.mjs';
// @ts-expect-error -- plain ESM examples without declarations
import { createClient } from '../examples/ui-extension/client.mjs';

const { server: mock, requests } = startStripeMock() as { server: { close(): void }; requests: { method: string; url: string }[] };
afterEach(() => {
  requests.length = 0;
});
afterAll(() => mock.close());

async function serve(stripe: unknown) {
  const server = http.createServer(createHandler({ stripe }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(base + path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json()) as Record<string, any> };
  };
  return { call, close: () => new Promise((r) => server.close(r)) };
}

describe('examples/backend', () => {
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (app = await serve(createStripe())));
  afterAll(() => app.close());

  it('an allowed call reaches Stripe', async () => {
    const res = await app.call('GET', '/invoices?account=acct_1');
    expect(res.status).toBe(200);
    expect(res.body.invoices.map((i: { customerName: string }) => i.customerName)).toEqual(['Jenny Rosen', 'Jenny Rosen']);
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /v1/invoices']);
  });

  it('an uncovered call becomes a 403 for the caller, and Stripe sees nothing', async () => {
    const res = await app.call('POST', '/customers/cus_jenny/tag?account=acct_1', { tag: 'vip' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'more_permissions_required_for_application',
      missingPermissions: ['customer_write'],
    });
    expect(res.body.error.message).toContain("on account 'acct_1'");
    expect(requests).toEqual([]);
  });

  it("mode 'warn' sends the call and warns once", async () => {
    const warn = vi.fn();
    const dev = await serve(createStripe({ mode: 'warn', logger: { warn } }));
    try {
      expect((await dev.call('POST', '/customers/cus_jenny/tag?account=acct_1', { tag: 'a' })).status).toBe(200);
      expect((await dev.call('POST', '/customers/cus_jenny/tag?account=acct_1', { tag: 'b' })).status).toBe(200);
    } finally {
      await dev.close();
    }
    expect(requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('examples/backend/stripe-app.dev.json (a local manifest that extends the base)', () => {
  it('replaces the permissions and keeps the other fields of stripe-app.json', async () => {
    const { loadManifest, guard } = await import('../src/index.js');
    const dir = new URL('../examples/backend/', import.meta.url).pathname;
    const dev = loadManifest(`${dir}stripe-app.dev.json`);
    expect(dev.names).toEqual(['invoice_read', 'customer_read', 'checkout_session_read', 'customer_write']);
    expect(dev.raw).toMatchObject({ id: 'com.example.invoice-insights', name: 'Invoice Insights (dev)' });
    const Stripe = (await import('stripe')).default;
    const stripe = guard(new Stripe('sk_test_example_not_a_real_key', { telemetry: false }), { manifest: `${dir}stripe-app.dev.json` });
    await stripe.customers.update('cus_jenny', { metadata: { tag: 'vip' } });
    expect(requests.map((r) => r.method)).toEqual(['POST']);
  });
});

describe('examples/ui-extension', () => {
  it.each([
    ['user with both reads', ['customer_read', 'invoice_read', 'customer_write'], 'ok'],
    ['user without invoice_read', ['customer_read'], 'invoice_read'],
  ])('%s', async (_, userPermissions, expected) => {
    const ui = createClient({ getUserAuthorizedPermissions: async () => userPermissions });
    const result = await ui.loadCustomerPanel('cus_jenny').then(
      () => 'ok',
      (e: { missingPermissions: string[] }) => e.missingPermissions.join(),
    );
    expect(result).toBe(expected);
  });

  it('a permission the user holds but the manifest lacks is still rejected', async () => {
    const ui = createClient({ getUserAuthorizedPermissions: () => ['customer_read', 'customer_write'] });
    const err = await ui.tagCustomer('cus_jenny', 'vip').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ui.stripe.errors.StripePermissionError);
    expect(requests).toEqual([]);
  });
});

describe('npm run demo', () => {
  it('runs offline and shows the allowed call, the rejection and the warning', () => {
    const out = execFileSync(process.execPath, ['examples/demo.mjs'], {
      cwd: new URL('..', import.meta.url).pathname,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(out).toContain('StripePermissionError');
    expect(out).toContain('Stripe saw: 0 requests');
    expect(out).toContain('1 warning for 2 calls');
    expect(out).not.toContain('sk_test_example_not_a_real_key');
  });
});
