// The guard through a real stripe client over its default Node HTTP client, intercepted by msw.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { guard, unguard, isGuarded, UnmappedRequestError, type GuardOptions, type Violation } from '../src/index.js';
import { createStripeServer } from './helpers/stripe-msw.js';

const KEY = 'sk_test_guard_suite_4242424242';
const { server, seen } = createStripeServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  vi.unstubAllEnvs();
});
afterAll(() => server.close());

const READ_ONLY = ['customer_read', 'invoice_read'];
const client = (options: Partial<GuardOptions> = {}, config: Stripe.StripeConfig = {}) =>
  guard(new Stripe(KEY, { telemetry: false, ...config }), { permissions: READ_ONLY, logger: { warn: vi.fn() }, ...options } as GuardOptions);

async function rejection(p: Promise<unknown>): Promise<Stripe.errors.StripePermissionError & Record<string, unknown>> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!e) throw new Error('expected the call to be rejected');
  return e as Stripe.errors.StripePermissionError & Record<string, unknown>;
}

describe('rejection', () => {
  it("rejects an uncovered call with the client's own StripePermissionError and sends nothing", async () => {
    const stripe = client();
    const err = await rejection(stripe.customers.update('cus_1', { name: 'Jenny Rosen' }, { stripeAccount: 'acct_1ABC' }));
    expect(err).toBeInstanceOf(stripe.errors.StripePermissionError);
    expect(err).toBeInstanceOf(Stripe.errors.StripeError);
    expect(err).toMatchObject({
      type: 'StripePermissionError',
      statusCode: 403,
      rawType: 'invalid_request_error',
      code: 'more_permissions_required_for_application',
      missingPermissions: ['customer_write'],
      requiredPermissions: [['customer_write']],
      method: 'customers.update',
      httpMethod: 'POST',
      path: '/v1/customers/{customer}',
    });
    expect(err.message).toContain("This application does not have the required permissions for this endpoint on account 'acct_1ABC'.");
    expect(err.message).toContain("Having the 'customer_write' permission would allow this request to continue.");
    expect(err.message).toContain('stripe apps grant permission "customer_write"');
    expect(err.message).not.toContain(KEY);
    expect(err.message).not.toContain('Jenny');
    expect(seen).toHaveLength(0);
  });

  it('names the expand path that needs the missing permission', async () => {
    const stripe = client();
    const err = await rejection(stripe.invoices.retrieve('in_1', { expand: ['customer', 'default_payment_method'] }));
    expect(err.missingPermissions).toEqual(['payment_method_read']);
    expect(err.expandPath).toBe('default_payment_method');
    expect(err.message).toContain('invoices.retrieve with expand default_payment_method needs');
    expect(seen).toHaveLength(0);
  });

  it('reads nested expand paths from the query of GETs and the form body of POSTs', async () => {
    const stripe = client({ permissions: ['customer_write'] });
    const list = await rejection(stripe.customers.list({ expand: ['data.invoice_settings.default_payment_method'] }));
    expect(list.missingPermissions).toEqual(['payment_method_read']);
    const update = await rejection(stripe.customers.update('cus_1', { expand: ['invoice_settings.default_payment_method'] }));
    expect(update.missingPermissions).toEqual(['payment_method_read']);
    expect(seen).toHaveLength(0);
  });

  it('does not retry, and does not turn the rejection into a connection error', async () => {
    const stripe = client({}, { maxNetworkRetries: 3 });
    const err = await rejection(stripe.customers.create({ email: 'a@example.com' }));
    expect(err).not.toBeInstanceOf(Stripe.errors.StripeConnectionError);
    expect(err.statusCode).toBe(403);
    expect(seen).toHaveLength(0);
  });

  it("reports the response event of Stripe's 403, never sent and never retried", async () => {
    const stripe = client();
    (stripe as unknown as { _api: { maxNetworkRetries: number } })._api.maxNetworkRetries = 3;
    const responses: { status?: number; request_id?: string }[] = [];
    const requests: unknown[] = [];
    stripe.on('response', (r: { status?: number; request_id?: string }) => responses.push(r));
    stripe.on('request', (r: unknown) => requests.push(r));
    await rejection(stripe.customers.del('cus_1'));
    expect(seen).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ status: 403, request_id: expect.stringMatching(/^req_/) });
  });
});

describe('allowed requests leave exactly as without the guard', () => {
  const cases: [string, (s: Stripe) => Promise<unknown>][] = [
    ['GET with expand', (s) => s.customers.retrieve('cus_1', { expand: ['default_source'] })],
    ['POST form body', (s) => s.customers.create({ email: 'a@example.com', metadata: { a: '1' } }, { idempotencyKey: 'idem_1', stripeAccount: 'acct_9' })],
    ['list', (s) => s.customers.list({ limit: 2, expand: ['data.default_source'] })],
  ];
  it.each(cases)('%s', async (_, call) => {
    await call(new Stripe(KEY, { telemetry: false }));
    const plain = seen.splice(0);
    await call(client({ permissions: ['customer_write'] }));
    const guarded = seen.splice(0);
    expect(guarded).toHaveLength(1);
    expect(guarded).toEqual(plain);
  });
});

describe('every request path is checked', () => {
  it('auto-pagination: each page', async () => {
    const asked: string[] = [];
    const stripe = client({ permissions: (ctx) => (asked.push(ctx.method), ['customer_read']) });
    const ids: string[] = [];
    for await (const c of stripe.customers.list({ limit: 2 })) ids.push(c.id);
    expect(ids).toEqual(['cus_1', 'cus_2', 'cus_3']);
    expect(asked).toEqual(['customers.list', 'customers.list']);
    expect(seen).toHaveLength(2);
  });

  it('auto-pagination: a denied list sends nothing', async () => {
    const stripe = client({ permissions: ['invoice_read'] });
    const err = await rejection(stripe.customers.list().autoPagingToArray({ limit: 10 }));
    expect(err.missingPermissions).toEqual(['customer_read']);
    expect(seen).toHaveLength(0);
  });

  it('rawRequest', async () => {
    const stripe = client();
    await expect(stripe.rawRequest('GET', '/v1/customers/cus_1')).resolves.toBeTruthy();
    const err = await rejection(stripe.rawRequest('POST', '/v1/customers', { name: 'x' }));
    expect(err.missingPermissions).toEqual(['customer_write']);
    expect(seen.map((r) => r.method)).toEqual(['GET']);
  });

  it('a client with a custom httpClient', async () => {
    const makeRequest = vi.fn();
    class Recording extends Stripe.HttpClient {
      override getClientName() {
        return 'recording';
      }
      override makeRequest(...args: Parameters<Stripe.HttpClient['makeRequest']>) {
        makeRequest(...args);
        return Promise.reject(new Error('not reached in this test'));
      }
    }
    const stripe = client({}, { httpClient: new Recording() });
    const err = await rejection(stripe.customers.create({}));
    expect(err).toBeInstanceOf(stripe.errors.StripePermissionError);
    expect(makeRequest).not.toHaveBeenCalled();
  });

  it('clients made by withStripeContext', async () => {
    const stripe = client();
    const derived = stripe.withStripeContext(Stripe.StripeContext.parse('acct_ctx'));
    expect(isGuarded(derived)).toBe(true);
    const err = await rejection(derived.customers.create({}));
    expect(err.missingPermissions).toEqual(['customer_write']);
    expect(seen).toHaveLength(0);
  });

  it('file uploads to the files host', async () => {
    const upload = (s: Stripe) => s.files.create({ file: { data: Buffer.from('hello'), name: 'a.txt', type: 'text/plain' }, purpose: 'dispute_evidence' });
    const err = await rejection(upload(client()));
    expect(err).toMatchObject({ missingPermissions: ['file_write'], method: 'files.create' });
    expect(seen).toHaveLength(0);
    await upload(client({ permissions: ['file_write'] }));
    expect(seen.map((r) => new URL(r.url).host)).toEqual(['files.stripe.com']);
  });

  it('v2 resources', async () => {
    await rejection(client().v2.core.events.list({ object_id: 'x' }));
    expect(seen).toHaveLength(0);
    await client({ permissions: ['event_read'] }).v2.core.events.list({ object_id: 'x' });
    expect(seen).toHaveLength(1);
  });
});

describe('modes', () => {
  it("'warn' sends the request and warns once per call and missing set", async () => {
    const warn = vi.fn();
    const stripe = client({ mode: 'warn', logger: { warn } });
    await stripe.customers.update('cus_1', { name: 'a' });
    await stripe.customers.update('cus_2', { name: 'b' });
    await stripe.customers.create({});
    expect(seen).toHaveLength(3);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]![0]).toMatch(/^\[stripe-permission-guard\] This application does not have the required permissions/);
    expect(warn.mock.calls[0]![0]).toContain("'customer_write'");
  });

  it("'off' checks nothing", async () => {
    const onViolation = vi.fn();
    await client({ mode: 'off', onViolation }).customers.create({});
    expect(seen).toHaveLength(1);
    expect(onViolation).not.toHaveBeenCalled();
  });

  it('STRIPE_PERMISSION_GUARD_MODE overrides the option', async () => {
    vi.stubEnv('STRIPE_PERMISSION_GUARD_MODE', 'warn');
    await client({ mode: 'throw' }).customers.create({});
    expect(seen).toHaveLength(1);
    vi.stubEnv('STRIPE_PERMISSION_GUARD_MODE', 'loud');
    expect(() => client()).toThrow(/STRIPE_PERMISSION_GUARD_MODE must be one of throw, warn, off/);
  });

  it('onViolation is called in every mode', async () => {
    const violations: Violation[] = [];
    const onViolation = (v: Violation) => violations.push(v);
    await rejection(client({ onViolation }).customers.create({}));
    await client({ onViolation, mode: 'warn' }).customers.create({});
    expect(violations.map((v) => [v.kind, v.missingPermissions])).toEqual([
      ['missing', ['customer_write']],
      ['missing', ['customer_write']],
    ]);
  });
});

describe('unmapped requests', () => {
  const update = (s: Stripe) => s.accounts.update('acct_1', { metadata: { a: '1' } });
  it("default 'warn': sent and reported once", async () => {
    const warn = vi.fn();
    const stripe = client({ logger: { warn } });
    await update(stripe);
    await update(stripe);
    expect(seen).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/Cannot check accounts\.update: .*connected_account_read/);
  });
  it("'throw' rejects before sending", async () => {
    const err = await update(client({ onUnmapped: 'throw' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnmappedRequestError);
    expect(seen).toHaveLength(0);
  });
  it("'allow' sends without a word", async () => {
    const warn = vi.fn();
    await update(client({ onUnmapped: 'allow', logger: { warn } }));
    expect(seen).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('runtime permissions', () => {
  const byAccount: Record<string, string[]> = { acct_A: ['customer_write'], acct_B: ['customer_read'] };
  it.each([
    ['sync', (ctx: { stripeAccount?: string }) => byAccount[ctx.stripeAccount ?? ''] ?? []],
    ['async', async (ctx: { stripeAccount?: string }) => byAccount[ctx.stripeAccount ?? ''] ?? []],
  ])('%s function, per stripeAccount', async (_, permissions) => {
    const stripe = client({ permissions });
    const [a, b] = await Promise.allSettled([
      stripe.customers.create({}, { stripeAccount: 'acct_A' }),
      stripe.customers.create({}, { stripeAccount: 'acct_B' }),
    ]);
    expect(a.status).toBe('fulfilled');
    expect(b.status).toBe('rejected');
    expect((b as PromiseRejectedResult).reason.message).toContain("on account 'acct_B'");
    expect(seen.map((r) => r.headers['stripe-account'])).toEqual(['acct_A']);
  });
  it('a throwing permissions function rejects the call without sending it', async () => {
    const stripe = client({ permissions: () => Promise.reject(new Error('db down')) });
    await expect(stripe.customers.retrieve('cus_1')).rejects.toThrow(/permissions function threw: db down/);
    expect(seen).toHaveLength(0);
  });
});

describe('lifecycle', () => {
  it('guarding twice does not wrap twice, and replaces the options', async () => {
    const onViolation = vi.fn();
    const raw = new Stripe(KEY, { telemetry: false });
    const once = guard(raw, { permissions: [], onViolation });
    const twice = guard(raw, { permissions: ['customer_read'], onViolation });
    expect(twice).toBe(raw);
    expect(once).toBe(raw);
    await rejection(raw.customers.create({}));
    expect(onViolation).toHaveBeenCalledTimes(1);
    await raw.customers.retrieve('cus_1');
    expect(seen).toHaveLength(1);
  });
  it('unguard() removes it', async () => {
    const stripe = client();
    unguard(stripe);
    expect(isGuarded(stripe)).toBe(false);
    await stripe.customers.create({});
    expect(seen).toHaveLength(1);
  });
  it('rejects bad options with a clear message', () => {
    expect(() => guard(new Stripe(KEY), {} as GuardOptions)).toThrow(/needs \{ manifest: '.\/stripe-app.json' \} or \{ permissions/);
    expect(() => guard(new Stripe(KEY), { permissions: [], mode: 'loud' as never })).toThrow(/mode must be one of 'throw', 'warn', 'off'/);
    expect(() => guard({} as never, { permissions: [] })).toThrow(/takes a Stripe client/);
  });
});
