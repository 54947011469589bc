// The msw handlers in front of an app's own fixtures, driven by a real, unwrapped stripe
// client (and by fetch): denied requests get Stripe's 403 and never reach the fixtures;
// covered ones reach them unchanged.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { stripePermissionHandlers, type StripePermissionHandlersOptions } from '../src/testing/msw.js';
import { setRecorder, type CheckRecord } from '../src/index.js';

const KEY = 'sk_test_msw_suite_4242424242';
interface Seen {
  method: string;
  url: string;
  body: string;
  contentType: string | null;
}
const seen: Seen[] = [];
const fixture =
  (response: () => Response) =>
  async ({ request }: { request: Request }) => {
    seen.push({ method: request.method, url: request.url, body: await request.text(), contentType: request.headers.get('content-type') });
    return response();
  };
const fixtures = [
  http.get(
    'https://api.stripe.com/v1/customers/:id',
    fixture(() => HttpResponse.json({ id: 'cus_1', object: 'customer' })),
  ),
  http.post(
    'https://api.stripe.com/v1/customers',
    fixture(() => HttpResponse.json({ id: 'cus_new', object: 'customer' })),
  ),
  http.post(
    'https://api.stripe.com/v1/customers/:id',
    fixture(() => HttpResponse.json({ id: 'cus_1', object: 'customer' })),
  ),
  http.get(
    'https://api.stripe.com/v1/invoices/:id',
    fixture(() => HttpResponse.json({ id: 'in_1', object: 'invoice' })),
  ),
  http.post(
    'https://api.stripe.com/v1/accounts/:id',
    fixture(() => HttpResponse.json({ id: 'acct_1', object: 'account' })),
  ),
  http.post(
    'https://api.stripe.com/v1/webhook_endpoints',
    fixture(() => HttpResponse.json({ id: 'we_1', object: 'webhook_endpoint' })),
  ),
  http.post(
    'https://api.stripe.com/v2/core/event_destinations',
    fixture(() => HttpResponse.json({ id: 'ed_1', object: 'v2.core.event_destination' })),
  ),
  http.post(
    'https://files.stripe.com/v1/files',
    fixture(() => HttpResponse.json({ id: 'file_1', object: 'file' })),
  ),
];
const server = setupServer(...fixtures);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  seen.length = 0;
  server.resetHandlers(...fixtures);
});
afterAll(() => server.close());

const READ_ONLY = ['customer_read', 'invoice_read'];
/** Puts the permission handlers in front of the fixtures. */
function enforce(options: { [K in keyof StripePermissionHandlersOptions]?: StripePermissionHandlersOptions[K] | undefined } = {}) {
  const warn = vi.fn();
  const onViolation = vi.fn();
  server.resetHandlers(
    ...stripePermissionHandlers({ permissions: READ_ONLY, logger: { warn }, onViolation, ...options } as StripePermissionHandlersOptions),
    ...fixtures,
  );
  return { warn, onViolation };
}
const stripe = (config: Stripe.StripeConfig = {}) => new Stripe(KEY, { telemetry: false, ...config });

async function rejection(p: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  if (!e) throw new Error('expected the call to be rejected');
  return e as Stripe.errors.StripeError;
}

describe('a request the permissions do not cover', () => {
  it("rejects with the client's StripePermissionError, like Stripe, and never reaches the fixture", async () => {
    const { onViolation } = enforce();
    const client = stripe({ maxNetworkRetries: 2 });
    const err = await rejection(client.customers.update('cus_1', { name: 'Jenny Rosen' }, { stripeAccount: 'acct_1ABC' }));
    expect(err).toBeInstanceOf(client.errors.StripePermissionError);
    expect(err).toMatchObject({ statusCode: 403, rawType: 'invalid_request_error', code: 'more_permissions_required_for_application' });
    expect(err.message).toContain("This application does not have the required permissions for this endpoint on account 'acct_1ABC'.");
    expect(err.message).toContain("Having the 'customer_write' permission would allow this request to continue.");
    expect(err.message).toContain('stripe apps grant permission "customer_write"');
    expect(err.requestId).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(seen).toEqual([]);
    // 403s are not retried: one request, one violation.
    expect(onViolation).toHaveBeenCalledTimes(1);
    expect(onViolation.mock.calls[0]![0]).toMatchObject({ kind: 'missing', missingPermissions: ['customer_write'], stripeAccount: 'acct_1ABC' });
  });

  it('answers fetch callers with the 403 JSON body and headers', async () => {
    enforce();
    const res = await fetch('https://api.stripe.com/v1/customers', { method: 'POST', body: new URLSearchParams({ email: 'a@example.com' }) });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('request-id')).toMatch(/^req_/);
    const body = (await res.json()) as { error: Record<string, string> };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'more_permissions_required_for_application' });
    expect(body.error.message).toContain("'customer_write'");
    expect(body.error.message).not.toContain('on account');
    expect(seen).toEqual([]);
  });

  it('checks file uploads on files.stripe.com', async () => {
    enforce();
    const upload = (c: Stripe) => c.files.create({ file: { data: Buffer.from('hello'), name: 'a.txt', type: 'text/plain' }, purpose: 'dispute_evidence' });
    const err = await rejection(upload(stripe()));
    expect(err.message).toContain("'file_write'");
    expect(seen).toEqual([]);
    enforce({ permissions: ['file_write'] });
    await upload(stripe());
    expect(seen.map((s) => new URL(s.url).host)).toEqual(['files.stripe.com']);
  });
});

describe('expand paths', () => {
  it.each<[string, (c: Stripe) => Promise<unknown>, string[]]>([
    ['the query of a GET', (c) => c.invoices.retrieve('in_1', { expand: ['customer', 'default_payment_method'] }), ['payment_method_read']],
    ['a form body', (c) => c.customers.update('cus_1', { expand: ['invoice_settings.default_payment_method'] }), ['payment_method_read']],
  ])('read from %s', async (_, call, missing) => {
    const { onViolation } = enforce({ permissions: ['customer_write', 'invoice_read'] });
    await rejection(call(stripe()));
    expect(onViolation.mock.calls[0]![0].missingPermissions).toEqual(missing);
    expect(seen).toEqual([]);
  });

  it('read from a JSON body', async () => {
    enforce({ permissions: ['customer_write'] });
    const res = await fetch('https://api.stripe.com/v1/customers/cus_1', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', expand: ['invoice_settings.default_payment_method'] }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('with expand invoice_settings.default_payment_method needs');
    expect(seen).toEqual([]);
  });
});

describe('a covered request falls through to the next handler unchanged', () => {
  const cases: [string, string[], (c: Stripe) => Promise<unknown>][] = [
    ['GET with expand', READ_ONLY, (c) => c.customers.retrieve('cus_1', { expand: ['default_source'] })],
    ['POST form body', ['customer_write'], (c) => c.customers.create({ email: 'a@example.com', metadata: { a: '1' }, expand: ['default_source'] })],
    [
      'v2 JSON body',
      ['webhook_write'],
      (c) =>
        c.v2.core.eventDestinations.create({
          name: 'd',
          type: 'webhook_endpoint',
          event_payload: 'thin',
          enabled_events: ['v1.billing.meter.error_report_triggered'],
          webhook_endpoint: { url: 'https://example.com/hook' },
        }),
    ],
  ];
  it.each(cases)('%s', async (_, permissions, call) => {
    await call(stripe());
    const plain = seen.splice(0);
    enforce({ permissions });
    await call(stripe());
    expect(seen).toHaveLength(1);
    expect(seen).toEqual(plain);
  });

  it('a fetch caller gets the fixture response', async () => {
    enforce();
    const res = await fetch('https://api.stripe.com/v1/customers/cus_1');
    expect(await res.json()).toEqual({ id: 'cus_1', object: 'customer' });
  });
});

describe('permissions sources', () => {
  it('a manifest, by path or parsed', async () => {
    const manifest = { permissions: [{ permission: 'customer_write', purpose: 'Edit customers' }] };
    const file = join(mkdtempSync(join(tmpdir(), 'spg-msw-')), 'stripe-app.json');
    writeFileSync(file, JSON.stringify(manifest));
    for (const source of [file, manifest]) {
      enforce({ permissions: undefined, manifest: source });
      await stripe().customers.update('cus_1', { name: 'x' });
      const err = await rejection(stripe().invoices.retrieve('in_1'));
      expect(err.message).toContain("'invoice_read'");
      expect(err.message).toContain('which stripe-app.json does not declare');
    }
    expect(seen.map((s) => s.method)).toEqual(['POST', 'POST']);
  });

  it('a function of the request, given the Stripe-Account header', async () => {
    const asked: unknown[] = [];
    enforce({ permissions: async (ctx) => (asked.push(ctx), ctx.stripeAccount === 'acct_A' ? ['customer_write'] : []) });
    await stripe().customers.update('cus_1', { name: 'x' }, { stripeAccount: 'acct_A' });
    const err = await rejection(stripe().customers.update('cus_1', { name: 'x' }, { stripeAccount: 'acct_B' }));
    expect(err.message).toContain("on account 'acct_B'");
    expect(asked[0]).toEqual({ stripeAccount: 'acct_A', method: 'customers.update', httpMethod: 'POST', path: '/v1/customers/cus_1' });
    expect(seen).toHaveLength(1);
  });

  it('a throwing function answers a 500 that names it, not retried', async () => {
    let calls = 0;
    enforce({
      permissions: () => {
        calls++;
        throw new Error('db down');
      },
    });
    const err = await rejection(stripe({ maxNetworkRetries: 2 }).customers.retrieve('cus_1'));
    expect(err.statusCode).toBe(500);
    expect(err.message).toContain('The permissions function threw: db down');
    expect(calls).toBe(1);
    expect(seen).toEqual([]);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => stripePermissionHandlers({})).toThrow(/needs \{ manifest: '.\/stripe-app.json' \} or \{ permissions/);
    expect(() => stripePermissionHandlers({ permissions: [], mdoe: 'x' } as never)).toThrow(/unknown option "mdoe"/);
    expect(() => stripePermissionHandlers({ permissions: ['customer_reed'] })).toThrow(
      /permissions\[0\] "customer_reed" is not a Stripe Apps permission \(did you mean "customer_read"\?\)/,
    );
    expect(() => stripePermissionHandlers({ permissions: [], onUnmapped: 'loud' as never })).toThrow(/onUnmapped must be one of 'throw', 'warn', 'allow'/);
  });
});

describe('unmapped requests', () => {
  const update = (c: Stripe) => c.accounts.update('acct_1', { metadata: { a: '1' } });
  it("default 'warn': passed through, warned once", async () => {
    const { warn } = enforce();
    await update(stripe());
    await update(stripe());
    expect(seen).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/Cannot check accounts\.update: .*connected_account_read/);
  });
  it("'throw': a 500 api_error naming what is unmapped, not retried", async () => {
    const { onViolation } = enforce({ onUnmapped: 'throw' });
    const err = await rejection(update(stripe({ maxNetworkRetries: 2 })));
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect(err).toMatchObject({ statusCode: 500, code: 'stripe_permission_guard_unmapped' });
    expect(err.message).toMatch(/Cannot check accounts\.update/);
    expect(onViolation).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([]);
  });
  it("'allow': passed through without a word", async () => {
    const { warn } = enforce({ onUnmapped: 'allow' });
    await update(stripe());
    expect(seen).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('webhook endpoints', () => {
  it('need the permission of each enabled event', async () => {
    enforce({ permissions: ['webhook_write'] });
    const create = (c: Stripe) => c.webhookEndpoints.create({ url: 'https://example.com/hook', enabled_events: ['charge.succeeded', 'customer.created'] });
    const err = await rejection(create(stripe()));
    expect(err.message).toContain("Having the 'charge_read' and 'customer_read' permissions would allow this request to continue.");
    expect(err.message).toContain(
      'event charge.succeeded needs one of charge_read, charge_write; event customer.created needs one of customer_read, customer_write',
    );
    enforce({ permissions: ['webhook_write', 'charge_read', 'customer_read'] });
    await create(stripe());
    expect(seen).toHaveLength(1);
  });
});

it('reports each check to the active recorder', async () => {
  const records: CheckRecord[] = [];
  const stop = setRecorder((r) => records.push(r));
  try {
    enforce();
    await stripe().customers.retrieve('cus_1');
    await rejection(stripe().customers.create({}));
  } finally {
    stop();
  }
  expect(records.map((r) => [r.method, r.outcome])).toEqual([
    ['customers.retrieve', 'allowed'],
    ['customers.create', 'rejected'],
  ]);
});
