import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { check, compileGrant, explain, guard } from '../src/index.js';
import { activeRecorder, toRecord } from '../src/runtime/record.js';
import { installPermissionMatchers, permissionMatchers } from '../src/testing/vitest.js';
import { stripePermissionHandlers } from '../src/testing/msw.js';
import { collectPerTest } from '../src/testing/test-scope.js';
import type { CheckRecord } from '../src/runtime/record.js';

installPermissionMatchers();

describe('toRequirePermissions', () => {
  it.each([
    ['customers.create', ['customer_write']],
    ['customers.retrieve', ['customer_read']],
    ['customers.retrieve', ['customer_write']], // write satisfies a read, and is not superfluous
    [
      ['invoices.retrieve', { expand: ['customer'] }],
      ['invoice_read', 'customer_read'],
    ],
    // balance_transaction_source_read implies balance_read, so it alone is the exact requirement.
    [{ method: 'GET', path: '/v1/balance_transactions/txn_1?expand[]=source' }, ['balance_transaction_source_read']],
  ] as const)('%j requires %j', (call, permissions) => {
    expect(call).toRequirePermissions(permissions);
  });

  it('fails on a missing permission, showing required vs given', () => {
    expect(() => expect(['invoices.retrieve', { expand: ['customer'] }]).toRequirePermissions(['invoice_read'])).toThrow(
      /expected invoices\.retrieve .* to require exactly \[invoice_read\][\s\S]*required:[\s\S]*expand customer: customer_read or customer_write[\s\S]*not met by them: expand customer/,
    );
  });

  it('fails on a superfluous permission', () => {
    expect(() => expect('customers.create').toRequirePermissions(['customer_write', 'invoice_read'])).toThrow(/not needed: invoice_read/);
    expect(() =>
      expect(['balanceTransactions.retrieve', { expand: ['source'] }]).toRequirePermissions(['balance_read', 'balance_transaction_source_read']),
    ).toThrow(/not needed: balance_read/);
  });

  it('fails on calls the map cannot decide', () => {
    expect(() => expect('accounts.update').toRequirePermissions([])).toThrow(/unknown to the map: accounts\.update/);
  });

  // What the runner diffs: the given list against the smallest list that passes.
  it.each([
    [['invoices.retrieve', { expand: ['customer'] }], ['invoice_read'], ['customer_read', 'invoice_read']],
    ['customers.create', ['customer_write', 'invoice_read'], ['customer_write']],
    ['customers.retrieve', ['customer_write'], ['customer_write']],
  ] as const)('%j given %j: actual %j for the diff', (call, given, actual) => {
    const r = permissionMatchers.toRequirePermissions.call({ isNot: false }, call, given) as { actual: unknown; expected: unknown };
    expect(r).toMatchObject({ actual, expected: [...given].sort() });
  });

  it('.not', () => {
    expect('customers.create').not.toRequirePermissions(['customer_read']);
    expect(() => expect('customers.create').not.toRequirePermissions(['customer_write'])).toThrow(
      /expected customers\.create not to require exactly \[customer_write\]/,
    );
  });
});

describe('toBeAllowedBy', () => {
  const manifest = { permissions: [{ permission: 'customer_read', purpose: 'Show customers' }] };
  it('with a permission list, a parsed manifest or a path', () => {
    expect('customers.retrieve').toBeAllowedBy(['customer_read']);
    expect('customers.retrieve').toBeAllowedBy(manifest);
    expect(['invoices.list', { expand: ['data.customer'] }]).toBeAllowedBy(new URL('../examples/backend/stripe-app.json', import.meta.url).pathname);
  });
  it('fails naming what is missing; .not inverts', () => {
    expect(() => expect('customers.update').toBeAllowedBy(manifest)).toThrow(/to be allowed by \[customer_read\][\s\S]*missing: customer_write/);
    expect('customers.update').not.toBeAllowedBy(manifest);
    expect(() => expect('customers.retrieve').not.toBeAllowedBy(manifest)).toThrow(/not to be allowed by/);
  });
  it('fails on a call unknown to the map: nobody can say it is allowed', () => {
    expect(() => expect('accounts.update').toBeAllowedBy(['connected_account_read', 'customer_write'])).toThrow(
      /unknown to the map, so not known to be allowed: accounts\.update/,
    );
    expect(() => expect({ method: 'GET', path: '/v1/no_such_thing' }).toBeAllowedBy(['customer_read'])).toThrow(/unknown to the map/);
  });
  it('carries actual/expected: the list that would allow it against the given one', () => {
    const r = permissionMatchers.toBeAllowedBy.call({ isNot: false }, ['invoices.retrieve', { expand: ['customer'] }], ['invoice_read']) as {
      pass: boolean;
      actual: unknown;
      expected: unknown;
    };
    expect(r).toMatchObject({ pass: false, actual: ['customer_read', 'invoice_read'], expected: ['invoice_read'] });
  });
});

describe('a function performing guarded calls', () => {
  class Ok extends Stripe.HttpClient {
    override getClientName() {
      return 'ok';
    }
    override makeRequest() {
      const Res = class extends Stripe.HttpClientResponse {
        override getRawResponse() {
          return {};
        }
        override toJSON() {
          return Promise.resolve({ id: 'cus_1', object: 'customer' });
        }
      };
      return Promise.resolve(new Res(200, {}));
    }
  }
  // 'warn' lets every call run, so the matcher sees all of them (in 'throw' mode the function stops at the first rejection).
  const stripe = guard(new Stripe('sk_test_matchers', { httpClient: new Ok() }), { permissions: ['customer_read'], mode: 'warn', logger: { warn() {} } });

  it('collects every call it made', async () => {
    const panel = async () => {
      await stripe.customers.retrieve('cus_1', { expand: ['invoice_settings.default_payment_method'] });
      await stripe.customers.update('cus_1', { name: 'x' });
    };
    await expect(panel).toRequirePermissions(['customer_write', 'payment_method_read']);
    await expect(panel).not.toBeAllowedBy(['customer_read']);
    await expect(expect(panel).toBeAllowedBy(['customer_read'])).rejects.toThrow(/missing: payment_method_read, customer_write/);
  });

  it('a function that makes no guarded call is a usage error', async () => {
    await expect(expect(async () => {}).toBeAllowedBy([])).rejects.toThrow(/made no guarded Stripe call/);
  });
});

describe('toBePermissionError (expected rejections)', () => {
  const server = setupServer(
    ...stripePermissionHandlers({ permissions: ['customer_read'] }),
    http.all('https://api.stripe.com/*', () => HttpResponse.json({ id: 'cus_1', object: 'customer' })),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  // The same rejection from both surfaces: guard() builds the error, msw answers Stripe's 403.
  const surfaces = {
    guard: () =>
      guard(
        new Stripe('sk_test_matchers', {
          httpClient: Stripe.createFetchHttpClient(() => {
            throw new Error('nothing may leave');
          }),
          // Each attempt is judged (and recorded) as it leaves: no retries, one record per call.
          maxNetworkRetries: 0,
        }),
        { permissions: ['customer_read'] },
      ),
    msw: () => new Stripe('sk_test_matchers', { httpClient: Stripe.createFetchHttpClient(), maxNetworkRetries: 0 }),
  };

  /** Runs `fn` with a scope collecting like a setup file does, and returns what it recorded. */
  async function inScope(fn: () => Promise<void>): Promise<CheckRecord[]> {
    const scope = { records: [] as CheckRecord[] };
    const stop = collectPerTest(() => scope);
    try {
      await fn();
    } finally {
      stop();
    }
    return scope.records;
  }

  it.each(Object.keys(surfaces) as (keyof typeof surfaces)[])("%s: passes on the guard's rejection and marks that check expected", async (surface) => {
    const stripe = surfaces[surface]();
    const records = await inScope(async () => {
      await stripe.customers.retrieve('cus_1').catch(() => {});
      await expect(stripe.customers.update('cus_1', { name: 'x' })).rejects.toBePermissionError(['customer_write']);
      await expect(stripe.customers.update('cus_1', { name: 'y' })).rejects.toBePermissionError();
    });
    expect(records.map((r) => [r.method, r.outcome, !!r.expected])).toEqual([
      ['customers.retrieve', 'allowed', false],
      ['customers.update', 'rejected', true],
      ['customers.update', 'rejected', true],
    ]);
  });

  it.each([
    ['a different missing list', ['invoice_write'], /lacking \[invoice_write\]; it lacks \[customer_write\]/],
    ['an extra permission', ['customer_write', 'invoice_write'], /it lacks \[customer_write\]/],
  ] as const)('fails on %s, and marks nothing', async (_, list, message) => {
    const stripe = surfaces.guard();
    const records = await inScope(async () => {
      await expect(expect(stripe.customers.update('cus_1', { name: 'x' })).rejects.toBePermissionError(list)).rejects.toThrow(message);
    });
    expect(records.map((r) => !!r.expected)).toEqual([false]);
  });

  it.each([
    ['a plain Error', new Error('network down'), /got Error/],
    [
      'another Stripe error',
      Object.assign(new Error('Invalid API Key provided: sk_test_***'), { type: 'StripeAuthenticationError' }),
      /got StripeAuthenticationError/,
    ],
    [
      'a permission error with another code',
      Object.assign(new Error('x'), { type: 'StripePermissionError', code: 'secret_key_required' }),
      /got StripePermissionError with code "secret_key_required"/,
    ],
  ])('fails on %s, without printing its message', async (_, error, message) => {
    const failure = expect(Promise.reject(error)).rejects.toBePermissionError();
    await expect(failure).rejects.toThrow(message);
    await expect(expect(Promise.reject(error)).rejects.toBePermissionError()).rejects.not.toThrow(/sk_test|network down/);
  });

  it('.not passes on other errors and marks nothing', async () => {
    const stripe = surfaces.guard();
    const records = await inScope(async () => {
      await expect(Promise.reject(new Error('x'))).rejects.not.toBePermissionError();
      await expect(expect(stripe.customers.update('cus_1', { name: 'x' })).rejects.not.toBePermissionError()).rejects.toThrow(
        /not to be the guard's permission error/,
      );
    });
    expect(records.map((r) => !!r.expected)).toEqual([false]);
  });

  it('carries actual/expected for the diff', () => {
    const error = Object.assign(new Error('x'), {
      type: 'StripePermissionError',
      code: 'more_permissions_required_for_application',
      missingPermissions: ['customer_write'],
    });
    const r = permissionMatchers.toBePermissionError.call({ isNot: false }, error, ['invoice_write']);
    expect(r).toMatchObject({
      pass: false,
      actual: { code: 'more_permissions_required_for_application', missingPermissions: ['customer_write'] },
      expected: { missingPermissions: ['invoice_write'] },
    });
  });
});

describe('permission lists given to the matchers are validated', () => {
  it.each([
    ['toBeAllowedBy', () => expect('customers.retrieve').toBeAllowedBy(['customer_reed'])],
    ['toRequirePermissions', () => expect('customers.retrieve').toRequirePermissions(['customer_reed'])],
  ])('%s names the nearest permission', (_, run) => {
    expect(run).toThrow(/permissions\[0\] "customer_reed" is not a Stripe Apps permission \(did you mean "customer_read"\?\)/);
  });
  it('toBePermissionError too, and a list that is not an array', async () => {
    await expect(expect(Promise.reject(new Error('x'))).rejects.toBePermissionError(['customer_wirte'])).rejects.toThrow(/did you mean "customer_write"/);
    await expect(expect(Promise.reject(new Error('x'))).rejects.toBePermissionError('customer_write' as never)).rejects.toThrow(
      /must be an array of permission names, got a string/,
    );
  });
});

// The one verdict (verdictOf, as check() reports it): a refused or invalid call passes no list.
describe('the matchers report the verdict', () => {
  it.each([
    [{ method: 'GET', path: '/v1/customers/..' }, 'invalid'],
    [['customers.list', { expand: ['data.a.b.c.d.e'] }], 'invalid'],
    ['accounts.retrieveCurrent', 'refused'],
  ] as const)('%j (%s) is allowed by no list and requires no list', (call, kind) => {
    const c =
      typeof call === 'string' ? check(call, {}, []) : 'method' in call ? check(call, []) : check(call[0], { expand: [...call[1].expand] }, ['customer_read']);
    expect(c.verdict).toBe(kind);
    for (const list of [[], ['customer_read'], ['customer_write', 'connected_account_read']]) expect(call).not.toBeAllowedBy(list);
    expect(() => expect(call).toRequirePermissions([])).toThrow(/refused/);
    expect(() => expect(call).toRequirePermissions(['connected_account_read'])).toThrow(/no permission allows it/);
    const r = permissionMatchers.toRequirePermissions.call({ isNot: false }, call, []) as { actual: unknown };
    expect(r.actual).toEqual([]);
  });

  it('a function whose guarded call is refused or invalid requires no list', async () => {
    const stripe = guard(new Stripe('sk_test_x', { httpClient: Stripe.createFetchHttpClient((async () => new Response('{}')) as typeof fetch) }), {
      permissions: ['connected_account_read', 'customer_read'],
      logger: { warn() {} },
    });
    await expect(() => stripe.accounts.retrieveCurrent()).not.toRequirePermissions([]);
    await expect(() => stripe.accounts.retrieveCurrent()).not.toRequirePermissions(['connected_account_read']);
  });

  it.each(['throw', 'warn'] as const)('a function whose guarded call is refused before sending requires no list (mode %s)', async (mode) => {
    const stripe = guard(new Stripe('sk_test_x', { httpClient: Stripe.createFetchHttpClient((async () => new Response('{}')) as typeof fetch) }), {
      permissions: ['customer_read'],
      mode,
      logger: { warn() {} },
    });
    await expect(() => stripe.customers.retrieve('..')).not.toRequirePermissions([]);
    await expect(() => stripe.customers.list({ expand: ['data.a.b.c.d.e'] })).not.toRequirePermissions(['customer_read']);
    await expect(() => stripe.customers.list({ expand: ['data.a.b.c.d.e'] })).not.toBeAllowedBy(['customer_read', 'customer_write']);
    // The same function shape passes for a request the guard allows: the rows above can fail.
    await expect(() => stripe.customers.retrieve('cus_1')).toRequirePermissions(['customer_read']);
  });

  it('a recorded invalid check fails toRequirePermissions([]) (the guard passes its verdict to the record)', async () => {
    const record = toRecord(
      explain({ method: 'GET', path: '/v1/customers/cus_1' }),
      compileGrant([]),
      [],
      [],
      'rejected',
      undefined,
      check({ method: 'GET', path: '/v1/customers/..' }, []).detail,
    );
    expect(record).toMatchObject({ verdict: 'invalid', satisfied: [], missing: [] });
    await expect(() => activeRecorder()?.(record)).not.toRequirePermissions([]);
  });
});
