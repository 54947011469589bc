// An app's own tests: Stripe is an msw fixture, the client is guarded by the app's manifest, and
// the setup file records every check for the coverage reporter.
import Stripe from 'stripe';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { guard } from 'stripe-permission-guard';

const server = setupServer(
  http.get('https://api.stripe.com/v1/customers/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'customer', name: 'Jenny Rosen' })),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const stripe = guard(new Stripe('sk_test_example_not_a_real_key'), { manifest: 'stripe-app.json' });

it('shows the customer', async () => {
  const customer = await stripe.customers.retrieve('cus_123');
  expect(customer.name).toBe('Jenny Rosen');
});

it('does not tag customers: the app never asks for customer_write', async () => {
  await expect(stripe.customers.update('cus_123', { metadata: { vip: 'yes' } })).rejects.toBePermissionError(['customer_write']);
});

it('knows what a call needs', () => {
  expect(['invoices.list', { expand: ['data.customer'] }]).toRequirePermissions(['invoice_read', 'customer_read']);
  expect('customers.update').not.toBeAllowedBy('stripe-app.json');
});
