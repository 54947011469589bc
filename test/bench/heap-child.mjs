// Retained heap, in a fresh process (--expose-gc): after loading the map (import, guard(), a
// first call, a first explain()), and after a million distinct hostile requests on top, which
// the bounded caches must absorb. Requests go through the guarded request sender of a real
// stripe client whose own sender is a no-op, so only the guard's memory is measured. Prints JSON.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const N = Number(process.argv[2] ?? 1_000_000);
const settle = () => new Promise((r) => setImmediate(r));
const heap = async () => {
  await settle();
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
};
const buffers = () => process.memoryUsage().arrayBuffers;

const stripe = new Stripe('sk_test_bench', { telemetry: false });
// The same arity as stripe-node's sender: guard() checks it before installing.
stripe._requestSender._request = function noop(_method, _host, _path, _data, _auth, _options, _usage, _callback) {};
const h0 = await heap();
const b0 = buffers();
const { guard, explain } = await import('stripe-permission-guard');
guard(stripe, { permissions: ['customer_read', 'invoice_read'], onUnmapped: 'allow', logger: { warn() {} } });
const send = (method, path, data, headers) =>
  stripe._requestSender._request(method, null, path, data, undefined, { headers: headers ?? {}, settings: {} }, [], () => {});
send('GET', '/v1/customers/cus_1?expand[0]=default_source', null);
explain('customers.list', { expand: ['data.default_source'] });
const loaded = await heap();
// Off the V8 heap: the map's head, kept as the bytes read from its file.
const loadedBuffers = buffers() - b0;

// Distinct in every part a cache could key on: ids, query strings, expand paths (on one route
// and on many), refused paths, API versions, accounts, bodies, event lists.
const RESOURCES = [
  'customers',
  'invoices',
  'charges',
  'payment_intents',
  'subscriptions',
  'products',
  'prices',
  'refunds',
  'disputes',
  'payouts',
  'setup_intents',
  'quotes',
  'coupons',
  'plans',
  'transfers',
  'balance_transactions',
  'application_fees',
  'topups',
  'tax_rates',
  'credit_notes',
];
const kinds = [
  (i) => send('GET', `/v1/customers/cus_${i}`, null),
  (i) => send('GET', `/v1/customers?expand[0]=data.x${i}&expand[1]=data.default_source`, null),
  (i) => send('GET', `/v1/invoices/in_${i}?expand[]=customer.y${i}.z`, null),
  (i) => send('GET', `/v1/customers/%2e%2e/${i}?limit=${i}`, null),
  (i) => send('GET', `/v1/charges/ch_1`, null, { 'Stripe-Version': `2024-01-${String(i % 28).padStart(2, '0')}.x${i}`, 'Stripe-Account': `acct_${i}` }),
  (i) => send('POST', `/v1/customers/cus_${i}`, { name: `n${i}`, expand: [`sources${i}`], metadata: { [`k${i}`]: 'v' } }),
  (i) => send('POST', '/v1/webhook_endpoints', { url: 'https://x', enabled_events: [`charge.x${i}`] }),
  (i) => send('GET', `/v1/no_such_thing_${i}/x`, null),
  (i) => send('GET', `/v1/${RESOURCES[i % RESOURCES.length]}/x_1?expand[]=y${i}`, null),
];
for (let i = 0; i < N; i++) {
  kinds[i % kinds.length](i);
  if (i % 10_000 === 0) await settle(); // let rejections settle as they would
}
const after = await heap();
process.stdout.write(JSON.stringify({ loadedBytes: loaded - h0, loadedBufferBytes: loadedBuffers, afterBytes: after - h0, requests: N }));
