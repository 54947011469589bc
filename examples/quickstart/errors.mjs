// Every way the guard says no, each printed as `name: message`. Nothing here is sent.
//   cd examples/quickstart && STRIPE_SECRET_KEY=sk_test_… node errors.mjs
import Stripe from 'stripe';
import { guard, parseManifest } from 'stripe-permission-guard';

const stripe = guard(new Stripe(process.env.STRIPE_SECRET_KEY), { manifest: './stripe-app.json', onUnmapped: 'throw' });
const show = (err) => console.log(`${err.type ?? err.name}: ${err.message}\n`);

// Stripe refuses this for every app: no permission allows reading the account the app is installed on.
await stripe.accounts.retrieve().catch(show);
// Refused before sending: an id that is not one path segment, an expand path deeper than 4 levels.
await stripe.customers.retrieve('../balance').catch(show);
await stripe.invoices.retrieve('in_1', { expand: ['customer.invoice_settings.default_payment_method.customer.x'] }).catch(show);
// The map cannot tell what Climate needs (no edition of the permissions reference lists it).
await stripe.climate.orders.list().catch(show);

try {
  guard(stripe, { manfest: './stripe-app.json' });
} catch (err) {
  show(err);
}
try {
  parseManifest({ permissions: [{ permission: 'customer_reed' }, { permission: 'coupon_read, coupon_write', purpose: 'Apply discounts' }] });
} catch (err) {
  show(err);
  console.log(err.problems);
}
