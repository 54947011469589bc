// A UI extension's Stripe client. In the Dashboard a call succeeds when the app declares the
// permission and the signed-in user holds it, so the guard checks that intersection per request.
import Stripe from 'stripe';
import { createHttpClient, STRIPE_API_KEY } from '@stripe/ui-extension-sdk/http_client';
import { getUserAuthorizedPermissions } from '@stripe/ui-extension-sdk/utils';
import { guard } from 'stripe-permission-guard';
import manifest from './stripe-app.json' with { type: 'json' };

const declared = manifest.permissions.map((p) => p.permission);

export const stripe = guard(new Stripe(STRIPE_API_KEY, { httpClient: createHttpClient() }), {
  manifest,
  permissions: async () => {
    const user = new Set(await getUserAuthorizedPermissions());
    return declared.filter((p) => user.has(p));
  },
});

const customer = await stripe.customers.retrieve('cus_123'); // customer_read: declared and held
console.log('retrieved', customer.id);
await stripe.invoices.list({ customer: 'cus_123' }).catch((err) => {
  console.log('rejected', err.missingPermissions); // when the user lacks invoice_read
});
