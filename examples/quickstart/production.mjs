// The guard left out of production: imported only where it is wanted, so a production install
// without dev dependencies (npm ci --omit=dev) never loads it.
//   cd examples/quickstart && STRIPE_SECRET_KEY=sk_test_… node production.mjs
import Stripe from 'stripe';

let stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
if (process.env.NODE_ENV !== 'production') {
  const { guard } = await import('stripe-permission-guard');
  stripe = guard(stripe, { manifest: './stripe-app.json' });
}

try {
  await stripe.customers.update('cus_123', { metadata: { vip: 'yes' } });
} catch (err) {
  // Outside production the guard rejects the call before it is sent; in production it goes to Stripe.
  console.log(process.env.NODE_ENV ?? 'development', err.type);
}
