import { dashboard } from '../test/dashboard';
import { stripe } from './stripe-client';

describe('the extension’s Stripe client', () => {
  it('sends what the app declares and the user holds', async () => {
    await stripe.customers.retrieve('cus_123');
    expect(dashboard.http.sent).toEqual(['GET /v1/customers/cus_123']);
  });

  it('rejects a call the user may not make, as the Dashboard would, and sends nothing', async () => {
    dashboard.userPermissions = ['customer_read'];
    await expect(stripe.invoices.list({ customer: 'cus_123' })).rejects.toBePermissionError(['invoice_read']);
    expect(dashboard.http.sent).toEqual([]);
  });

  it('rejects a call stripe-app.json does not declare', async () => {
    await expect(stripe.customers.update('cus_123', { metadata: { vip: 'yes' } })).rejects.toBePermissionError(['customer_write']);
    expect(dashboard.http.sent).toEqual([]);
  });
});
