// One table of request shapes, run through every surface: check(), guard() with the node and
// the fetch HttpClients, and the msw handlers. Each row is a request an attacker (or a
// careless caller) could make; "blocked" means nothing reaches the HttpClient (guard) or the
// next msw handler, and check() does not call it allowed. Add a row for every bug found.
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { check, guard, isPermissionError, readPermissionError, type HttpCall, type PermissionsSource } from '../src/index.js';
import { stripePermissionHandlers } from '../src/testing/msw.js';
import { RecordingHttpClient as Recording } from './helpers/recording-client.js';

const KEY = 'sk_test_51TableSecretKeyNeverPrinted';
type Call = (s: Stripe) => Promise<unknown>;
interface Row {
  readonly name: string;
  readonly call: Call;
  /** The same request as it goes on the wire, for check(). */
  readonly wire: HttpCall;
  readonly permissions: PermissionsSource;
  /** `warned`: sent (with a warning, under the default onUnmapped), but check() does not call it allowed. */
  readonly expected: 'allowed' | 'blocked' | 'warned';
  /** Client options (stripeAccount…). */
  readonly client?: Record<string, unknown>;
  /**
   * Rows whose shape exists only before a URL parser normalises it: msw sees the normalised
   * request (here DELETE /v1/tax_ids/txi_1, an unknown route: warned and passed by default).
   */
  readonly skipMsw?: boolean;
  /** Rows check() cannot express (account-dependent grants). */
  readonly skipCheck?: boolean;
}

const byAccount =
  (rich: string[]): PermissionsSource =>
  async ({ stripeAccount, stripeContext }) => {
    await new Promise((r) => setImmediate(r));
    const who = stripeContext ?? stripeAccount;
    return who === 'acct_RICH' ? rich : [];
  };
const INV = ['invoice_read', 'invoice_write'];
/** Grants `list` to the platform (no account), nothing on a connected account. */
const platformOnly =
  (list: string[]): PermissionsSource =>
  ({ stripeAccount, stripeContext }) =>
    stripeAccount || stripeContext ? [] : list;

interface SentRequest {
  host: string;
  path: string;
  method: string;
  headers: Record<string, unknown>;
  body: unknown;
}
/**
 * Request options whose authenticator rewrites the request after stripe-node built it: the
 * tool that shapes any wire tuple through stripe-node (what an authenticator may do).
 */
const rewrite = (edit: (r: SentRequest) => void) =>
  ({
    authenticator: async (r: SentRequest) => {
      r.headers.Authorization = `Bearer ${KEY}`;
      edit(r);
      if (typeof r.body === 'string') r.headers['Content-Length'] = Buffer.byteLength(r.body);
    },
  }) as never;
const multipart = (type: string, disposition: string) =>
  rewrite((r) => {
    r.headers['Content-Type'] = `${type}; boundary=BOUNDARY`;
    r.body = `--BOUNDARY\r\nContent-Disposition: ${disposition}\r\n\r\ncustomer\r\n--BOUNDARY--\r\n`;
  });

const rows: Row[] = [
  // Dot segments and separators in ids: a URL parser or server resolves them to another endpoint.
  {
    name: "customers.listBalanceTransactions('..')",
    call: (s) => s.customers.listBalanceTransactions('..'),
    wire: { method: 'GET', path: '/v1/customers/../balance_transactions' },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  {
    name: "customers.deleteTaxId('..', 'txi_1')",
    call: (s) => s.customers.deleteTaxId('..', 'txi_1'),
    wire: { method: 'DELETE', path: '/v1/customers/../tax_ids/txi_1' },
    permissions: ['customer_write'],
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: "customers.retrieve('%2e%2e')",
    call: (s) => s.rawRequest('GET', '/v1/customers/%2e%2e/balance_transactions'),
    wire: { method: 'GET', path: '/v1/customers/%2e%2e/balance_transactions' },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  {
    name: 'rawRequest with backslashes',
    call: (s) => s.rawRequest('POST', '/v1/customers/..\\..\\v1\\refunds', {}),
    wire: { method: 'POST', path: '/v1/customers/..\\..\\v1\\refunds' },
    permissions: ['customer_write'],
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: 'an encoded slash in an id',
    call: (s) => s.rawRequest('GET', '/v1/customers/cus_1%2F..%2F..%2Fv1%2Frefunds'),
    wire: { method: 'GET', path: '/v1/customers/cus_1%2F..%2F..%2Fv1%2Frefunds' },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  {
    name: 'a NUL in an id',
    call: (s) => s.customers.retrieve('cus_1\u0000'),
    wire: { method: 'GET', path: '/v1/customers/cus_1%00' },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  // Expand in every encoding that yields the same bytes.
  {
    name: 'expand as an index object',
    call: (s) => s.invoices.update('in_1', { expand: { 0: 'customer' } } as never),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: 'expand[0]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: "expand as a flattened 'expand[0]' key",
    call: (s) => s.invoices.update('in_1', { 'expand[0]': 'customer' } as never),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: 'expand%5B0%5D=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: "expand as a flattened 'expand[]' key",
    call: (s) => s.invoices.update('in_1', { 'expand[]': 'customer' } as never),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: 'expand[]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'expand as a string',
    call: (s) => s.invoices.retrieve('in_1', { expand: 'customer' } as never),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand=customer' },
    permissions: ['invoice_read'],
    expected: 'blocked',
  },
  {
    name: 'a percent-encoded expand key in the query',
    call: (s) => s.rawRequest('GET', '/v1/invoices/in_1?%65xpand[]=customer'),
    wire: { method: 'GET', path: '/v1/invoices/in_1?%65xpand[]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'an expand before a fragment',
    call: (s) => s.rawRequest('GET', '/v1/invoices/in_1?expand[]=customer#frag'),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[]=customer#frag' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: "expand after ';'",
    call: (s) => s.rawRequest('GET', '/v1/invoices/in_1?limit=1;expand[]=customer'),
    wire: { method: 'GET', path: '/v1/invoices/in_1?limit=1;expand[]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'a nested expand list',
    call: (s) => s.invoices.update('in_1', { expand: [['customer']] } as never),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: 'expand[0][0]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'an expand path with NUL',
    call: (s) => s.invoices.retrieve('in_1', { expand: ['customer\u0000default_payment_method'] }),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0]=customer%00default_payment_method' },
    permissions: ['invoice_read', 'customer_read'],
    expected: 'blocked',
  },
  {
    name: 'an expand path deeper than four levels',
    call: (s) => s.invoices.retrieve('in_1', { expand: ['customer.default_source.customer.default_source.customer'] }),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0]=customer.default_source.customer.default_source.customer' },
    permissions: ['invoice_read', 'customer_read', 'payment_method_read'],
    expected: 'blocked',
  },
  {
    name: 'a covered expand',
    call: (s) => s.invoices.retrieve('in_1', { expand: ['customer'] }),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0]=customer' },
    permissions: ['invoice_read', 'customer_read'],
    expected: 'allowed',
  },
  {
    name: 'a sparse expand array',
    call: (s) => {
      const expand: string[] = [];
      expand[5] = 'customer';
      return s.invoices.retrieve('in_1', { expand });
    },
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[5]=customer' },
    permissions: ['invoice_read'],
    expected: 'blocked',
  },
  {
    // stripe-node encodes an object element as a hash (here its function's source): not an expand path.
    name: 'an expand element that is an object',
    call: (s) => s.invoices.retrieve('in_1', { expand: [{ toString: () => 'customer' }] } as never),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0][toString]=%28%29%20%3D%3E%20%22customer%22' },
    permissions: ['invoice_read'],
    expected: 'blocked',
  },
  {
    // stripe-node sends own enumerable parameters only: nothing is expanded, nothing more is needed.
    name: "an expand on the params' prototype",
    call: (s) => s.invoices.retrieve('in_1', Object.create({ expand: ['customer'] }) as never),
    wire: { method: 'GET', path: '/v1/invoices/in_1' },
    permissions: ['invoice_read'],
    expected: 'allowed',
  },
  {
    // The id is percent-encoded as one segment: an id, not a query.
    name: "an id holding '?expand[]=' and '#'",
    call: (s) => s.invoices.retrieve('in_1?expand[]=customer#x'),
    wire: { method: 'GET', path: '/v1/invoices/in_1%3Fexpand%5B%5D%3Dcustomer%23x' },
    permissions: ['invoice_read'],
    expected: 'allowed',
  },
  // Event subscriptions, every encoding.
  {
    name: 'enabled_events as an index object',
    call: (s) => s.webhookEndpoints.create({ url: 'https://example.test/h', enabled_events: { 0: '*' } } as never),
    wire: { method: 'POST', path: '/v1/webhook_endpoints', body: 'url=x&enabled_events[0]=*' },
    permissions: ['webhook_write'],
    expected: 'blocked',
  },
  {
    name: 'enabled_events as a flattened key',
    call: (s) => s.webhookEndpoints.create({ url: 'https://example.test/h', 'enabled_events[0]': '*' } as never),
    wire: { method: 'POST', path: '/v1/webhook_endpoints', body: 'url=x&enabled_events%5B0%5D=*' },
    permissions: ['webhook_write'],
    expected: 'blocked',
  },
  {
    name: 'covered event',
    call: (s) => s.webhookEndpoints.create({ url: 'https://example.test/h', enabled_events: ['charge.succeeded'] }),
    wire: { method: 'POST', path: '/v1/webhook_endpoints', body: 'url=x&enabled_events[0]=charge.succeeded' },
    permissions: ['webhook_write', 'charge_read'],
    expected: 'allowed',
  },
  // The account on the wire.
  {
    name: "stripeContext: 'acct_POOR'",
    call: (s) => s.customers.retrieve('cus_1', {}, { stripeContext: 'acct_POOR' }),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipCheck: true,
  },
  {
    // Headers that normalise alike: stripe-node keeps the last, and so must the verdict.
    name: "'stripe-account' then 'STRIPE-ACCOUNT'",
    call: (s) => s.customers.retrieve('cus_1', {}, { headers: { 'stripe-account': 'acct_RICH', 'STRIPE-ACCOUNT': 'acct_POOR' } } as never),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: "a lower-case 'stripe-account' header",
    call: (s) => s.customers.retrieve('cus_1', {}, { headers: { 'stripe-account': 'acct_POOR' } } as never),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: "stripeAccount: 'acct_RICH'",
    call: (s) => s.customers.retrieve('cus_1', {}, { stripeAccount: 'acct_RICH' }),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    expected: 'allowed',
    skipCheck: true,
  },
  {
    // The client's own setting, read as stripe-node reads it when it sends (no per-request account).
    name: "a client made with stripeAccount: 'acct_POOR'",
    call: (s) => s.customers.retrieve('cus_1'),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    client: { stripeAccount: 'acct_POOR' },
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: "a client made with stripeAccount: 'acct_RICH'",
    call: (s) => s.customers.retrieve('cus_1'),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    client: { stripeAccount: 'acct_RICH' },
    expected: 'allowed',
    skipCheck: true,
  },
  {
    name: "withStripeContext('acct_POOR')",
    call: (s) => s.withStripeContext('acct_POOR' as never).customers.retrieve('cus_1'),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: byAccount(['customer_read']),
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipCheck: true,
  },
  // Stripe's refusals: no permission lets an app read the account it is installed on.
  {
    name: 'accounts.retrieveCurrent()',
    call: (s) => s.accounts.retrieveCurrent(),
    wire: { method: 'GET', path: '/v1/account' },
    permissions: ['connected_account_read'],
    expected: 'blocked',
  },
  {
    name: 'accounts.retrieve(own account)',
    call: (s) => s.accounts.retrieve('acct_RICH'),
    wire: { method: 'GET', path: '/v1/accounts/acct_RICH' },
    permissions: ['connected_account_read'],
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: 'accounts.retrieve(a connected account)',
    call: (s) => s.accounts.retrieve('acct_other'),
    wire: { method: 'GET', path: '/v1/accounts/acct_other' },
    permissions: ['connected_account_read'],
    client: { stripeAccount: 'acct_RICH' },
    expected: 'allowed',
  },
  {
    name: 'accounts.list()',
    call: (s) => s.accounts.list(),
    wire: { method: 'GET', path: '/v1/accounts' },
    permissions: ['connected_account_read'],
    expected: 'allowed',
  },
  // Hosts: what msw must see too.
  {
    name: 'files host',
    call: (s) => s.files.create({ purpose: 'dispute_evidence', file: { data: Buffer.from('x'), name: 'a.txt', type: 'text/plain' } }),
    wire: { method: 'POST', host: 'files.stripe.com', path: '/v1/files' },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  // What stripe-node builds after _request: header normalisation, re-encoding, authenticators, buffering.
  {
    name: "a header name that upper-cases to Stripe-Account ('\u017ftripe-account')",
    call: (s) => s.rawRequest('GET', '/v1/customers/cus_1', {}, { additionalHeaders: { '\u017ftripe-account': 'acct_POOR' } }),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'Stripe-Account': 'acct_POOR' } },
    permissions: platformOnly(['customer_read']),
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: "a header name that upper-cases to Stripe-Context ('\u017ftripe-context')",
    call: (s) => s.rawRequest('GET', '/v1/customers/cus_1', {}, { additionalHeaders: { '\u017ftripe-context': 'acct_POOR' } }),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'Stripe-Context': 'acct_POOR' } },
    permissions: platformOnly(['customer_read']),
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: 'the same call on the platform (the rows above without their header)',
    call: (s) => s.customers.retrieve('cus_1'),
    wire: { method: 'GET', path: '/v1/customers/cus_1' },
    permissions: platformOnly(['customer_read']),
    expected: 'allowed',
    skipCheck: true,
  },
  {
    name: 'a Stripe-Version header with spaces around it (HTTP strips them): judged for 2024-06-20',
    call: (s) => s.rawRequest('GET', '/v1/invoices/in_1', { expand: ['subscription'] }, { additionalHeaders: { '\u017ftripe-version': ' 2024-06-20 ' } }),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0]=subscription', headers: { 'Stripe-Version': ' 2024-06-20 ' } },
    permissions: ['invoice_read'],
    expected: 'blocked',
  },
  {
    name: "an apiVersion option with a leading space (' 2024-06-20')",
    call: (s) => s.invoices.retrieve('in_1', { expand: ['subscription'] }),
    wire: { method: 'GET', path: '/v1/invoices/in_1?expand[0]=subscription', headers: { 'Stripe-Version': ' 2024-06-20' } },
    permissions: ['invoice_read'],
    client: { apiVersion: ' 2024-06-20' },
    expected: 'blocked',
  },
  {
    name: 'a stripeAccount option that is an object (node turns it into text after the check)',
    call: (s) => s.customers.retrieve('cus_1', {}, { stripeAccount: { toString: () => 'acct_POOR' } } as never),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'Stripe-Account': 'acct_POOR' } },
    permissions: platformOnly(['customer_read']),
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: 'an authenticator that sets Stripe-Account',
    call: (s) =>
      s.customers.retrieve(
        'cus_1',
        {},
        rewrite((r) => {
          r.headers['Stripe-Account'] = 'acct_POOR';
        }),
      ),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'Stripe-Account': 'acct_POOR' } },
    permissions: platformOnly(['customer_read']),
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: 'an authenticator that rewrites the path to another endpoint',
    call: (s) =>
      s.customers.update(
        'cus_1',
        { name: 'x' },
        rewrite((r) => {
          r.path = '/v1/refunds';
        }),
      ),
    wire: { method: 'POST', path: '/v1/refunds', body: 'name=x' },
    permissions: ['customer_write'],
    expected: 'blocked',
  },
  {
    name: 'an authenticator that adds an expand to the body',
    call: (s) =>
      s.invoices.update(
        'in_1',
        { description: 'x' },
        rewrite((r) => {
          r.body = `${String(r.body)}&expand[0]=customer`;
        }),
      ),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: 'description=x&expand[0]=customer' },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'an authenticator that points the request at another host (with a path)',
    call: (s) =>
      s.customers.retrieve(
        'cus_1',
        {},
        rewrite((r) => {
          r.host = 'api.stripe.com/v1/refunds?x=';
        }),
      ),
    wire: { method: 'GET', host: 'api.stripe.com/v1/refunds?x=', path: '/v1/customers/cus_1' },
    permissions: ['customer_read'],
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: 'a host option carrying a path',
    call: (s) => s.customers.retrieve('cus_1'),
    wire: { method: 'GET', host: 'api.stripe.com/v1/refunds?x=', path: '/v1/customers/cus_1' },
    permissions: ['customer_read'],
    client: { host: 'api.stripe.com/v1/refunds?x=' },
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: "the client's account changed while an upload is buffered",
    call: (s) => {
      const sent = s.files.create({
        purpose: 'dispute_evidence',
        file: { data: Readable.from([Buffer.from('x')]) as never, name: 'a.txt', type: 'text/plain' },
      });
      (s as unknown as { _setApiField(k: string, v: unknown): void })._setApiField('stripeAccount', 'acct_POOR');
      return sent;
    },
    wire: { method: 'POST', host: 'files.stripe.com', path: '/v1/files', headers: { 'Stripe-Account': 'acct_POOR' } },
    permissions: byAccount(['file_write']),
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipCheck: true,
  },
  {
    name: 'a multipart body with Content-Type in mixed case',
    call: (s) => s.invoices.update('in_1', { description: 'x' }, multipart('Multipart/Form-Data', 'form-data; name="expand[]"')),
    wire: {
      method: 'POST',
      path: '/v1/invoices/in_1',
      headers: { 'Content-Type': 'Multipart/Form-Data; boundary=BOUNDARY' },
      body: '--BOUNDARY\r\nContent-Disposition: form-data; name="expand[]"\r\n\r\ncustomer\r\n--BOUNDARY--\r\n',
    },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'a multipart part named with NAME=',
    call: (s) => s.invoices.update('in_1', { description: 'x' }, multipart('multipart/form-data', 'form-data; NAME="expand[]"')),
    wire: {
      method: 'POST',
      path: '/v1/invoices/in_1',
      headers: { 'Content-Type': 'multipart/form-data; boundary=BOUNDARY' },
      body: '--BOUNDARY\r\nContent-Disposition: form-data; NAME="expand[]"\r\n\r\ncustomer\r\n--BOUNDARY--\r\n',
    },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'a multipart part with a bare name=expand',
    call: (s) => s.invoices.update('in_1', { description: 'x' }, multipart('multipart/form-data', 'form-data; name=expand')),
    wire: {
      method: 'POST',
      path: '/v1/invoices/in_1',
      headers: { 'Content-Type': 'multipart/form-data; boundary=BOUNDARY' },
      body: '--BOUNDARY\r\nContent-Disposition: form-data; name=expand\r\n\r\ncustomer\r\n--BOUNDARY--\r\n',
    },
    permissions: INV,
    expected: 'blocked',
  },
  {
    name: 'a DELETE with a form body',
    call: (s) =>
      s.subscriptions.cancel(
        'sub_1',
        {},
        rewrite((r) => {
          r.headers['Content-Type'] = 'application/x-www-form-urlencoded';
          r.body = 'expand[]=customer';
        }),
      ),
    wire: { method: 'DELETE', path: '/v1/subscriptions/sub_1', body: 'expand[]=customer' },
    permissions: ['subscription_read', 'subscription_write'],
    expected: 'blocked',
  },
  {
    name: 'two Stripe-Account headers in different letter case',
    call: (s) =>
      s.customers.retrieve(
        'cus_1',
        {},
        rewrite((r) => {
          r.headers['stripe-account'] = 'acct_POOR';
        }),
      ),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'Stripe-Account': 'acct_RICH', 'stripe-account': 'acct_POOR' } },
    permissions: ['customer_read'],
    client: { stripeAccount: 'acct_RICH' },
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: 'a JSON body that names enabled_events twice',
    call: (s) =>
      s.v2.core.eventDestinations.create(
        { name: 'x', type: 'webhook_endpoint', event_payload: 'snapshot', enabled_events: [], webhook_endpoint: { url: 'https://example.com/h' } } as never,
        rewrite((r) => {
          r.body = String(r.body).replace('"enabled_events":[]', '"enabled_events":["customer.created"],"enabled_events":[]');
        }),
      ),
    wire: { method: 'POST', path: '/v2/core/event_destinations', body: '{"enabled_events":["customer.created"],"enabled_events":[]}' },
    permissions: ['webhook_write'],
    expected: 'blocked',
  },
  {
    name: 'a Host header naming another host (files.stripe.com) than the one connected to',
    call: (s) =>
      s.customers.retrieve(
        'cus_1',
        {},
        rewrite((r) => {
          r.headers.Host = 'files.stripe.com';
        }),
      ),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { Host: 'files.stripe.com' } },
    permissions: ['customer_read'],
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: 'a method override header',
    call: (s) =>
      s.customers.retrieve(
        'cus_1',
        {},
        rewrite((r) => {
          r.headers['X-HTTP-Method-Override'] = 'DELETE';
        }),
      ),
    wire: { method: 'GET', path: '/v1/customers/cus_1', headers: { 'X-HTTP-Method-Override': 'DELETE' } },
    permissions: ['customer_read'],
    expected: 'blocked',
  },
  {
    name: 'a body sent with Content-Encoding (the server would decode what the guard cannot read)',
    call: (s) =>
      s.invoices.update(
        'in_1',
        { description: 'x' },
        rewrite((r) => {
          r.headers['Content-Encoding'] = 'gzip';
        }),
      ),
    wire: { method: 'POST', path: '/v1/invoices/in_1', headers: { 'Content-Encoding': 'gzip' }, body: 'description=x' },
    permissions: INV,
    expected: 'blocked',
    skipMsw: true,
  },
  {
    name: 'a form body declared in another charset',
    call: (s) =>
      s.invoices.update(
        'in_1',
        { description: 'x' },
        rewrite((r) => {
          r.headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-16';
        }),
      ),
    wire: {
      method: 'POST',
      path: '/v1/invoices/in_1',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-16' },
      body: 'description=x',
    },
    permissions: INV,
    expected: 'blocked',
  },
  // v2 event destinations subscribe to events as webhook endpoints do.
  {
    name: 'v2.core.eventDestinations.create with an event the permissions do not cover',
    call: (s) =>
      s.v2.core.eventDestinations.create({
        name: 'x',
        type: 'webhook_endpoint',
        event_payload: 'snapshot',
        enabled_events: ['customer.created'],
        webhook_endpoint: { url: 'https://example.com/h' },
      } as never),
    wire: { method: 'POST', path: '/v2/core/event_destinations', body: '{"enabled_events":["customer.created"]}' },
    permissions: ['webhook_write'],
    expected: 'blocked',
  },
  {
    name: 'v2.core.eventDestinations.update with an event the permissions do not cover',
    call: (s) => s.v2.core.eventDestinations.update('ed_1', { enabled_events: ['customer.created'] } as never),
    wire: { method: 'POST', path: '/v2/core/event_destinations/ed_1', body: '{"enabled_events":["customer.created"]}' },
    permissions: ['webhook_write'],
    expected: 'blocked',
  },
  {
    name: 'v2.core.eventDestinations.create with covered events',
    call: (s) =>
      s.v2.core.eventDestinations.create({
        name: 'x',
        type: 'webhook_endpoint',
        event_payload: 'snapshot',
        enabled_events: ['customer.created'],
        webhook_endpoint: { url: 'https://example.com/h' },
      } as never),
    wire: { method: 'POST', path: '/v2/core/event_destinations', body: '{"enabled_events":["customer.created"]}' },
    permissions: ['webhook_write', 'customer_read'],
    expected: 'allowed',
  },
  {
    // Allowed requests leave as stripe-node encoded them: a toJSON that uses its key included.
    name: 'v2 params with a toJSON(key) and an array with its own toJSON (allowed, sent as encoded)',
    call: (s) =>
      s.v2.core.eventDestinations.update('ed_1', {
        description: { toJSON: (key: string) => `described-as-${key}` },
        enabled_events: Object.assign([] as string[], { toJSON: () => [] }),
      } as never),
    wire: { method: 'POST', path: '/v2/core/event_destinations/ed_1', body: '{"description":"described-as-description","enabled_events":[]}' },
    permissions: ['webhook_write'],
    expected: 'allowed',
  },
  // Cost: refused before any walk, whatever the size.
  {
    name: '10,000 expand entries in a body',
    call: (s) => s.invoices.update('in_1', { expand: Array.from({ length: 10_000 }, () => 'customer') }),
    wire: { method: 'POST', path: '/v1/invoices/in_1', body: Array.from({ length: 10_000 }, (_, i) => `expand[${i}]=customer`).join('&') },
    permissions: ['invoice_read', 'invoice_write', 'customer_read'],
    expected: 'blocked',
  },
  {
    name: '200 distinct expand entries in a query',
    call: (s) => s.invoices.retrieve('in_1', { expand: Array.from({ length: 200 }, (_, i) => `x${i}`) }),
    wire: { method: 'GET', path: `/v1/invoices/in_1?${Array.from({ length: 200 }, (_, i) => `expand[${i}]=x${i}`).join('&')}` },
    permissions: ['invoice_read'],
    expected: 'blocked',
  },
  {
    name: 'a 100 KB id on an unknown route',
    call: (s) => s.rawRequest('GET', `/v1/not_a_route/${'x'.repeat(100_000)}`),
    wire: { method: 'GET', path: `/v1/not_a_route/${'x'.repeat(100_000)}` },
    permissions: ['customer_read'],
    expected: 'blocked',
    // msw's node interceptor never settles a request line this long (it never reaches a handler).
    skipMsw: true,
  },
  {
    name: 'an unknown route',
    call: (s) => s.rawRequest('GET', '/v1/not_a_route/x'),
    wire: { method: 'GET', path: '/v1/not_a_route/x' },
    permissions: ['customer_read'],
    expected: 'warned',
  },
];

function fetchRecorder() {
  const sent: string[] = [];
  const fetchFn = async (url: string | URL | Request) => {
    sent.push(String(url));
    return new Response(JSON.stringify({ id: 'obj_1', object: 'customer', data: [], has_more: false }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return { sent, httpClient: Stripe.createFetchHttpClient(fetchFn as typeof fetch) };
}

const settle = (p: Promise<unknown>) =>
  p.then(
    () => 'sent' as const,
    (e: unknown) => e,
  );
const quiet = { warn() {} };

describe.each(rows.filter((r) => !r.skipCheck))('check(): $name', (row) => {
  it(`is ${row.expected}`, () => {
    const result = check(row.wire, row.permissions as string[]);
    expect(result.allowed).toBe(row.expected === 'allowed');
  });
});

describe.each(rows)('guard() (node HttpClient): $name', (row) => {
  it(`is ${row.expected}`, async () => {
    const recording = new Recording();
    const stripe = guard(new Stripe(KEY, { httpClient: recording, telemetry: false, maxNetworkRetries: 0, ...row.client }), {
      permissions: row.permissions,
      logger: quiet,
    });
    const outcome = await settle(row.call(stripe));
    if (row.expected === 'blocked') {
      expect(recording.sent).toEqual([]);
      expect(outcome).toBeInstanceOf(Error);
      if (isPermissionError(outcome)) expect(readPermissionError(outcome).missingPermissions).toEqual(outcome.missingPermissions ?? []);
    } else {
      expect(recording.sent).toHaveLength(1);
      // An allowed request leaves exactly as the bare client sends it.
      const bare = new Recording();
      await settle(row.call(new Stripe(KEY, { httpClient: bare, telemetry: false, maxNetworkRetries: 0, ...row.client })));
      const comparable = (sent: typeof bare.sent) => sent.map((r) => ({ ...r, headers: { ...r.headers, 'Idempotency-Key': undefined } }));
      expect(comparable(recording.sent)).toEqual(comparable(bare.sent));
    }
  });
});

describe.each(rows)('guard() (fetch HttpClient): $name', (row) => {
  it(`is ${row.expected}`, async () => {
    const { sent, httpClient } = fetchRecorder();
    const stripe = guard(new Stripe(KEY, { httpClient, telemetry: false, maxNetworkRetries: 0, ...row.client }), {
      permissions: row.permissions,
      logger: quiet,
    });
    await settle(row.call(stripe));
    expect(sent).toHaveLength(row.expected === 'blocked' ? 0 : 1);
  });
});

describe('msw handlers', () => {
  const reached: string[] = [];
  let current: PermissionsSource = [];
  const server = setupServer(
    ...stripePermissionHandlers({ permissions: (ctx) => (typeof current === 'function' ? current(ctx) : current), logger: quiet }),
    http.all(/stripe\.com/, ({ request }) => {
      reached.push(request.url);
      return HttpResponse.json({ id: 'obj_1', object: 'customer', data: [], has_more: false });
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterEach(() => {
    reached.length = 0;
  });
  afterAll(() => server.close());

  it.each(rows.filter((r) => !r.skipMsw))('$name is $expected', async (row) => {
    current = row.permissions;
    const stripe = new Stripe(KEY, { telemetry: false, maxNetworkRetries: 0, ...row.client });
    await settle(row.call(stripe));
    expect(reached).toHaveLength(row.expected === 'blocked' ? 0 : 1);
  });

  it.each([
    ['a trailing dot', { host: 'api.stripe.com.' }],
    ['plain http and a port', { protocol: 'http', port: 8080 }],
    ['upper case', { host: 'API.STRIPE.COM' }],
  ])('sees the API host written with %s', async (_, config) => {
    current = [];
    const stripe = new Stripe(KEY, { telemetry: false, maxNetworkRetries: 0, ...config } as never);
    const e = await settle(stripe.customers.create({}));
    expect(reached).toEqual([]);
    expect(e).toMatchObject({ statusCode: 403, raw: { missing_permissions: ['customer_write'] } });
    expect(isPermissionError(e)).toBe(true);
    expect(readPermissionError(e).missingPermissions).toEqual(['customer_write']);
  });

  it('sees OAuth on connect.stripe.com', async () => {
    server.use(...stripePermissionHandlers({ permissions: [], onUnmapped: 'throw', logger: quiet }));
    const stripe = new Stripe(KEY, { telemetry: false, maxNetworkRetries: 0 });
    const e = await settle(stripe.oauth.deauthorize({ client_id: 'ca_1', stripe_user_id: 'acct_1' }));
    server.resetHandlers();
    expect(reached).toEqual([]);
    expect(e).toBeInstanceOf(Error);
  });
});
