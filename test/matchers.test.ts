import { describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { guard } from '../src/index.js';
import { installPermissionMatchers } from '../src/testing/vitest.js';

installPermissionMatchers();

describe('toRequirePermissions', () => {
  it.each([
    ['customers.create', ['customer_write']],
    ['customers.retrieve', ['customer_read']],
    ['customers.retrieve', ['customer_write']], // write satisfies a read, and is not superfluous
    [['invoices.retrieve', { expand: ['customer'] }], ['invoice_read', 'customer_read']],
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
    expect(() => expect(['balanceTransactions.retrieve', { expand: ['source'] }]).toRequirePermissions(['balance_read', 'balance_transaction_source_read'])).toThrow(/not needed: balance_read/);
  });

  it('fails on calls the map cannot decide', () => {
    expect(() => expect('accounts.update').toRequirePermissions([])).toThrow(/unknown to the map: accounts\.update/);
  });

  it('.not', () => {
    expect('customers.create').not.toRequirePermissions(['customer_read']);
    expect(() => expect('customers.create').not.toRequirePermissions(['customer_write'])).toThrow(/expected customers\.create not to require exactly \[customer_write\]/);
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
