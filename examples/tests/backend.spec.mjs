// The backend example's own tests, as an app team would write them: with the guard in
// 'warn' mode the calls go through, and the coverage reporter collects what they needed.
import { afterAll, describe, expect, it } from 'vitest';
import { startStripeMock } from '../stripe-mock.mjs';
import { createStripe } from '../backend/server.mjs';

const { server } = startStripeMock();
afterAll(() => server.close());
const stripe = createStripe({ mode: 'warn', logger: { warn() {} } });

describe('backend', () => {
  it('lists invoices with their customers', async () => {
    const invoices = await stripe.invoices.list({ limit: 10, expand: ['data.customer'] }, { stripeAccount: 'acct_1' });
    expect(invoices.data).toHaveLength(2);
  });

  it('tags a customer', async () => {
    // customer_write is not in backend/stripe-app.json: the report lists it as required but not declared.
    const customer = await stripe.customers.update('cus_jenny', { metadata: { tag: 'vip' } }, { stripeAccount: 'acct_1' });
    expect(customer.metadata.tag).toBe('vip');
  });

  it('matchers: what a call requires', () => {
    expect(['invoices.list', { expand: ['data.customer'] }]).toRequirePermissions(['invoice_read', 'customer_read']);
    expect('customers.update').not.toBeAllowedBy(new URL('../backend/stripe-app.json', import.meta.url).pathname);
  });
});
