// Property and load tests: hostile input gets only documented errors, nothing pollutes
// prototypes, a denied request never leaves, an allowed one leaves as without the guard.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import Stripe from 'stripe';
import { http, HttpResponse } from 'msw';
import { check, explain, guard, parseManifest, ManifestError, buildReport, formatReportText, setRecorder, type CheckRecord } from '../src/index.js';
import { createStripeServer } from './helpers/stripe-msw.js';
import { RecordingHttpClient as Recording } from './helpers/recording-client.js';

const KEY = 'sk_test_51HardeningSecretKeyDoNotLeak';
const protoKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join();
const PROTO = protoKeys();

const stable = (h: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(h).filter(([k]) => !/^(idempotency-key|x-stripe-client-user-agent|user-agent)$/i.test(k)));

const METHODS = [
  'customers.retrieve',
  'customers.list',
  'customers.update',
  'invoices.retrieve',
  'invoices.list',
  'checkout.sessions.retrieve',
  'balanceTransactions.retrieve',
  'charges.create',
  'refunds.list',
] as const;
const PERMS = [
  'customer_read',
  'customer_write',
  'invoice_read',
  'checkout_session_read',
  'charge_read',
  'charge_write',
  'balance_read',
  'balance_transaction_source_read',
  'payment_method_read',
];
const SEGMENTS = [
  'data',
  'customer',
  'default_source',
  'invoice_settings',
  'default_payment_method',
  'source',
  'payment_intent',
  'latest_charge',
  'line_items',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  '',
];
const expandPath = fc.oneof(
  fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 6 }).map((s) => s.join('.')),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

describe('properties', () => {
  it('any expand path on any method: explain() answers, never throws, never pollutes', () => {
    fc.assert(
      fc.property(fc.constantFrom(...METHODS), fc.array(expandPath, { maxLength: 5 }), (method, expand) => {
        const e = explain(method, { expand });
        expect(e.status).toBe('mapped');
        for (const u of e.unknowns) expect(['expand', 'object', 'endpoint', 'event']).toContain(u.kind);
        expect(protoKeys()).toBe(PROTO);
      }),
      { numRuns: 400 },
    );
  });

  it('any path and query string: explain() answers with a route or an unknown endpoint', () => {
    const segment = fc.oneof(fc.constantFrom('v1', 'customers', 'cus_1', '{customer}', '..', '%2F', '__proto__', ''), fc.string({ maxLength: 12 }));
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'get'),
        fc.array(segment, { maxLength: 6 }),
        fc.string({ maxLength: 60 }),
        (method, segs, query) => {
          const e = explain({ method, path: `/${segs.join('/')}?${query}` });
          expect(['mapped', 'none', 'unknown']).toContain(e.status);
          if (e.status === 'unknown') expect(e.unknowns.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('any manifest value: a Manifest or a ManifestError, nothing else, prototypes untouched', () => {
    const hostileEntry = fc.oneof(
      fc.record(
        {
          permission: fc.oneof(fc.constantFrom(...PERMS, '__proto__', 'constructor', 'customer_reed', 'a,b'), fc.string()),
          purpose: fc.oneof(fc.string(), fc.constant(undefined), fc.integer()),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
      fc.constant(JSON.parse('{"__proto__":{"polluted":1},"permission":"customer_read","purpose":"x"}')),
    );
    const manifest = fc.oneof(
      fc.record({ permissions: fc.array(hostileEntry, { maxLength: 20 }) }),
      fc.anything({ maxDepth: 6, withObjectString: true }),
      fc.constant(JSON.parse('{"__proto__":{"permissions":[]},"constructor":{"prototype":{"x":1}}}')),
    );
    fc.assert(
      fc.property(manifest, (value) => {
        try {
          parseManifest(value);
        } catch (e) {
          expect(e).toBeInstanceOf(ManifestError);
          expect((e as ManifestError).problems.length).toBeGreaterThan(0);
        }
        expect(protoKeys()).toBe(PROTO);
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('a denied request never leaves; an allowed one leaves byte-identical to the unguarded client', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...METHODS),
        fc.subarray(PERMS),
        fc.subarray(['customer', 'data.customer', 'source', 'default_source', 'payment_intent.latest_charge']),
        async (method, granted, expand) => {
          const [resource, name] = [method.slice(0, method.lastIndexOf('.')), method.slice(method.lastIndexOf('.') + 1)];
          const call = (s: Stripe) => {
            const target = resource.split('.').reduce<any>((o, k) => o[k], s);
            const args = /retrieve|update/.test(name) ? ['id_1', { expand }, { idempotencyKey: 'k' }] : [{ expand }, { idempotencyKey: 'k' }];
            return target[name](...args) as Promise<unknown>;
          };
          const plainClient = new Recording();
          await call(new Stripe(KEY, { httpClient: plainClient, telemetry: false })).catch(() => {});
          const guardedClient = new Recording();
          const verdict = check(method, { expand }, granted);
          const result = await call(
            guard(new Stripe(KEY, { httpClient: guardedClient, telemetry: false }), { permissions: granted, onUnmapped: 'allow' }),
          ).then(
            () => 'sent',
            (e: { statusCode?: number }) => e.statusCode,
          );
          // onUnmapped 'allow': unknown expand paths are sent; only missing permissions reject.
          if (verdict.missing.length === 0 && !verdict.explanation.invalid) {
            expect(result).toBe('sent');
            expect(guardedClient.sent.map((r) => ({ ...r, headers: stable(r.headers) }))).toEqual(
              plainClient.sent.map((r) => ({ ...r, headers: stable(r.headers) })),
            );
          } else {
            expect(result).toBe(403);
            expect(guardedClient.sent).toEqual([]);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('load', () => {
  it('10,000 concurrent mixed calls, async permissions per account: exact counts, no cross-talk', async () => {
    const http = new Recording();
    const byAccount: Record<string, string[]> = { acct_read: ['customer_read'], acct_write: ['customer_write'], acct_none: [] };
    const stripe = guard(new Stripe(KEY, { httpClient: http, telemetry: false, maxNetworkRetries: 0 }), {
      permissions: async ({ stripeAccount }) => {
        await new Promise((r) => setImmediate(r));
        return byAccount[stripeAccount ?? ''] ?? [];
      },
    });
    const accounts = Object.keys(byAccount);
    const calls = Array.from({ length: 10_000 }, (_, i) => {
      const account = accounts[i % 3]!;
      const write = i % 2 === 0;
      const p = write
        ? stripe.customers.update(`cus_${i}`, { metadata: { i: String(i) } }, { stripeAccount: account })
        : stripe.customers.retrieve(`cus_${i}`, {}, { stripeAccount: account });
      const expected = account === 'acct_write' || (account === 'acct_read' && !write);
      return p.then(
        () => ({ i, account, ok: true, expected }),
        (e: { statusCode?: number; message: string }) => ({ i, account, ok: false, expected, status: e.statusCode, message: e.message }),
      );
    });
    const results = await Promise.all(calls);
    const wrong = results.filter((r) => r.ok !== r.expected);
    expect(wrong).toEqual([]);
    expect(http.sent).toHaveLength(results.filter((r) => r.expected).length);
    // Each request that left carried the account it was allowed for.
    for (const sent of http.sent) expect(['acct_read', 'acct_write']).toContain(sent.headers['Stripe-Account']);
    for (const r of results.filter((x) => !x.ok) as { account: string; message: string }[]) expect(r.message).toContain(`on account '${r.account}'`);
  }, 60_000);
});

describe('secrets', () => {
  it('the API key and request bodies appear in no error, warning or report', async () => {
    const warnings: string[] = [];
    const records: CheckRecord[] = [];
    const restore = setRecorder((r) => records.push(r));
    const body = { name: 'Body Secret 8472', metadata: { ssn: '000-12-3456' } };
    try {
      const throwing = guard(new Stripe(KEY, { httpClient: new Recording() }), { permissions: [] });
      const err = await throwing.customers.update('cus_1', body).catch((e: Error) => e);
      const warning = guard(new Stripe(KEY, { httpClient: new Recording() }), { permissions: [], mode: 'warn', logger: { warn: (m) => warnings.push(m) } });
      await warning.customers.create(body);
      await warning.accounts.update('acct_1', body);
      const texts = [
        String(err),
        (err as Error).stack ?? '',
        JSON.stringify(err),
        JSON.stringify(Object.entries(err as object)),
        ...warnings,
        JSON.stringify(records),
        formatReportText(buildReport(records)),
      ];
      for (const t of texts) {
        expect(t).not.toContain(KEY);
        expect(t).not.toContain('Body Secret');
        expect(t).not.toContain('000-12-3456');
      }
      expect(warnings.length).toBe(2);
    } finally {
      restore();
    }
  });
});

describe('the guard never breaks an allowed call', () => {
  const { server } = createStripeServer();
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('streaming responses (quotes.pdf)', async () => {
    server.use(
      http.get('https://files.stripe.com/v1/quotes/:id/pdf', () => new HttpResponse('%PDF-1.4 fake', { headers: { 'content-type': 'application/pdf' } })),
    );
    const stripe = guard(new Stripe(KEY, { telemetry: false }), { permissions: ['quote_read'] });
    const stream = await stripe.quotes.pdf('qt_1');
    const chunks: Buffer[] = [];
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(Buffer.from(chunk));
    expect(Buffer.concat(chunks).toString()).toBe('%PDF-1.4 fake');
  });

  it('retries on 5xx of allowed calls, as without the guard, judging each attempt as it leaves', async () => {
    let attempts = 0;
    // (server.use handlers run before the recording one, so they count for themselves.)
    server.use(
      http.get('https://api.stripe.com/v1/charges/:id', () =>
        ++attempts < 3 ? HttpResponse.json({ error: { type: 'api_error' } }, { status: 500 }) : HttpResponse.json({ id: 'ch_1', object: 'charge' }),
      ),
    );
    const asked = vi.fn(() => ['charge_read']);
    const stripe = guard(new Stripe(KEY, { telemetry: false, maxNetworkRetries: 2 }), { permissions: asked });
    (stripe as unknown as { _requestSender: { _getSleepTimeInMS: () => number } })._requestSender._getSleepTimeInMS = () => 0;
    await expect(stripe.charges.retrieve('ch_1')).resolves.toMatchObject({ id: 'ch_1' });
    expect(attempts).toBe(3);
    expect(asked).toHaveBeenCalledTimes(3);
  });

  it('idempotency keys reach Stripe unchanged, on every retry', async () => {
    const keys: (string | null)[] = [];
    server.use(
      http.post('https://api.stripe.com/v1/customers', ({ request }) => {
        keys.push(request.headers.get('idempotency-key'));
        return keys.length < 2
          ? HttpResponse.json({ error: { type: 'api_error' } }, { status: 503 })
          : HttpResponse.json({ id: 'cus_new', object: 'customer' });
      }),
    );
    const stripe = guard(new Stripe(KEY, { telemetry: false, maxNetworkRetries: 1 }), { permissions: ['customer_write'] });
    (stripe as unknown as { _requestSender: { _getSleepTimeInMS: () => number } })._requestSender._getSleepTimeInMS = () => 0;
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'idem_hardening_1' });
    expect(keys).toEqual(['idem_hardening_1', 'idem_hardening_1']);
  });
});
