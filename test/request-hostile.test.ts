// Hostile callers and callbacks: every request settles, the process never dies, caches stay
// bounded, and one guard per client even with two copies of the package in the process.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { explain, resolveRequest, guard, isGuarded, setRecorder, unguard, GuardOptionsError, RefusedRequestError } from '../src/index.js';
import { RecordingHttpClient as Recording } from './helpers/recording-client.js';

const KEY = 'sk_test_51HostileSecretKeyNeverPrinted';

const client = (http = new Recording(), config: Record<string, unknown> = {}) => ({
  http,
  stripe: new Stripe(KEY, { httpClient: http, telemetry: false, maxNetworkRetries: 0, ...config }),
});
const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'sent' as const,
    (e: unknown) => e,
  );
const quiet = { warn() {} };

describe('permissions functions that misbehave', () => {
  it.each([
    ['a Set', () => new Set(['customer_read'])],
    ['a string', () => 'customer_read'],
    ['an object', () => ({ 0: 'customer_read' })],
    ['undefined', () => undefined],
    ['a promise of a Set', async () => new Set(['customer_read'])],
    ['an array with a number', () => ['customer_read', 1]],
  ])('returning %s settles the call with a GuardOptionsError saying what it returned', async (_, fn) => {
    const { http, stripe } = client();
    guard(stripe, { permissions: fn as never, logger: quiet });
    const e = await settle(stripe.customers.retrieve('cus_1'));
    expect(e).toBeInstanceOf(GuardOptionsError);
    expect((e as Error).message).toMatch(/must return \(or resolve to\) an array of permission names; it returned /);
    expect(http.sent).toEqual([]);
  });

  it('a throwing function keeps the error as cause', async () => {
    const { stripe } = client();
    const boom = new Error('db down');
    guard(stripe, {
      permissions: () => {
        throw boom;
      },
      logger: quiet,
    });
    const e = (await settle(stripe.customers.retrieve('cus_1'))) as Error;
    expect(e).toBeInstanceOf(GuardOptionsError);
    expect(e.cause).toBe(boom);
  });

  it("a ['a,b'] grant is not the grant ['a','b'] (no shared cache key)", async () => {
    const { stripe } = client();
    let names: string[] = ['customer_read', 'customer_write'];
    guard(stripe, { permissions: () => names, logger: quiet });
    expect(await settle(stripe.customers.update('cus_1', {}))).toBe('sent');
    names = ['customer_read,customer_write'];
    expect(await settle(stripe.customers.update('cus_1', {}))).toMatchObject({ statusCode: 403 });
  });

  it('what is judged is what is sent: params mutated while an async function runs', async () => {
    const { http, stripe } = client();
    guard(stripe, {
      permissions: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return ['invoice_read', 'invoice_write'];
      },
      logger: quiet,
    });
    const params: { metadata: Record<string, string>; expand: string[] } = { metadata: { a: '1' }, expand: [] };
    const pending = settle(stripe.invoices.update('in_1', params));
    params.expand.push('customer');
    params.metadata.a = '2';
    expect(await pending).toBe('sent');
    expect(http.sent[0]!.body).toBe('metadata[a]=1');
  });

  it("what is judged is what is sent: the client's account changed while an async function runs does not change the request", async () => {
    const { http, stripe } = client();
    const internal = stripe as unknown as { _setApiField(key: string, value: unknown): void };
    const seen: (string | undefined)[] = [];
    guard(stripe, {
      permissions: async (ctx) => {
        seen.push(ctx.stripeAccount);
        internal._setApiField('stripeAccount', 'acct_other');
        await new Promise((r) => setTimeout(r, 1));
        return ctx.stripeAccount === undefined ? ['customer_read'] : [];
      },
      logger: quiet,
    });
    await stripe.customers.retrieve('cus_1');
    expect(seen).toEqual([undefined]);
    expect(http.sent).toHaveLength(1);
    expect(Object.keys(http.sent[0]!.headers).map((k) => k.toLowerCase())).not.toContain('stripe-account');
    // The next request is read with the new account, and judged for it.
    expect(await settle(stripe.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403, missingPermissions: ['customer_read'] });
    expect(seen).toEqual([undefined, 'acct_other']);
    expect(http.sent).toHaveLength(1);
  });
});

describe('user callbacks that throw', () => {
  it("a throwing logger.warn neither blocks nor crashes requests in 'warn' mode", async () => {
    const { http, stripe } = client();
    guard(stripe, {
      permissions: [],
      mode: 'warn',
      logger: {
        warn() {
          throw new Error('logger down');
        },
      },
    });
    expect(await settle(stripe.customers.create({}))).toBe('sent');
    expect(http.sent).toHaveLength(1);
  });
  it('a throwing onViolation does not change the verdict', async () => {
    const { http, stripe } = client();
    guard(stripe, {
      permissions: [],
      onViolation: () => {
        throw new Error('hook down');
      },
      logger: quiet,
    });
    expect(await settle(stripe.customers.create({}))).toMatchObject({ statusCode: 403 });
    expect(http.sent).toEqual([]);
  });

  // An unhandled rejection would fail this file (vitest reports it) and end a Node process.
  it('an async onViolation and an async logger.warn that reject end nothing: the request settles as it would', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      const { http, stripe } = client();
      const rejecting = async () => {
        throw new Error('async hook down');
      };
      guard(stripe, { permissions: [], mode: 'warn', onViolation: rejecting, logger: { warn: rejecting } });
      expect(await settle(stripe.customers.create({}))).toBe('sent');
      const strict = client();
      guard(strict.stripe, { permissions: [], onViolation: rejecting, logger: { warn: rejecting } });
      expect(await settle(strict.stripe.customers.create({}))).toMatchObject({ statusCode: 403 });
      // A thenable whose then() throws, and a returned value of any kind.
      const weird = client();
      guard(weird.stripe, {
        permissions: [],
        mode: 'warn',
        onViolation: () =>
          ({
            then() {
              throw new Error('then down');
            },
          }) as never,
        logger: { warn: () => 42 as never },
      });
      expect(await settle(weird.stripe.customers.create({}))).toBe('sent');
      await new Promise((r) => setTimeout(r, 10));
      expect(http.sent).toHaveLength(1);
      expect(strict.http.sent).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('what a permissions function returns is read once', () => {
  it('a Proxy list whose reads disagree: the grant is compiled from one read, and a later client is not judged by it', async () => {
    let reads = 0;
    // Reads of index 0 alternate: a cache keyed on one read and compiled from another would mix them.
    const shifty = new Proxy(['customer_read'], {
      get(target, key, receiver) {
        if (key === '0') return reads++ % 2 === 0 ? 'customer_read' : 'customer_write';
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const first = client();
    guard(first.stripe, { permissions: () => shifty, logger: quiet });
    expect(await settle(first.stripe.customers.update('cus_1', { name: 'x' }))).toMatchObject({ statusCode: 403, missingPermissions: ['customer_write'] });
    expect(reads).toBe(1);
    const second = client();
    guard(second.stripe, { permissions: () => ['customer_read'], logger: quiet });
    expect(await settle(second.stripe.customers.update('cus_1', { name: 'x' }))).toMatchObject({ statusCode: 403 });
    expect(second.http.sent).toEqual([]);
  });

  it('a list longer than any grant is refused, not read', async () => {
    const { http, stripe } = client();
    guard(stripe, { permissions: () => Object.assign([], { length: 5_000 }) as never, logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBeInstanceOf(GuardOptionsError);
    expect(http.sent).toEqual([]);
  });

  it('a function that never settles: the request is refused at its own timeout, nothing sent', async () => {
    const { http, stripe } = client(new Recording(), { timeout: 30 });
    guard(stripe, { permissions: () => new Promise<string[]>(() => {}), logger: quiet });
    const e = await settle(stripe.customers.retrieve('cus_1'));
    expect(e).toBeInstanceOf(GuardOptionsError);
    expect((e as Error).message).toMatch(/did not settle within the request's timeout \(30 ms\)/);
    expect(http.sent).toEqual([]);
  });
});

describe('the grant is what the app declares and the account approved', () => {
  const manifest = { id: 'com.example.app', version: '1.0.0', permissions: [{ permission: 'customer_read', purpose: 'x' }] };
  it('a permissions function returning names the manifest does not declare grants them nothing, and says so once', async () => {
    const warnings: string[] = [];
    const { http, stripe } = client();
    guard(stripe, { manifest, permissions: () => ['customer_read', 'customer_write'], logger: { warn: (m) => warnings.push(m) } });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    expect(await settle(stripe.customers.update('cus_1', { name: 'x' }))).toMatchObject({ statusCode: 403, missingPermissions: ['customer_write'] });
    expect(await settle(stripe.customers.update('cus_1', { name: 'y' }))).toMatchObject({ statusCode: 403 });
    expect(http.sent).toHaveLength(1);
    expect(warnings.filter((w) => /does not declare/.test(w))).toHaveLength(1);
    expect(warnings[0]).toMatch(/"customer_write".*does not declare/);
  });

  it('a fixed list with a manifest: their intersection, warned at guard()', async () => {
    const warnings: string[] = [];
    const { http, stripe } = client();
    guard(stripe, { manifest, permissions: ['customer_write'], logger: { warn: (m) => warnings.push(m) } });
    // customer_write is not declared; customer_read is declared but customer_write (which implies it) is all the list grants.
    expect(await settle(stripe.customers.update('cus_1', { name: 'x' }))).toMatchObject({ statusCode: 403 });
    expect(http.sent).toEqual([]);
    expect(warnings.some((w) => /"customer_write".*does not declare/.test(w))).toBe(true);
  });
});

describe('clients built with their own authenticator or HttpClient', () => {
  it('a client authenticator that sets Stripe-Account: judged for that account, on the client and on its withStripeContext clients', async () => {
    const http = new Recording();
    const stripe = new Stripe('', {
      httpClient: http,
      telemetry: false,
      maxNetworkRetries: 0,
      authenticator: async (request: { headers: Record<string, unknown> }) => {
        request.headers.Authorization = `Bearer ${KEY}`;
        request.headers['Stripe-Account'] = 'acct_POOR';
      },
    } as never);
    const asked: (string | undefined)[] = [];
    guard(stripe, { permissions: ({ stripeAccount }) => (asked.push(stripeAccount), stripeAccount ? [] : ['customer_read']), logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403 });
    const derived = stripe.withStripeContext('ctx_1' as never);
    expect(await settle(derived.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403 });
    expect(asked).toEqual(['acct_POOR', 'acct_POOR']);
    expect(http.sent).toEqual([]);
  });

  it('a guarded client whose HttpClient is handed to another client does not judge twice, and unguard() restores the original', async () => {
    const { http, stripe } = client();
    let asked = 0;
    guard(stripe, { permissions: () => (asked++, ['customer_read']), logger: quiet });
    await stripe.customers.retrieve('cus_1');
    const derived = stripe.withStripeContext('ctx_1' as never);
    await derived.customers.retrieve('cus_1');
    expect(asked).toBe(2);
    expect(http.sent).toHaveLength(2);
    unguard(stripe);
    expect((stripe as unknown as { getApiField(k: string): unknown }).getApiField('httpClient')).toBe(http);
    expect(await settle(stripe.customers.update('cus_1', { name: 'x' }))).toBe('sent');
    expect(await settle(derived.customers.update('cus_1', { name: 'x' }))).toBe('sent');
  });
});

describe("the signed-in user's permissions (UI extensions)", () => {
  const manifest = {
    id: 'com.example.app',
    version: '1.0.0',
    permissions: [
      { permission: 'customer_read', purpose: 'x' },
      { permission: 'customer_write', purpose: 'x' },
    ],
  };
  it('a call the app declares but the user lacks: more_permissions_required_for_session, naming the permission', async () => {
    const { http, stripe } = client();
    guard(stripe, { manifest, userPermissions: ['customer_read'], logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    const e = await settle(stripe.customers.update('cus_1', { name: 'x' }));
    expect(e).toBeInstanceOf(stripe.errors.StripePermissionError);
    expect(e).toMatchObject({ statusCode: 403, code: 'more_permissions_required_for_session', missingPermissions: ['customer_write'] });
    expect((e as Error).message).toMatch(/^The signed-in user does not have the required permissions/);
    expect((e as Error).message).toMatch(/declares it, but the signed-in Dashboard user does not hold it/);
    expect(http.sent).toHaveLength(1);
  });
  it('a call the app does not declare stays the application error, whatever the user holds', async () => {
    const { stripe } = client();
    guard(stripe, { manifest, userPermissions: ['customer_read', 'invoice_write'], logger: quiet });
    expect(await settle(stripe.invoices.update('in_1', { description: 'x' }))).toMatchObject({
      code: 'more_permissions_required_for_application',
      missingPermissions: ['invoice_write'],
    });
  });
});

describe('the resolution cache cannot be shared by two requests', () => {
  it('a public resolveRequest() with an expand path holding a newline does not answer for the two paths it looks like', async () => {
    const { http, stripe } = client();
    // The same API version as the client sends: the key would otherwise differ anyway.
    const apiVersion = (stripe as unknown as { getApiField(k: string): string }).getApiField('version');
    const odd = resolveRequest({ method: 'GET', path: '/v1/invoices/in_1', apiVersion, expand: ['customer\ndefault_payment_method'] });
    expect(odd.unknowns.length).toBeGreaterThan(0);
    guard(stripe, { permissions: ['invoice_read'], logger: quiet });
    expect(await settle(stripe.invoices.retrieve('in_1', { expand: ['customer', 'default_payment_method'] }))).toMatchObject({
      statusCode: 403,
      missingPermissions: ['customer_read', 'payment_method_read'],
    });
    expect(http.sent).toEqual([]);
  });
});

describe('Stripe answers the guard gives', () => {
  it('a streaming call that is rejected settles with the StripePermissionError, not a stream', async () => {
    const { http, stripe } = client();
    guard(stripe, { permissions: [], logger: quiet });
    const e = await settle(stripe.quotes.pdf('qt_1'));
    expect(e).toBeInstanceOf(stripe.errors.StripePermissionError);
    expect(e).toMatchObject({ statusCode: 403, code: 'more_permissions_required_for_application', missingPermissions: ['quote_read'] });
    expect(http.sent).toEqual([]);
  });

  it('a rejection is never retried, whatever maxNetworkRetries', async () => {
    const { http, stripe } = client(new Recording(), { maxNetworkRetries: 5 });
    let asked = 0;
    guard(stripe, { permissions: () => (asked++, []), logger: quiet });
    expect(await settle(stripe.customers.create({}))).toMatchObject({ statusCode: 403 });
    expect(asked).toBe(1);
    expect(http.sent).toEqual([]);
  });
});

describe('hostile expand paths', () => {
  it('a 4000-segment expand is refused before any walking, cheaply', async () => {
    const { http, stripe } = client();
    guard(stripe, { permissions: ['invoice_read'], logger: quiet });
    const expand = Array.from({ length: 8 }, (_, i) => Array(4000).fill('latest_charge.payment_intent').join('.') + i);
    const e = await settle(stripe.invoices.retrieve('in_1', { expand }));
    expect(e).toBeInstanceOf(RefusedRequestError);
    expect((e as Error).message).toMatch(/path is \d+ characters long|query string is longer than/);
    const post = await settle(stripe.invoices.update('in_1', { expand }));
    expect(post).toBeInstanceOf(RefusedRequestError);
    expect((post as Error).message).toMatch(/form body is longer than|an expand path \(\d+ characters\) is not a dot-separated list/);
    // The value itself is not echoed: it may be anything.
    expect((post as Error).message).not.toContain('latest_charge.payment_intent.latest_charge');
    expect((await settle(stripe.invoices.update('in_1', { expand: ['customer.invoice_settings.default_payment_method.customer.x'] }))) as Error).toMatchObject({
      message: expect.stringMatching(/is 5 levels deep; Stripe expands at most 4 levels/),
    });
    expect(http.sent).toEqual([]);
    expect(explain('invoices.retrieve', { expand }).invalid?.length).toBe(8);
  });
  it('refusals name the argument in mode throw and are warned in mode warn', async () => {
    const warnings: string[] = [];
    const { http, stripe } = client();
    guard(stripe, { permissions: ['customer_read'], mode: 'warn', logger: { warn: (m) => warnings.push(m) } });
    await settle(stripe.customers.listBalanceTransactions('..'));
    expect(http.sent).toHaveLength(1);
    expect(warnings.join()).toContain('the path segment ".." is a dot segment');
  });
});

describe('state follows the client', () => {
  it('a withStripeContext client made before a narrowing guard() follows it, and unguard()', async () => {
    const { http, stripe } = client();
    guard(stripe, { permissions: ['customer_read'], logger: quiet });
    const derived = stripe.withStripeContext('acct_1' as never);
    expect(await settle(derived.customers.retrieve('cus_1'))).toBe('sent');
    guard(stripe, { permissions: [], logger: quiet });
    expect(await settle(derived.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403 });
    unguard(stripe);
    expect(isGuarded(derived)).toBe(false);
    expect(await settle(derived.customers.retrieve('cus_1'))).toBe('sent');
    guard(stripe, { permissions: [], logger: quiet });
    expect(isGuarded(derived)).toBe(true);
    expect(http.sent).toHaveLength(2);
  });

  it('two builds of the package in one process share one guard per client', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    // A variable specifier: the built files are not part of the type check.
    const built = '../dist/index.js';
    const esm = (await import(built)) as typeof import('../src/index.js');
    const { http, stripe } = client();
    esm.guard(stripe, { permissions: ['customer_read'], logger: quiet });
    cjs.guard(stripe, { permissions: [], logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403 });
    cjs.unguard(stripe);
    expect(esm.isGuarded(stripe)).toBe(false);
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    expect(http.sent).toHaveLength(1);
  });

  it("instanceof holds for the errors of every copy: the ESM and CommonJS main entries, a subpath's", async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('../dist/index.cjs') as typeof import('../src/index.js');
    const built = '../dist/index.js';
    const esm = (await import(built)) as typeof import('../src/index.js');
    const msw = require('../dist/testing/msw.cjs') as typeof import('../src/testing/msw.js');
    const thrown = (f: () => unknown): unknown => {
      try {
        f();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const fromSubpath = thrown(() => msw.stripePermissionHandlers({ permissions: ['customer_reed'] }));
    const fromCjs = thrown(() => cjs.guard({} as never, { permissions: ['customer_read'] }));
    for (const e of [fromSubpath, fromCjs]) {
      expect(e).toBeInstanceOf(esm.GuardOptionsError);
      expect(e).toBeInstanceOf(cjs.GuardOptionsError);
      expect(e).toBeInstanceOf(TypeError);
      expect(e).not.toBeInstanceOf(esm.ManifestError);
    }
    const manifest = thrown(() => cjs.parseManifest({ permissions: [{ permission: 'nope', purpose: 'x' }] }));
    expect(manifest).toBeInstanceOf(esm.ManifestError);
    expect(manifest).not.toBeInstanceOf(esm.GuardOptionsError);
    expect({ name: 'GuardOptionsError' }).not.toBeInstanceOf(esm.GuardOptionsError);
    const { stripe } = client();
    cjs.guard(stripe, { permissions: ['customer_read'], mode: 'throw', logger: quiet });
    const refused = await settle(stripe.customers.retrieve('..'));
    expect(refused).toBeInstanceOf(esm.RefusedRequestError);
    expect(refused).not.toBeInstanceOf(esm.UnmappedRequestError);
  });
});

describe('cached verdicts', () => {
  it('an allowed request is recorded for coverage every time, also once its verdict is cached', async () => {
    const { stripe } = client();
    guard(stripe, { permissions: ['customer_read'], logger: quiet });
    for (let i = 0; i < 3; i++) expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    const records: unknown[] = [];
    const stop = setRecorder((r) => records.push(r));
    try {
      for (let i = 0; i < 2; i++) expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    } finally {
      stop();
    }
    expect(records).toHaveLength(2);
    expect(records[0]).toMatchObject({ method: 'customers.retrieve', outcome: 'allowed' });
  });

  it('a verdict is cached per guard(): re-guarding with fewer permissions rejects what was allowed', async () => {
    const { http, stripe } = client();
    guard(stripe, { permissions: ['customer_read'], logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    guard(stripe, { permissions: ['invoice_read'], logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toMatchObject({ statusCode: 403, missingPermissions: ['customer_read'] });
    expect(http.sent).toHaveLength(2);
  });

  it('the same path for two accounts, alternating: each call is judged with its own account', async () => {
    const { http, stripe } = client();
    const seen: (string | undefined)[] = [];
    guard(stripe, {
      permissions: (ctx) => {
        seen.push(ctx.stripeAccount);
        return ctx.stripeAccount === 'acct_granted' ? ['customer_read'] : [];
      },
      logger: quiet,
    });
    for (let i = 0; i < 3; i++) {
      expect(await settle(stripe.customers.retrieve('cus_1', {}, { stripeAccount: 'acct_granted' }))).toBe('sent');
      expect(await settle(stripe.customers.retrieve('cus_1', {}, { stripeAccount: 'acct_other' }))).toMatchObject({ statusCode: 403 });
      expect(await settle(stripe.customers.retrieve('cus_1', {}, { headers: { 'stripe-account': 'acct_other' } } as never))).toMatchObject({
        statusCode: 403,
      });
    }
    expect(seen).toEqual(Array.from({ length: 3 }, () => ['acct_granted', 'acct_other', 'acct_other']).flat());
    expect(http.sent).toHaveLength(3);
  });

  it("the client's account as stripe-node reads it: through getApiField(), even an overridden one", async () => {
    const { http, stripe } = client();
    const own = stripe.getApiField.bind(stripe);
    Object.defineProperty(stripe, 'getApiField', { value: (key: string) => (key === 'stripeAccount' ? 'acct_double' : own(key as never)) });
    const seen: (string | undefined)[] = [];
    guard(stripe, { permissions: (ctx) => (seen.push(ctx.stripeAccount), ['customer_read']), logger: quiet });
    expect(await settle(stripe.customers.retrieve('cus_1'))).toBe('sent');
    expect(http.sent[0]?.headers['Stripe-Account']).toBe('acct_double');
    expect(seen).toEqual(['acct_double']);
  });
});

describe('unknown routes are labelled', () => {
  it("as 'VERB /path' in violations", async () => {
    const seen: { method: string; httpMethod: string; path: string }[] = [];
    const { stripe } = client();
    guard(stripe, { permissions: [], onViolation: (v) => seen.push(v), logger: quiet });
    await settle(stripe.rawRequest('GET', '/v1/not_a_route/x'));
    expect(seen[0]).toMatchObject({ method: 'GET /v1/not_a_route/x', httpMethod: 'GET', path: '/v1/not_a_route/x' });
  });
});

describe('expand paths are judged against the API version on the wire', () => {
  it('stripe 17 (acacia) and a client pinning an older apiVersion: latest_invoice.payment_intent needs payment_intent_read', async () => {
    const require = createRequire(import.meta.url);
    const Stripe17 = require('stripe-17') as typeof Stripe;
    const http17 = new Recording();
    const old = guard(new Stripe17(KEY, { httpClient: http17 as never, telemetry: false, maxNetworkRetries: 0 }) as unknown as Stripe, {
      permissions: ['subscription_read', 'invoice_read'],
      logger: quiet,
    });
    expect(await settle(old.subscriptions.retrieve('sub_1', { expand: ['latest_invoice.payment_intent'] }))).toMatchObject({
      statusCode: 403,
      missingPermissions: ['payment_intent_read'],
    });
    const { http, stripe } = client(undefined, { apiVersion: '2024-06-20' });
    guard(stripe, { permissions: ['subscription_read', 'invoice_read'], logger: quiet });
    expect(await settle(stripe.subscriptions.retrieve('sub_1', { expand: ['latest_invoice.payment_intent'] }))).toMatchObject({
      statusCode: 403,
      missingPermissions: ['payment_intent_read'],
    });
    expect(await settle(stripe.subscriptions.retrieve('sub_1', { expand: ['latest_invoice.payment_intent'] }, { apiVersion: '2026-10-28.endive' }))).toBe(
      'sent',
    );
    expect([...http17.sent, ...http.sent]).toHaveLength(1);
    expect(
      explain('subscriptions.retrieve', { expand: ['latest_invoice.payment_intent'] }, { apiVersion: '2024-06-20' }).requirements.map((r) => r.anyOf[0]),
    ).toContain('payment_intent_read');
  });
});

describe('secrecy', () => {
  it('a refused expand path or event type is not echoed: it may hold anything, the API key too', async () => {
    const messages: string[] = [];
    const { stripe } = client();
    guard(stripe, {
      permissions: ['invoice_read', 'webhook_write'],
      mode: 'warn',
      logger: { warn: (m) => messages.push(m) },
      onViolation: (v) => messages.push(v.message),
    });
    await settle(stripe.invoices.retrieve('in_1', { expand: [`${KEY}!`] }));
    await settle(stripe.webhookEndpoints.create({ url: 'https://example.test/h', enabled_events: [`${KEY} ` as 'charge.succeeded'] }));
    const e = await settle(guard(client().stripe, { permissions: ['invoice_read'], logger: quiet }).invoices.retrieve('in_1', { expand: [`${KEY}!`] }));
    messages.push((e as Error).message);
    expect(messages.length).toBeGreaterThanOrEqual(3);
    for (const m of messages) expect(m).not.toContain(KEY);
  });
});
