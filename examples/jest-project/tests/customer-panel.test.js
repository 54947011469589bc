// The same tests under Jest: the setup file registers the matchers and records every check.
const Stripe = require('stripe');
const { guard } = require('stripe-permission-guard');
const { FixtureHttpClient } = require('./fixture-http-client');

const httpClient = new FixtureHttpClient({
  'GET /v1/customers/cus_123': { id: 'cus_123', object: 'customer', name: 'Jenny Rosen' },
});
const stripe = guard(new Stripe('sk_test_example_not_a_real_key', { httpClient }), { manifest: 'stripe-app.json' });

test('shows the customer', async () => {
  const customer = await stripe.customers.retrieve('cus_123');
  expect(customer.name).toBe('Jenny Rosen');
});

test('does not tag customers: the app never asks for customer_write', async () => {
  await expect(stripe.customers.update('cus_123', { metadata: { vip: 'yes' } })).rejects.toBePermissionError(['customer_write']);
});

test('knows what a call needs', () => {
  expect(['invoices.list', { expand: ['data.customer'] }]).toRequirePermissions(['invoice_read', 'customer_read']);
  expect('customers.update').not.toBeAllowedBy('stripe-app.json');
});
