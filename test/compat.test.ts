// The guard on the latest stripe of each major the peer range promises (>=14): older SDKs
// have other internals (declarative method tables) and methods renamed or removed since.
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { guard } from '../src/index.js';
import { createStripeServer } from './helpers/stripe-msw.js';

const require = createRequire(import.meta.url);
const { server, seen } = createStripeServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'bypass' }));
afterEach(() => {
  seen.length = 0;
});
afterAll(() => server.close());

type AnyStripe = Stripe & Record<string, any>;
/** stripe 14's methods that newer type declarations no longer have. */
type OldMethod = (...a: unknown[]) => Promise<unknown>;
type OldStripe = { invoices: { retrieveUpcoming: OldMethod }; subscriptionItems: { createUsageRecord: OldMethod; listUsageRecordSummaries: OldMethod } };
const majors = [
  ['stripe-14', '14.25.0'],
  ['stripe-17', '17.7.0'],
  ['stripe-20', '20.4.1'],
  ['stripe', '23.1.0'],
] as const;

describe.each(majors)('%s (%s)', (module, version) => {
  const StripeCtor = require(module) as (new (key: string, config?: object) => AnyStripe) & { createFetchHttpClient(): unknown };
  // With msw, the default Node HTTP client of stripe 14.25, 17.7 and 20.4 never completes a
  // request (23.1 does), so those majors talk to msw through their fetch client.
  // (Made per client: the fetch client captures globalThis.fetch, which msw patches in beforeAll.)
  const httpClient = () => (module === 'stripe' ? {} : { httpClient: StripeCtor.createFetchHttpClient() });
  const make = (permissions: string[]) =>
    guard(new StripeCtor('sk_test_compat', { telemetry: false, maxNetworkRetries: 2, ...httpClient() }), { permissions, logger: { warn() {} } });

  it('is the expected SDK', () => {
    expect(new StripeCtor('sk_test_compat').VERSION).toBe(version);
  });

  it("rejects with that SDK's own StripePermissionError and sends nothing", async () => {
    const stripe = make(['customer_read']);
    const err = await stripe.customers.update('cus_1', { name: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(stripe.errors.StripePermissionError);
    expect(err).toMatchObject({
      statusCode: 403,
      code: 'more_permissions_required_for_application',
      missingPermissions: ['customer_write'],
      method: 'customers.update',
    });
    expect(seen).toHaveLength(0);
  });

  it('sends allowed calls, expand paths included, and checks every auto-pagination page', async () => {
    const stripe = make(['customer_read']);
    await stripe.customers.retrieve('cus_1', { expand: ['default_source'] });
    const ids: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) ids.push(c.id);
    expect(ids).toEqual(['cus_1', 'cus_2', 'cus_3']);
    expect(seen.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual(['GET /v1/customers/cus_1', 'GET /v1/customers', 'GET /v1/customers']);
    const denied = await stripe.customers
      .retrieve('cus_1', { expand: ['invoice_settings.default_payment_method'] })
      .catch((e: { missingPermissions: string[] }) => e.missingPermissions);
    expect(denied).toEqual(['payment_method_read']);
  });

  it('file uploads to the files host', async () => {
    const err = await make([])
      .files.create({ file: { data: Buffer.from('x'), name: 'a.txt', type: 'text/plain' }, purpose: 'dispute_evidence' })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ missingPermissions: ['file_write'] });
    expect(seen).toHaveLength(0);
  });
});

describe('methods removed from newer SDKs are still mapped by their HTTP route', () => {
  const Stripe14 = require('stripe-14') as new (key: string, config?: object) => AnyStripe;
  const stripe = guard(new Stripe14('sk_test_compat', { telemetry: false }), { permissions: [] }) as unknown as OldStripe;
  it.each([
    ['invoices.retrieveUpcoming', (s: OldStripe) => s.invoices.retrieveUpcoming({ customer: 'cus_1' }), 'invoice_read'],
    ['subscriptionItems.createUsageRecord', (s: OldStripe) => s.subscriptionItems.createUsageRecord('si_1', { quantity: 1 }), 'usage_record_write'],
    ['subscriptionItems.listUsageRecordSummaries', (s: OldStripe) => s.subscriptionItems.listUsageRecordSummaries('si_1'), 'usage_record_read'],
  ] as const)('%s', async (method, call, permission) => {
    const err = await call(stripe).catch((e: unknown) => e);
    expect(err).toMatchObject({ method, missingPermissions: [permission] });
    expect(seen).toHaveLength(0);
  });
});
