// The response the msw handlers give a request the manifest does not cover, as any HTTP client sees it.
//   cd examples/quickstart && node msw-body.mjs
import { setupServer } from 'msw/node';
import { stripePermissionHandlers } from 'stripe-permission-guard/msw';

const server = setupServer(...stripePermissionHandlers({ manifest: './stripe-app.json' }));
server.listen({ onUnhandledRequest: 'error' });

const res = await fetch('https://api.stripe.com/v1/customers/cus_123', {
  method: 'POST',
  headers: { 'stripe-account': 'acct_123', 'content-type': 'application/x-www-form-urlencoded' },
  body: 'name=Jenny',
});
console.log(res.status, res.headers.get('stripe-should-retry'));
console.log(JSON.stringify(await res.json(), null, 2));
server.close();
