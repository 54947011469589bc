// explain() on requests as they go over HTTP: expand in the query, in a form body or a JSON
// body; hosts; and the same answers as the SDK method-id form.
import { describe, it, expect } from 'vitest';
import { explain, check, type HttpCall } from '../src/explain.js';
import { formatExplanation } from '../src/format.js';

const INVOICE = ['invoice_read', 'invoice_write'];
const CUSTOMER = ['customer_read', 'customer_write'];

describe('expand paths read from the wire', () => {
  it.each<[string, HttpCall, string[]]>([
    ['expand[]= in the query', { method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' }, ['customer']],
    ['expand[0]= in the query', { method: 'GET', path: '/v1/invoices/in_1?expand[0]=customer' }, ['customer']],
    ['percent-encoded brackets', { method: 'GET', path: '/v1/invoices/in_1?expand%5B0%5D=customer' }, ['customer']],
    ['percent-encoded empty brackets', { method: 'GET', path: '/v1/invoices/in_1?expand%5B%5D=customer' }, ['customer']],
    [
      'several, among other params',
      { method: 'GET', path: '/v1/invoices?limit=3&expand[0]=data.customer&expand[1]=data.default_payment_method' },
      ['data.customer', 'data.default_payment_method'],
    ],
    ['form body', { method: 'POST', path: '/v1/customers', body: 'email=a%40b.c&expand[0]=default_source' }, ['default_source']],
    ['form body, encoded brackets', { method: 'POST', path: '/v1/customers', body: 'expand%5B0%5D=default_source' }, ['default_source']],
    ['JSON body', { method: 'POST', path: '/v1/customers', body: { email: 'a@b.c', expand: ['default_source'] } }, ['default_source']],
    [
      'query and form body together',
      { method: 'POST', path: '/v1/customers/cus_1?expand[]=tax_ids', body: 'expand[]=default_source' },
      ['tax_ids', 'default_source'],
    ],
  ])('%s', (_, call, expand) => {
    expect(explain(call).expand).toEqual(expand);
  });

  it.each<[string, HttpCall]>([
    ['a key that only starts with expand', { method: 'GET', path: '/v1/invoices/in_1?expanded=customer&expand_x[0]=customer' }],
    ['an empty value', { method: 'GET', path: '/v1/invoices/in_1?expand[]=' }],
    ['a nested metadata key', { method: 'POST', path: '/v1/customers', body: 'metadata[expand]=customer' }],
    ['no body', { method: 'POST', path: '/v1/customers', body: null }],
  ])('ignores %s', (_, call) => {
    expect(explain(call).expand).toEqual([]);
  });
});

describe('HTTP calls resolve like their SDK method', () => {
  it.each<[HttpCall, string, string[]]>([
    [{ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' }, 'invoices.retrieve', ['customer']],
    [{ method: 'get', path: '/v1/invoices/in_1?expand[0]=customer' }, 'invoices.retrieve', ['customer']],
    [{ method: 'GET', path: '/v1/customers?expand[]=data.default_source' }, 'customers.list', ['data.default_source']],
    [{ method: 'GET', path: '/v1/customers/search?query=x' }, 'customers.search', []],
    [{ method: 'POST', path: '/v1/customers', body: 'expand[0]=default_source' }, 'customers.create', ['default_source']],
    [{ method: 'POST', path: '/v1/customers', body: { expand: ['default_source'] } }, 'customers.create', ['default_source']],
    [{ method: 'DELETE', path: '/v1/customers/cus_1' }, 'customers.del', []],
    [{ method: 'GET', path: '/v1/subscriptions/sub_1?expand[]=items.data.price.product' }, 'subscriptions.retrieve', ['items.data.price.product']],
    [{ method: 'GET', path: '/v1/balance_transactions/txn_1?expand[]=source' }, 'balanceTransactions.retrieve', ['source']],
    [{ method: 'GET', path: '/v1/checkout/sessions/cs_1?expand[]=line_items' }, 'checkout.sessions.retrieve', ['line_items']],
    [{ method: 'POST', path: '/v1/accounts/acct_1/login_links' }, 'accounts.createLoginLink', []],
    [{ method: 'POST', path: '/v1/reporting/report_runs' }, 'reporting.reportRuns.create', []],
    [{ method: 'POST', path: '/v1/files', host: 'files.stripe.com' }, 'files.create', []],
  ])('%j ≡ %s %j', (call, id, expand) => {
    const http = explain(call);
    const sdk = explain(id, { expand });
    expect(http.methodId).toBe(id);
    expect(http.status).toBe(sdk.status);
    expect(http.route).toEqual(sdk.route);
    expect(http.requirements).toEqual(sdk.requirements);
    expect(http.unknowns).toEqual(sdk.unknowns);
  });

  it('the documented example: GET /v1/invoices/in_1?expand[]=customer', () => {
    const e = explain({ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' });
    expect(e.route).toEqual({ method: 'GET', path: '/v1/invoices/{invoice}' });
    expect(e.requirements).toEqual([
      { anyOf: INVOICE, because: 'invoices.retrieve' },
      { anyOf: CUSTOMER, because: 'expand customer', expand: 'customer' },
    ]);
  });

  it('passes strictReads through', () => {
    const e = explain({ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' }, { strictReads: true });
    expect(e.requirements.map((r) => r.anyOf)).toEqual([['invoice_read'], ['customer_read']]);
  });
});

describe('hosts', () => {
  it('routes an upload on files.stripe.com to files.create', () => {
    const e = explain({ method: 'POST', path: '/v1/files', host: 'files.stripe.com' });
    expect(e).toMatchObject({ status: 'mapped', methodId: 'files.create', route: { method: 'POST', path: '/v1/files', host: 'files.stripe.com' } });
    expect(e.requirements.map((r) => r.anyOf)).toEqual([['file_write']]);
  });

  it('keeps GET /v1/files on the API host apart from the upload host', () => {
    const e = explain({ method: 'GET', path: '/v1/files/file_1', host: 'api.stripe.com' });
    expect(e.methodId).toBe('files.retrieve');
    expect(e.route?.host).toBeUndefined();
    expect(e.requirements.map((r) => r.anyOf)).toEqual([['file_read', 'file_write']]);
  });

  it.each([
    ['localhost:12111', 'GET', '/v1/customers/cus_1', 'customers.retrieve', CUSTOMER],
    ['stripe-mock', 'GET', '/v1/invoices/in_1', 'invoices.retrieve', INVOICE],
    ['proxy.internal', 'POST', '/v1/customers', 'customers.create', ['customer_write']],
  ])('an unknown host (%s) falls back to the API host route of %s %s', (host, method, path, id, expected) => {
    const e = explain({ method, path, host });
    expect(e.methodId).toBe(id);
    expect(e.route?.host).toBeUndefined();
    expect(e.requirements[0]?.anyOf).toEqual(expected);
  });

  it('an unknown host still finds a route served only by another host', () => {
    expect(explain({ method: 'POST', path: '/v1/files', host: 'localhost:12111' }).methodId).toBe('files.create');
  });

  it('an unknown path is unknown on any host', () => {
    const e = explain({ method: 'GET', path: '/v1/nope?expand[]=customer', host: 'files.stripe.com' });
    expect(e.status).toBe('unknown');
    expect(e.requirements).toEqual([]);
    expect(e.unknowns[0]?.kind).toBe('endpoint');
  });

  it('rejects a call that is neither a method id nor { method, path }', () => {
    expect(() => explain({ method: 'GET' } as unknown as HttpCall)).toThrow(TypeError);
  });
});

describe('formatExplanation', () => {
  it('marks met requirements ✓, missing ones ✗, and names the permission to add', () => {
    const result = check({ method: 'GET', path: '/v1/invoices/in_1?expand[]=customer' }, ['invoice_read']);
    const text = formatExplanation(result.explanation, result);
    expect(text).toMatch(/✓ invoices\.retrieve: invoice_read or invoice_write\s+\(granted by invoice_read\)/);
    expect(text).toMatch(/✗ expand customer: customer_read or customer_write/);
    expect(text).toContain('rejected: add "customer_read"');
    expect(text).not.toContain('→ allowed');
  });

  it('names the write permission to add for a write', () => {
    const result = check({ method: 'POST', path: '/v1/customers' }, ['customer_read']);
    const text = formatExplanation(result.explanation, result);
    expect(text).toMatch(/✗ customers\.create: customer_write/);
    expect(text).toContain('add "customer_write"');
  });

  it('says which declared permission implies a granted one', () => {
    const result = check('testHelpers.testClocks.retrieve', {}, ['customer_read']);
    const text = formatExplanation(result.explanation, result);
    expect(text).toContain('granted by customer_read, which implies billing_clock_read');
    expect(text).toContain('→ allowed');
    expect(text).not.toContain('✗');
  });

  it('reports unknowns with a ? line and does not call the call allowed', () => {
    const result = check('customers.retrieve', { expand: ['nmae'] }, ['customer_read']);
    const text = formatExplanation(result.explanation, result);
    expect(text).toMatch(/\? expand nmae: unknown — /);
    expect(result.allowed).toBe(false);
    expect(text).toContain('→ not allowed: it cannot be checked');
  });

  it('without a check, lists requirements unmarked', () => {
    const text = formatExplanation(explain('invoices.retrieve', { expand: ['customer'] }));
    expect(text).toContain('invoices.retrieve  (GET /v1/invoices/{invoice}) — mapped');
    expect(text).toContain('• expand customer: customer_read or customer_write');
    expect(text).not.toMatch(/[✓✗]/);
  });
});
