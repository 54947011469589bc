// `npm run demo`: a tour of the guard on the example backend, against an in-process mock of
// Stripe (msw). Offline, no real key. The mock's request log is the proof of what left.
import http from 'node:http';
import { check, explain, formatExplanation, loadManifest } from 'stripe-permission-guard';
import { startStripeMock } from './stripe-mock.mjs';
import { createHandler, createStripe, MANIFEST_PATH } from './backend/server.mjs';
import { createClient } from './ui-extension/client.mjs';

// The variable overrides every guard's mode; the tour needs to set modes itself.
delete process.env.STRIPE_PERMISSION_GUARD_MODE;

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code) => (s) => (color ? `\x1b[${code}m${s}\x1b[0m` : String(s));
const [bold, dim, green, red, yellow] = [paint(1), paint(2), paint(32), paint(31), paint(33)];
const heading = (s) => console.log(`\n${bold(s)}`);
const line = (s = '') => console.log(`  ${s}`);
const indent = (text, by = '    ') => text.split('\n').map((l) => by + l).join('\n');

const ACCOUNT = 'acct_demo_installed';
const declared = loadManifest(MANIFEST_PATH).names;
const { server: mock, requests } = startStripeMock();
const stripeSaw = () => {
  if (!requests.length) return line(`Stripe saw: ${green('0 requests')} — nothing left the process`);
  for (const r of requests) line(`Stripe saw: ${r.method} ${decodeURIComponent(r.url.replace('https://api.stripe.com', ''))}`);
};

// The backend over real HTTP on loopback, as its UI extension would call it.
const app = http.createServer(createHandler({ stripe: createStripe({ mode: 'throw' }) }));
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${app.address().port}`;
const call = async (method, path, body) => {
  const res = await fetch(base + path, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
  return { status: res.status, body: await res.json() };
};

try {
  console.log(bold('stripe-permission-guard demo') + dim('  (Stripe is mocked with msw, offline)'));
  line(`examples/backend/stripe-app.json declares: ${declared.join(', ')}`);

  heading('1. An allowed call');
  let res = await call('GET', `/invoices?account=${ACCOUNT}`);
  line(`GET /invoices → ${green(res.status)}: ${res.body.invoices.map((i) => `${i.number} ${i.status} (${i.customerName})`).join(', ')}`);
  line(dim('invoices.list with expand data.customer: invoice_read + customer_read, both declared'));
  stripeSaw();

  heading('2. A call the manifest does not cover: rejected before it is sent');
  requests.length = 0;
  const stripe = createStripe({ mode: 'throw' });
  try {
    await stripe.customers.update('cus_jenny', { metadata: { tag: 'vip' } }, { stripeAccount: ACCOUNT });
    line(red('unexpected: the update went through'));
    process.exitCode = 1;
  } catch (err) {
    line(`${red(err.constructor.name)}  statusCode ${err.statusCode}  code ${err.code}`);
    line(`missingPermissions: ${JSON.stringify(err.missingPermissions)}`);
    line('message:');
    console.log(indent(err.message));
  }
  stripeSaw();
  res = await call('POST', `/customers/cus_jenny/tag?account=${ACCOUNT}`, { tag: 'vip' });
  line(`The backend route POST /customers/cus_jenny/tag answers its caller ${red(res.status)} with missingPermissions ${JSON.stringify(res.body.error.missingPermissions)}`);

  heading("3. Same call in dev mode (mode: 'warn'): warned once, then sent");
  requests.length = 0;
  let warnings = 0;
  const logger = { warn: (msg) => { warnings++; console.log(indent(yellow(msg), '  warn: ')); } };
  const dev = createStripe({ mode: 'warn', logger });
  for (const tag of ['vip', 'gold']) {
    const customer = await dev.customers.update('cus_jenny', { metadata: { tag } }, { stripeAccount: ACCOUNT });
    line(`customers.update → ok, metadata.tag = ${customer.metadata.tag}`);
  }
  line(`${warnings} warning for 2 calls (one per distinct call and missing set)`);
  stripeSaw();

  heading('4. The UI extension: the signed-in user’s permissions count too');
  const ui = createClient({ getUserAuthorizedPermissions: async () => ['customer_read'] });
  await ui.loadCustomerPanel('cus_jenny').then(
    () => line(red('unexpected: the panel loaded')),
    (err) => line(`user with customer_read only → ${red(err.constructor.name)}, missing ${JSON.stringify(err.missingPermissions)}`),
  );

  heading('5. explain(): what a call needs, checked against the manifest');
  const params = { expand: ['data.customer', 'data.default_payment_method'] };
  const explanation = explain('invoices.list', params);
  console.log(indent(formatExplanation(explanation, check('invoices.list', params, declared)), '  '));
  console.log();
} finally {
  app.close();
  mock.close();
}
