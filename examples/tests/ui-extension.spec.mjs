// Runs in its own worker: the reporter merges its records with the backend's.
import { afterAll, expect, it } from 'vitest';
import { startStripeMock } from '../stripe-mock.mjs';
import { createClient } from '../ui-extension/client.mjs';

const { server } = startStripeMock();
afterAll(() => server.close());

it('loads the customer panel', async () => {
  const ui = createClient({ getUserAuthorizedPermissions: () => ['customer_read', 'invoice_read'] });
  const panel = await ui.loadCustomerPanel('cus_jenny');
  expect(panel.customer.name).toBe('Jenny Rosen');
  await expect(() => ui.loadCustomerPanel('cus_jenny')).toBeAllowedBy(['customer_read', 'invoice_read']);
});
