// msw handlers that answer like Stripe: put them before your fixtures. The client is not
// guarded; the handlers check every request to Stripe at the network layer.
//   cd examples/quickstart && STRIPE_SECRET_KEY=sk_test_… node msw.mjs
import Stripe from 'stripe';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { stripePermissionHandlers } from 'stripe-permission-guard/msw';

const server = setupServer(
  ...stripePermissionHandlers({ manifest: './stripe-app.json' }),
  http.get('https://api.stripe.com/v1/customers/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'customer' })),
);
server.listen({ onUnhandledRequest: 'error' });

const stripe = new Stripe(process.env.STRIPE_SECRET_KEY);
console.log((await stripe.customers.retrieve('cus_123')).id); // covered: falls through to the fixture
try {
  await stripe.customers.update('cus_123', { name: 'Jenny Rosen' });
} catch (err) {
  console.log(err.type, err.statusCode, err.code, err.raw.missing_permissions);
}
server.close();
