// One fresh-process measurement for bench.mjs: `node cold-child.mjs <what>` prints JSON.
//   bare     ms of the first call of an unguarded client (in-process HttpClient)
//   guarded  ms of import of the package + new Stripe() + guard() + the same first call, and
//            each phase (the constructor is in both: what bare times is constructor + call)
//   import   ms of the import of the package alone (Node's build: the map is read on first use)
//   import-embedded  ms of the import of the bundlers' build (the map embedded), from its file
//   import-floor  ms of the import of one-line.mjs, a module that only exports a constant: the
//            part of any import that is Node's whatever the module holds
//   explain  ms of the first explain() (one expand path), the package imported before the clock
// stripe is loaded before every clock starts: what is timed is what the guard adds.
import { createRequire } from 'node:module';
import { InProcess } from './in-process.mjs';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const what = process.argv[2];

const config = { httpClient: new InProcess(), telemetry: false, maxNetworkRetries: 0 };
const call = (s) => s.customers.retrieve('cus_1', { expand: ['default_source'] });

const out = {};
if (what === 'bare') {
  const t0 = performance.now();
  await call(new Stripe('sk_test_bench', config));
  out.ms = performance.now() - t0;
} else if (what === 'guarded') {
  const t0 = performance.now();
  const { guard } = await import('stripe-permission-guard');
  const t1 = performance.now();
  const client = new Stripe('sk_test_bench', config);
  const t2 = performance.now();
  const stripe = guard(client, { permissions: ['customer_read'] });
  const t3 = performance.now();
  await call(stripe);
  const t4 = performance.now();
  Object.assign(out, { ms: t4 - t0, import: t1 - t0, construct: t2 - t1, guard: t3 - t2, firstCall: t4 - t3 });
} else if (what === 'import' || what === 'import-embedded' || what === 'import-floor') {
  const specifier =
    what === 'import'
      ? 'stripe-permission-guard'
      : new URL(what === 'import-floor' ? './one-line.mjs' : '../../dist/embedded/index.js', import.meta.url).href;
  const t0 = performance.now();
  await import(specifier);
  out.ms = performance.now() - t0;
} else if (what === 'explain') {
  const { explain } = await import('stripe-permission-guard');
  const t0 = performance.now();
  explain('customers.list', { expand: ['data.default_source'] });
  out.ms = performance.now() - t0;
} else throw new Error(`unknown measurement ${what}`);
process.stdout.write(JSON.stringify(out));
