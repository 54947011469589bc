// The Stripe client of a UI extension. In the Dashboard a call succeeds only if both the app
// (its stripe-app.json) and the signed-in user hold the permission, so the guard checks that
// intersection — per request, because the user's permissions arrive at runtime.
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { guard } from 'stripe-permission-guard';

// A real extension bundles it: `import manifest from '../stripe-app.json'`. Read here so Node
// 20 runs this file without the experimental JSON-modules warning.
const manifest = JSON.parse(readFileSync(new URL('./stripe-app.json', import.meta.url), 'utf8'));
const declared = manifest.permissions.map((p) => p.permission);

// The extension SDK's client authenticates through the Dashboard; no real key is involved.
const FAKE_KEY = 'sk_test_example_not_a_real_key';

/**
 * A guarded Stripe client for the extension, plus its app logic.
 * @param {object} [deps]
 * @param {Stripe.HttpClient} [deps.httpClient] stands in for `createHttpClient()` of
 *   @stripe/ui-extension-sdk/http_client; default `Stripe.createFetchHttpClient()` (global fetch).
 * @param {() => string[] | Promise<string[]>} deps.getUserAuthorizedPermissions the signed-in
 *   user's permissions; each request is checked against them ∩ this folder's stripe-app.json.
 * @returns {{
 *   stripe: Stripe,
 *   loadCustomerPanel(customerId: string): Promise<{ customer: { id: string, name: string | null, email: string | null }, invoices: { id: string, number: string | null, status: string | null, amountDue: number }[] }>,
 *   tagCustomer(customerId: string, tag: string): Promise<Stripe.Customer>,
 * }}
 */
export function createClient({ httpClient = Stripe.createFetchHttpClient(), getUserAuthorizedPermissions } = {}) {
  if (typeof getUserAuthorizedPermissions !== 'function') throw new TypeError('createClient needs getUserAuthorizedPermissions()');
  const stripe = guard(new Stripe(FAKE_KEY, { httpClient, maxNetworkRetries: 0, telemetry: false }), {
    permissions: async () => {
      const user = new Set(await getUserAuthorizedPermissions());
      return declared.filter((p) => user.has(p));
    },
  });

  return {
    stripe,
    /** The panel's data: needs customer_read and invoice_read, from the app and the user. */
    async loadCustomerPanel(customerId) {
      const [customer, invoices] = await Promise.all([
        stripe.customers.retrieve(customerId),
        stripe.invoices.list({ customer: customerId, limit: 5 }),
      ]);
      return {
        customer: { id: customer.id, name: customer.name ?? null, email: customer.email ?? null },
        invoices: invoices.data.map((inv) => ({ id: inv.id, number: inv.number, status: inv.status, amountDue: inv.amount_due })),
      };
    },
    /** Needs customer_write, which the manifest does not declare: always rejected. */
    tagCustomer(customerId, tag) {
      return stripe.customers.update(customerId, { metadata: { tag } });
    },
  };
}
