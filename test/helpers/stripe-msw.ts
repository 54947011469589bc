// A test "Stripe": msw intercepts the real stripe client's default Node HTTP client and
// records every request that reached the network layer.
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const list = (data: unknown[], hasMore = false) => ({ object: 'list', data, has_more: hasMore, url: '/v1/x' });

export function createStripeServer() {
  const seen: SeenRequest[] = [];
  const record = async (request: Request) => {
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    seen.push({ method: request.method, url: request.url, headers, body: await request.clone().text() });
  };
  const server = setupServer(
    http.all('https://*.stripe.com/*', async ({ request }) => {
      await record(request);
      return undefined;
    }),
    http.get('https://api.stripe.com/v1/customers', ({ request }) => {
      const after = new URL(request.url).searchParams.get('starting_after');
      // Two pages: cus_1, cus_2 then cus_3.
      return HttpResponse.json(
        after
          ? list([{ id: 'cus_3', object: 'customer' }])
          : list(
              [
                { id: 'cus_1', object: 'customer' },
                { id: 'cus_2', object: 'customer' },
              ],
              true,
            ),
      );
    }),
    http.get('https://api.stripe.com/v1/customers/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'customer' })),
    http.post('https://api.stripe.com/v1/customers', () => HttpResponse.json({ id: 'cus_new', object: 'customer' })),
    http.post('https://api.stripe.com/v1/customers/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'customer' })),
    http.post('https://api.stripe.com/v1/accounts/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'account' })),
    http.get('https://api.stripe.com/v1/invoices/:id', ({ params }) => HttpResponse.json({ id: params.id, object: 'invoice' })),
    http.post('https://files.stripe.com/v1/files', () => HttpResponse.json({ id: 'file_1', object: 'file' })),
    http.get('https://api.stripe.com/v2/core/events', () => HttpResponse.json({ data: [], next_page_url: null, previous_page_url: null })),
    http.get('https://api.stripe.com/v1/charges/:id', () => HttpResponse.json({ error: { type: 'api_error', message: 'boom' } }, { status: 500 })),
  );
  return { server, seen };
}
