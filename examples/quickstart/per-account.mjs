// A backend acting for many installed accounts: each request is checked against what its
// account approved (stripe ≥ 23 reads it as an Apps install's `permissions_granted`; a table here).
//   cd examples/quickstart && STRIPE_SECRET_KEY=sk_test_… node per-account.mjs
import Stripe from 'stripe';
import { guard } from 'stripe-permission-guard';

const approved = { acct_1: ['customer_read'], acct_2: ['customer_read', 'invoice_read'] };

const stripe = guard(new Stripe(process.env.STRIPE_SECRET_KEY), {
  manifest: './stripe-app.json', // what the app declares: rejections also say what it lacks
  permissions: async (ctx) => {
    console.log(ctx);
    return approved[ctx.stripeAccount] ?? [];
  },
  onViolation: (violation) => console.log('violation:', violation.kind, violation.missingPermissions),
});

try {
  await stripe.invoices.list({ limit: 3 }, { stripeAccount: 'acct_1' });
} catch (err) {
  console.log(err.message);
}
