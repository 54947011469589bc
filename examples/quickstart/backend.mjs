// A backend's Stripe client, guarded by the app's manifest. The call below needs customer_write,
// which ./stripe-app.json does not declare: it is rejected before anything is sent.
//   cd examples/quickstart && STRIPE_SECRET_KEY=sk_test_… node backend.mjs
import Stripe from 'stripe';
import { guard } from 'stripe-permission-guard';

const stripe = guard(new Stripe(process.env.STRIPE_SECRET_KEY), { manifest: './stripe-app.json' });

try {
  await stripe.customers.update('cus_123', { metadata: { vip: 'yes' } }, { stripeAccount: 'acct_123' });
} catch (err) {
  console.log(err instanceof stripe.errors.StripePermissionError, err.statusCode, err.code);
  console.log(err.missingPermissions);
  console.log(err.message);
}
