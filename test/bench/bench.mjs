// `npm run bench`: the guard's cost, measured with tinybench on the built package.
// Prints a table and writes test/bench/results.json. Not part of `npm test`.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';
import Stripe from 'stripe';
import { resolveRequest, evaluate, compileGrant, guard, listPermissions, missingViolation } from 'stripe-permission-guard';

const BATCH = 100; // sub-microsecond operations are timed in batches and divided
const results = { machine: machine(), node: process.version, stripe: new Stripe('sk_test_bench').VERSION, date: new Date().toISOString(), check: {}, endToEnd: {}, coldStart: {}, heap: {}, manifestSize: {} };

// ---- per-request check ---------------------------------------------------------------
const declared = compileGrant(Object.freeze(['customer_read', 'invoice_read', 'payment_method_read']));
const calls = {
  'plain retrieve': { method: 'GET', path: '/v1/customers/cus_1', expand: [] },
  'list + 2 expands': { method: 'GET', path: '/v1/customers', expand: ['data.default_source', 'data.invoice_settings.default_payment_method'] },
  'denied (builds the rejection)': { method: 'POST', path: '/v1/customers/cus_1', expand: [] },
};
const ErrorClass = Stripe.errors.StripePermissionError;
const checkOnce = (req) => {
  const resolution = resolveRequest(req);
  const { missing } = evaluate(resolution, declared);
  if (missing.length) {
    const v = missingViolation(resolution, missing, 'acct_1');
    return Object.assign(new ErrorClass({ message: v.message, type: 'invalid_request_error', code: 'more_permissions_required_for_application', statusCode: 403 }), v);
  }
  return undefined;
};
const micro = new Bench({ time: 1500, warmupTime: 300 });
for (const [name, req] of Object.entries(calls)) {
  micro.add(name, () => {
    for (let i = 0; i < BATCH; i++) checkOnce(req);
  });
}
await micro.run();
for (const task of micro.tasks) {
  const l = task.result.latency;
  results.check[task.name] = { p50_us: (l.p50 * 1000) / BATCH, p99_us: (l.p99 * 1000) / BATCH, mean_us: (l.mean * 1000) / BATCH, samples: l.samplesCount ?? task.result.runs };
}

// ---- cost vs manifest size: it should not grow -------------------------------------------
const all = listPermissions();
const sizes = { 1: ['customer_read'], 10: all.slice(0, 9).concat('customer_read'), [all.length]: all };
const bySize = new Bench({ time: 1000, warmupTime: 200 });
for (const [n, names] of Object.entries(sizes)) {
  const grant = compileGrant(Object.freeze([...names]));
  const req = calls['list + 2 expands'];
  bySize.add(`${n} permissions`, () => {
    for (let i = 0; i < BATCH; i++) evaluate(resolveRequest(req), grant);
  });
}
await bySize.run();
for (const task of bySize.tasks) results.manifestSize[task.name] = { p50_us: (task.result.latency.p50 * 1000) / BATCH };

// ---- end to end: guarded vs unguarded client, alternating rounds -----------------------
class Recording extends Stripe.HttpClient {
  getClientName() {
    return 'bench';
  }
  makeRequest() {
    return Promise.resolve(new Response200());
  }
}
class Response200 extends Stripe.HttpClientResponse {
  constructor() {
    super(200, {});
  }
  getRawResponse() {
    return {};
  }
  toJSON() {
    return Promise.resolve({ id: 'cus_1', object: 'customer' });
  }
}
const config = { httpClient: new Recording(), telemetry: false, maxNetworkRetries: 0 };
const plain = new Stripe('sk_test_bench', config);
const guarded = guard(new Stripe('sk_test_bench', config), { permissions: ['customer_read', 'payment_method_read'] });
const e2eCall = (s) => s.customers.list({ expand: ['data.default_source', 'data.invoice_settings.default_payment_method'] });
// tinybench times each client in short alternating rounds (ABBA order), so drift of the
// machine hits both alike; the ratio is the median of the per-round ratios.
const rounds = { plain: [], guarded: [], ratios: [] };
for (let round = 0; round < 24; round++) {
  const order = round % 2 ? ['guarded', 'plain'] : ['plain', 'guarded'];
  const p50 = {};
  for (const name of order) {
    const client = name === 'plain' ? plain : guarded;
    const b = new Bench({ time: 150, warmupTime: 30 });
    b.add(name, () => e2eCall(client));
    await b.run();
    p50[name] = b.tasks[0].result.latency.p50 * 1000;
    rounds[name].push(p50[name]);
  }
  rounds.ratios.push(p50.guarded / p50.plain);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
results.endToEnd = { call: 'customers.list with 2 expand paths', plain_p50_us: median(rounds.plain), guarded_p50_us: median(rounds.guarded), ratio: median(rounds.ratios), rounds: rounds.ratios.length };

// ---- cold start and retained heap, each in a fresh process ---------------------------
const root = new URL('../..', import.meta.url).pathname;
const coldScript = `
  import Stripe from 'stripe';
  const stripe = new Stripe('sk_test_bench');
  const t0 = performance.now();
  const { guard } = await import('stripe-permission-guard');
  guard(stripe, { permissions: ['customer_read'] });
  console.log(performance.now() - t0);`;
const colds = Array.from({ length: 10 }, () => Number(execFileSync(process.execPath, ['--input-type=module', '-e', coldScript], { cwd: root, encoding: 'utf8' })));
results.coldStart = { import_and_first_guard_ms_p50: median(colds), min_ms: Math.min(...colds), max_ms: Math.max(...colds), runs: colds.length };
const heapScript = `
  import Stripe from 'stripe';
  const stripe = new Stripe('sk_test_bench');
  globalThis.gc(); const h0 = process.memoryUsage().heapUsed;
  const { guard, explain } = await import('stripe-permission-guard');
  guard(stripe, { permissions: ['customer_read'] }); explain('customers.list', { expand: ['data.default_source'] });
  globalThis.gc(); globalThis.gc(); console.log(process.memoryUsage().heapUsed - h0);`;
const heaps = Array.from({ length: 3 }, () => Number(execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', heapScript], { cwd: root, encoding: 'utf8' })));
results.heap = { retained_mb: median(heaps) / 1024 / 1024 };

// ---- report -----------------------------------------------------------------------------
const targets = { 'plain retrieve': 0.5, 'list + 2 expands': 1.5 };
const fmt = (n, d = 2) => n.toFixed(d);
console.log(`\nstripe-permission-guard benchmark — ${results.machine}, Node ${results.node}, stripe ${results.stripe}\n`);
console.log('| measurement | p50 | p99 | target |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of Object.entries(results.check)) console.log(`| check: ${name} | ${fmt(r.p50_us)} µs | ${fmt(r.p99_us)} µs | ${targets[name] ? `≤ ${targets[name]} µs` : '—'} |`);
for (const [name, r] of Object.entries(results.manifestSize)) console.log(`| check with ${name} (list + 2 expands) | ${fmt(r.p50_us)} µs | — | flat |`);
console.log(`| end to end: unguarded client | ${fmt(results.endToEnd.plain_p50_us)} µs | — | — |`);
console.log(`| end to end: guarded client | ${fmt(results.endToEnd.guarded_p50_us)} µs | — | — |`);
console.log(`| end to end: ratio guarded / unguarded | ${fmt(results.endToEnd.ratio, 3)} | — | ≤ 1.03 |`);
console.log(`| cold start: import + first guard() | ${fmt(results.coldStart.import_and_first_guard_ms_p50)} ms | max ${fmt(results.coldStart.max_ms)} ms | ≤ 10 ms |`);
console.log(`| retained heap after loading the map | ${fmt(results.heap.retained_mb)} MB | — | ≤ 3 MB |`);
const out = new URL('./results.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out.pathname.replace(root, '')}`);

function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} ×${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
