// What the Dashboard provides, replaced for tests: the extension SDK's HTTP client (fixtures, and
// a log of what was sent) and the signed-in user's permissions.
import { FixtureHttpClient } from './fixture-http-client';

export const dashboard = {
  http: new FixtureHttpClient({
    'GET /v1/invoices': { object: 'list', data: [{ id: 'in_1', object: 'invoice' }], has_more: false, url: '/v1/invoices' },
    'GET /v1/customers/cus_123': { id: 'cus_123', object: 'customer' },
  }),
  userPermissions: ['customer_read', 'invoice_read'],
  reset() {
    this.http.sent.length = 0;
    this.userPermissions = ['customer_read', 'invoice_read'];
  },
};

/** Lets pending requests and renders settle. */
export const settle = () => new Promise((done) => setTimeout(done, 0));
