// A rejection read with its types: isPermissionError() narrows to the guard's error, from guard()
// or the msw handlers. Type-checked by test/module-resolution.test.ts under every module resolution.
import Stripe from 'stripe';
import { guard, isPermissionError } from 'stripe-permission-guard';

const stripe = guard(new Stripe(process.env.STRIPE_SECRET_KEY ?? ''), { manifest: './stripe-app.json' });

export async function tagCustomer(id: string): Promise<string> {
  try {
    await stripe.customers.update(id, { metadata: { vip: 'yes' } });
    return 'tagged';
  } catch (err) {
    if (isPermissionError(err)) return `needs ${err.missingPermissions?.join(', ')}`;
    throw err;
  }
}
