// An in-process "Stripe" for the examples, the demo and the tests: msw answers the few
// calls the examples make with small fixtures, so nothing ever reaches api.stripe.com and
// everything runs offline. The request log is how we show that a rejected call sent nothing.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';

const API = 'https://api.stripe.com/v1';

/** The fixture objects the handlers serve (fresh copies per call, so tests can't leak state). */
export const fixtures = {
  customers: {
    cus_jenny: { id: 'cus_jenny', object: 'customer', name: 'Jenny Rosen', email: 'jenny@example.com', metadata: {} },
  },
  invoices: [
    { id: 'in_1001', object: 'invoice', customer: 'cus_jenny', status: 'paid', amount_due: 4200, currency: 'usd', number: 'INV-1001' },
    { id: 'in_1002', object: 'invoice', customer: 'cus_jenny', status: 'open', amount_due: 1900, currency: 'usd', number: 'INV-1002' },
  ],
  checkoutSessions: {
    cs_test_1: { id: 'cs_test_1', object: 'checkout.session', customer: 'cus_jenny', status: 'complete', payment_status: 'paid', amount_total: 4200, currency: 'usd' },
  },
};

const copy = (o) => structuredClone(o);

// The shape of a Stripe API error, so the SDK raises its own error classes for a 404.
function stripeError(status, message, param) {
  return HttpResponse.json({ error: { type: 'invalid_request_error', code: 'resource_missing', message, param } }, { status });
}

// stripe-node sends arrays as `expand[0]=…`: accept any `expand…` key.
function expands(url) {
  return [...url.searchParams].filter(([k]) => k.startsWith('expand')).map(([, v]) => v);
}

/**
 * The msw request handlers of the examples' Stripe: retrieve/update a customer, list
 * invoices (honours `customer` and `expand: ['data.customer']`), retrieve a Checkout Session.
 * @returns {import('msw').HttpHandler[]}
 */
export function stripeHandlers() {
  return [
    http.get(`${API}/customers/:id`, ({ params }) => {
      const customer = fixtures.customers[params.id];
      return customer ? HttpResponse.json(copy(customer)) : stripeError(404, `No such customer: '${params.id}'`, 'id');
    }),
    http.post(`${API}/customers/:id`, async ({ params, request }) => {
      const customer = fixtures.customers[params.id];
      if (!customer) return stripeError(404, `No such customer: '${params.id}'`, 'id');
      // Form-encoded like the real API: metadata[tag]=vip, name=…
      const form = new URLSearchParams(await request.text());
      const updated = copy(customer);
      for (const [key, value] of form) {
        const meta = /^metadata\[(.+)\]$/.exec(key);
        if (meta) updated.metadata[meta[1]] = value;
        else if (key === 'name' || key === 'email') updated[key] = value;
      }
      return HttpResponse.json(updated);
    }),
    http.get(`${API}/invoices`, ({ request }) => {
      const url = new URL(request.url);
      const customer = url.searchParams.get('customer');
      const expandCustomer = expands(url).includes('data.customer');
      const data = fixtures.invoices
        .filter((inv) => !customer || inv.customer === customer)
        .map((inv) => ({ ...copy(inv), ...(expandCustomer ? { customer: copy(fixtures.customers[inv.customer]) } : {}) }));
      return HttpResponse.json({ object: 'list', url: '/v1/invoices', has_more: false, data });
    }),
    http.get(`${API}/checkout/sessions/:id`, ({ params }) => {
      const session = fixtures.checkoutSessions[params.id];
      return session ? HttpResponse.json(copy(session)) : stripeError(404, `No such checkout.session: '${params.id}'`, 'session');
    }),
  ];
}

const isLoopback = (url) => ['localhost', '127.0.0.1', '[::1]'].includes(new URL(url).hostname);

/**
 * Starts the mock Stripe in this process (msw `setupServer`). Any request to a host other
 * than loopback that no handler answers is an error — so a missing fixture fails loudly
 * instead of reaching the real API. Loopback requests pass through, so tests and the demo
 * can call the example backend over real HTTP while the mock is on.
 *
 * @param {{ handlers?: import('msw').HttpHandler[] }} [options] extra handlers, tried first
 * @returns {{ server: import('msw/node').SetupServerApi, requests: { method: string, url: string }[] }}
 *   `requests` logs every non-loopback request msw saw, in order (clear it with `requests.length = 0`).
 *   Call `server.close()` when done.
 */
export function startStripeMock({ handlers = [] } = {}) {
  const server = setupServer(...handlers, ...stripeHandlers());
  const requests = [];
  server.events.on('request:start', ({ request }) => {
    if (!isLoopback(request.url)) requests.push({ method: request.method, url: request.url });
  });
  server.listen({
    onUnhandledRequest(request, print) {
      if (!isLoopback(request.url)) print.error();
    },
  });
  return { server, requests };
}
