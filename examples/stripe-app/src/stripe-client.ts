// The extension's Stripe client. In the Dashboard a call succeeds only when the app declares the
// permission and the signed-in user holds it, so the guard checks that intersection.
import Stripe from 'stripe';
import { createHttpClient, STRIPE_API_KEY } from '@stripe/ui-extension-sdk/http_client';
import { getUserAuthorizedPermissions } from '@stripe/ui-extension-sdk/utils';
import { guard } from 'stripe-permission-guard';
import manifest from '../stripe-app.json';

const declared = manifest.permissions.map((p) => p.permission);

export const stripe = guard(new Stripe(STRIPE_API_KEY, { httpClient: createHttpClient() as Stripe.HttpClient }), {
  manifest,
  permissions: async () => {
    const user = new Set(await getUserAuthorizedPermissions());
    return declared.filter((p) => user.has(p));
  },
});
