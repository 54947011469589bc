// The backend of an installed Stripe App. It calls Stripe on behalf of the account that
// installed the app, so it only gets what this folder's stripe-app.json declares. The guard
// makes a call the manifest does not cover fail here, with Stripe's own error, instead of
// after the app is live.
//
// (A real backend also verifies the Stripe-Signature its UI extension sends; left out here.)
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Stripe from 'stripe';
import { guard } from 'stripe-permission-guard';

/** Absolute path of the manifest, so it loads from any working directory. */
export const MANIFEST_PATH = fileURLToPath(new URL('./stripe-app.json', import.meta.url));

// Fake on purpose: the examples only ever talk to the msw mock (../stripe-mock.mjs).
const FAKE_KEY = 'sk_test_example_not_a_real_key';

/**
 * A Stripe client guarded by this app's manifest.
 * @param {{ mode?: 'throw' | 'warn' | 'off', logger?: { warn(message: string): void } }} [options]
 *   `mode` defaults to 'throw' (STRIPE_PERMISSION_GUARD_MODE overrides it); `logger` defaults to console.
 * @returns {Stripe}
 */
export function createStripe({ mode = 'throw', logger } = {}) {
  // No retries: one call is one request in the mock's log.
  const stripe = new Stripe(FAKE_KEY, { maxNetworkRetries: 0, telemetry: false });
  return guard(stripe, { manifest: MANIFEST_PATH, mode, ...(logger ? { logger } : {}) });
}

/**
 * The app's HTTP API, node:http style. The installed account comes from the
 * `Stripe-Account` header or `?account=acct_…`.
 *   GET  /invoices?account=acct_…[&customer=cus_…]  → invoices with their customer expanded
 *   GET  /checkout-sessions/:id?account=acct_…       → one Checkout Session
 *   POST /customers/:id/tag?account=acct_…  {"tag"}  → sets metadata.tag (needs customer_write:
 *                                                      not declared, so a JSON 403)
 * @param {{ stripe: Stripe }} deps a (guarded) Stripe client, e.g. from createStripe()
 * @returns {(req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>}
 */
export function createHandler({ stripe }) {
  return async function handler(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const stripeAccount = req.headers['stripe-account'] ?? url.searchParams.get('account');
    try {
      if (!stripeAccount) return send(res, 400, { error: { message: 'Pass the installed account: Stripe-Account header or ?account=acct_…' } });
      const opts = { stripeAccount };
      let m;
      if (req.method === 'GET' && url.pathname === '/invoices') {
        const customer = url.searchParams.get('customer');
        const list = await stripe.invoices.list({ limit: 10, expand: ['data.customer'], ...(customer ? { customer } : {}) }, opts);
        return send(res, 200, { invoices: list.data.map((inv) => ({ id: inv.id, number: inv.number, status: inv.status, amountDue: inv.amount_due, currency: inv.currency, customerName: inv.customer?.name ?? null })) });
      }
      if (req.method === 'GET' && (m = /^\/checkout-sessions\/([^/]+)$/.exec(url.pathname))) {
        const session = await stripe.checkout.sessions.retrieve(m[1], {}, opts);
        return send(res, 200, { id: session.id, status: session.status, paymentStatus: session.payment_status });
      }
      if (req.method === 'POST' && (m = /^\/customers\/([^/]+)\/tag$/.exec(url.pathname))) {
        const { tag } = await readJson(req);
        if (typeof tag !== 'string' || !tag) return send(res, 400, { error: { message: 'Body: {"tag": "…"}' } });
        const customer = await stripe.customers.update(m[1], { metadata: { tag } }, opts);
        return send(res, 200, { id: customer.id, metadata: customer.metadata });
      }
      return send(res, 404, { error: { message: `No route ${req.method} ${url.pathname}` } });
    } catch (err) {
      return sendError(res, err);
    }
  };
}

// Pass Stripe's verdict on to the caller: a permission error stays a 403 and names what to
// declare, so the UI can say so instead of showing a generic failure.
function sendError(res, err) {
  if (err instanceof Stripe.errors.StripeError) {
    return send(res, err.statusCode ?? 502, {
      error: {
        type: err.rawType ?? err.type, // Stripe's wire value, e.g. invalid_request_error
        code: err.code,
        message: err.message,
        ...(err.missingPermissions ? { missingPermissions: err.missingPermissions } : {}),
      },
    });
  }
  return send(res, 500, { error: { message: 'Internal error' } });
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

// `node examples/backend/server.mjs`: serve on $PORT against the mock Stripe, never the real one.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = process.env.PORT;
  if (!port) {
    console.log([
      'Usage: PORT=3000 node examples/backend/server.mjs',
      '  Serves this example backend against an in-process mock of Stripe (no network).',
      '  curl "localhost:3000/invoices?account=acct_123"',
      '  curl -X POST "localhost:3000/customers/cus_jenny/tag?account=acct_123" -d \'{"tag":"vip"}\'   # → 403',
      'Or run the whole tour: npm run demo',
    ].join('\n'));
  } else {
    const { startStripeMock } = await import('../stripe-mock.mjs');
    startStripeMock();
    const server = http.createServer(createHandler({ stripe: createStripe({ mode: 'throw' }) }));
    server.listen(Number(port), () => console.log(`Example backend on http://localhost:${server.address().port} (Stripe is mocked)`));
  }
}
