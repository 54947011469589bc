// The app's backend: answers the extension with data read in the installing account.
// Run: STRIPE_SECRET_KEY=sk_test_… PORT=3000 node backend/server.js
const http = require('node:http');
const path = require('node:path');
const Stripe = require('stripe');
const { guard, isPermissionError } = require('stripe-permission-guard');

const MANIFEST = path.join(__dirname, '..', 'stripe-app.json');

/**
 * GET /customers/:id/summary with the Stripe-Account header of the installing account. Its
 * Stripe client can only make the calls stripe-app.json covers.
 */
function createHandler({ httpClient } = {}) {
  const key = process.env.STRIPE_SECRET_KEY ?? 'sk_test_missing';
  const stripe = guard(new Stripe(key, httpClient ? { httpClient } : {}), { manifest: MANIFEST });
  return async (req, res) => {
    const match = /^\/customers\/([\w-]+)\/summary$/.exec(req.url ?? '');
    const send = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!match || req.method !== 'GET') return send(404, { error: 'not found' });
    const stripeAccount = req.headers['stripe-account'];
    try {
      const customer = await stripe.customers.retrieve(match[1], { stripeAccount });
      const invoices = await stripe.invoices.list({ customer: match[1], limit: 10 }, { stripeAccount });
      send(200, { id: customer.id, invoices: invoices.data.length });
    } catch (err) {
      if (isPermissionError(err)) return send(403, { error: err.message, missingPermissions: err.missingPermissions });
      send(502, { error: 'Stripe request failed' });
    }
  };
}

module.exports = { createHandler };

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  http.createServer(createHandler()).listen(port, () => console.log(`listening on ${port}`));
}
