// `npm run bench`: what the guard costs, measured on the built package. Prints a table (the one
// docs/performance.md shows) and writes test/bench/results.json. Not part of `npm test`; never
// asserted. Every target is a ratio or a difference measured in this same run. Run it on an idle
// machine: the load average is printed with the results, and numbers under load are noise.
//
//   npm run bench            everything (about two minutes)
//   npm run bench -- --quick fewer rounds and 100k hostile requests (a smoke run, not for the docs)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { Bench } from 'tinybench';
import Stripe from 'stripe';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { resolveRequest, evaluate, compileGrant, guard, missingViolation } from 'stripe-permission-guard';
import { stripePermissionHandlers } from 'stripe-permission-guard/msw';
import { InProcess } from './in-process.mjs';
import { median } from './median.mjs';

const quick = process.argv.includes('--quick');
const root = new URL('../..', import.meta.url).pathname;
const here = new URL('.', import.meta.url).pathname;
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const results = { machine: machine(), node: process.version, stripe: new Stripe('sk_test_bench').VERSION, date: new Date().toISOString(), loadBefore: load() };

// ---- cold start: fresh processes, alternating ----------------------------------------------
// Each process loads stripe first (not timed), then times one thing (cold-child.mjs).
const child = (what, args = []) => JSON.parse(execFileSync(process.execPath, [...args, `${here}cold-child.mjs`, what], { cwd: root, encoding: 'utf8' }));
const COLD = quick ? 5 : 15;
const cold = { bare: [], guarded: [], import: [], explain: [], 'import-embedded': [], 'import-floor': [], phases: [] };
for (let i = 0; i < COLD; i++) {
  for (const what of i % 2
    ? ['guarded', 'bare', 'explain', 'import', 'import-floor', 'import-embedded']
    : ['bare', 'guarded', 'import-embedded', 'import-floor', 'import', 'explain']) {
    const r = child(what);
    cold[what].push(r.ms);
    if (what === 'guarded') cold.phases.push(r);
  }
}
results.coldStart = {
  runs: COLD,
  first_bare_call_ms: median(cold.bare),
  first_guarded_call_ms: median(cold.guarded),
  // Paired by run (alternating order), then the median: drift of the machine hits both alike.
  added_ms: median(cold.guarded.map((g, i) => g - cold.bare[i])),
  import_ms: median(cold.import),
  // The bundlers' build, imported from its file: what a bundle that holds the package compiles.
  import_embedded_ms: median(cold['import-embedded']),
  // A module that only exports a constant, imported from its file: Node's part of any import.
  import_floor_ms: median(cold['import-floor']),
  first_explain_ms: median(cold.explain),
  phases_ms: {
    import: median(cold.phases.map((p) => p.import)),
    construct: median(cold.phases.map((p) => p.construct)),
    guard: median(cold.phases.map((p) => p.guard)),
    first_call: median(cold.phases.map((p) => p.firstCall)),
  },
};

// ---- the check alone: resolve + evaluate (+ the rejection) ---------------------------------
const BATCH = 100; // sub-microsecond operations are timed in batches and divided
const declared = compileGrant(Object.freeze(['customer_read', 'invoice_read', 'payment_method_read']));
const checks = {
  'plain retrieve': { method: 'GET', path: '/v1/customers/cus_1', expand: [] },
  'list + 2 expands': { method: 'GET', path: '/v1/customers', expand: ['data.default_source', 'data.invoice_settings.default_payment_method'] },
  'denied (builds the rejection)': { method: 'POST', path: '/v1/customers/cus_1', expand: [] },
};
const ErrorClass = Stripe.errors.StripePermissionError;
const checkOnce = (req) => {
  const resolution = resolveRequest(req);
  const { missing } = evaluate(resolution, declared);
  if (!missing.length) return undefined;
  const v = missingViolation(resolution, missing, 'acct_1');
  return Object.assign(
    new ErrorClass({ message: v.message, type: 'invalid_request_error', code: 'more_permissions_required_for_application', statusCode: 403 }),
    v,
  );
};
const micro = new Bench({ time: quick ? 300 : 1500, warmupTime: 200 });
for (const [name, req] of Object.entries(checks)) {
  micro.add(name, () => {
    for (let i = 0; i < BATCH; i++) checkOnce(req);
  });
}
await micro.run();
results.check = Object.fromEntries(
  micro.tasks.map((t) => [t.name, { p50_us: (t.result.latency.p50 * 1000) / BATCH, p99_us: (t.result.latency.p99 * 1000) / BATCH }]),
);

// ---- steady state: a guarded and a bare client, alternating rounds ---------------------------
const config = { httpClient: new InProcess(), telemetry: false, maxNetworkRetries: 0 };
const bare = new Stripe('sk_test_bench', config);
const guarded = guard(new Stripe('sk_test_bench', config), { permissions: ['customer_read', 'payment_method_read', 'invoice_write'] });
const calls = {
  'plain retrieve': (s) => s.customers.retrieve('cus_1'),
  'list + 2 expands': (s) => s.customers.list({ expand: ['data.default_source', 'data.invoice_settings.default_payment_method'] }),
  'update with a body': (s) => s.invoices.update('in_1', { description: 'x', metadata: { order: '42' } }),
};
const ROUNDS = quick ? 6 : 30;
results.steadyState = {};
for (const [name, call] of Object.entries(calls)) {
  const rounds = { bare: [], guarded: [], ratios: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // ABBA order: drift of the machine hits both clients alike; the ratio is the median of the per-round ratios.
    const p50 = {};
    for (const which of round % 2 ? ['guarded', 'bare'] : ['bare', 'guarded']) {
      const client = which === 'bare' ? bare : guarded;
      const b = new Bench({ time: 150, warmupTime: 30 });
      b.add(which, () => call(client));
      await b.run();
      p50[which] = b.tasks[0].result.latency.p50 * 1000;
      rounds[which].push(p50[which]);
    }
    rounds.ratios.push(p50.guarded / p50.bare);
  }
  results.steadyState[name] = { bare_p50_us: median(rounds.bare), guarded_p50_us: median(rounds.guarded), ratio: median(rounds.ratios), rounds: ROUNDS };
}
// A denied call, end to end: stripe-node's own work before its request sender, plus the rejection.
{
  const denied = new Bench({ time: quick ? 300 : 1000, warmupTime: 100 });
  denied.add('denied', () => guarded.customers.update('cus_1', { name: 'x' }).catch(() => undefined));
  denied.add('allowed bare update', () => bare.customers.update('cus_1', { name: 'x' }));
  await denied.run();
  results.steadyState['denied update (rejected before sending)'] = {
    guarded_p50_us: denied.tasks[0].result.latency.p50 * 1000,
    bare_p50_us: denied.tasks[1].result.latency.p50 * 1000,
  };
}

// ---- the guard's own time per request: its HttpClient around a no-op one -----------------------
// What the steady state pays per request, without stripe-node's work around it: reading the
// tuple stripe-node hands its HttpClient (a fresh headers object each time, as stripe-node
// builds one), the cached request and verdict, the call of the user's HttpClient.
{
  const noop = { getClientName: () => 'noop', makeRequest: () => undefined };
  const client = new Stripe('sk_test_bench', { telemetry: false, httpClient: noop });
  guard(client, { permissions: ['customer_read', 'payment_method_read', 'invoice_write'] });
  const guardedHttp = client.getApiField('httpClient');
  const version = client.getApiField('version');
  const ua = JSON.stringify({ bindings_version: Stripe.PACKAGE_VERSION, lang: 'node', httplib: 'noop' });
  const headers = () => ({
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
    'User-Agent': 'Stripe/v1 NodeBindings',
    'X-Stripe-Client-User-Agent': ua,
    'Stripe-Version': version,
    Authorization: 'Bearer sk_test_bench',
  });
  const requests = {
    'plain retrieve': ['GET', '/v1/customers/cus_1', ''],
    'list + 2 expands': ['GET', '/v1/customers?expand[0]=data.default_source&expand[1]=data.invoice_settings.default_payment_method', ''],
    'update with a body': ['POST', '/v1/invoices/in_1', 'description=x&metadata[order]=42'],
  };
  results.perRequest = {};
  for (const [name, [method, path, body]] of Object.entries(requests)) {
    const N = quick ? 200_000 : 1_000_000;
    const time = (target) => {
      const t0 = performance.now();
      for (let i = 0; i < N; i++) target.makeRequest('api.stripe.com', 443, path, method, headers(), body, 'https', 80000);
      return ((performance.now() - t0) * 1000) / N;
    };
    const runs = { noop: [], guarded: [] };
    for (let k = 0; k < (quick ? 3 : 9); k++)
      for (const [w, target] of k % 2
        ? [
            ['guarded', guardedHttp],
            ['noop', noop],
          ]
        : [
            ['noop', noop],
            ['guarded', guardedHttp],
          ])
        runs[w].push(time(target));
    results.perRequest[name] = { added_us: median(runs.guarded) - median(runs.noop) };
  }
}

// ---- msw handlers: per request, over msw alone ------------------------------------------------
{
  const fixture = http.get('https://api.stripe.com/v1/customers/:id', () => HttpResponse.json({ id: 'cus_1', object: 'customer' }));
  const request = () => fetch('https://api.stripe.com/v1/customers/cus_1?expand[0]=default_source').then((r) => r.arrayBuffer());
  const servers = {
    'msw alone': setupServer(fixture),
    'msw + permission handlers': setupServer(...stripePermissionHandlers({ permissions: ['customer_read'], logger: { warn() {} } }), fixture),
  };
  const rounds = { 'msw alone': [], 'msw + permission handlers': [] };
  for (let round = 0; round < (quick ? 2 : 12); round++) {
    for (const name of round % 2 ? Object.keys(servers).reverse() : Object.keys(servers)) {
      servers[name].listen({ onUnhandledRequest: 'error' });
      const b = new Bench({ time: 250, warmupTime: 50 });
      b.add(name, request);
      await b.run();
      servers[name].close();
      rounds[name].push(b.tasks[0].result.latency.p50 * 1000);
    }
  }
  const alone = median(rounds['msw alone']);
  const withHandlers = median(rounds['msw + permission handlers']);
  // Paired by round (alternating order), then the median: drift of the machine hits both alike.
  const added = median(rounds['msw alone'].map((a, i) => rounds['msw + permission handlers'][i] - a));
  results.msw = { alone_p50_us: alone, with_handlers_p50_us: withHandlers, added_us: added };
}

// ---- CLI wall time -------------------------------------------------------------------------
{
  const cli = `${root}dist/cli.js`;
  const wall = (args) => {
    const times = [];
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      const t0 = performance.now();
      try {
        execFileSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'ignore' });
      } catch {
        // exit code 1 (a failed check) still measures the run
      }
      times.push(performance.now() - t0);
    }
    return median(times);
  };
  const nodeAlone = (() => {
    const times = [];
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      const t0 = performance.now();
      execFileSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      times.push(performance.now() - t0);
    }
    return median(times);
  })();
  results.cli = {
    node_alone_ms: nodeAlone,
    explain_ms: wall(['explain', 'customers.list', '--expand', 'data.default_source']),
    check_ms: wall(['check', 'examples/backend/stripe-app.json']),
  };
}

// ---- retained heap: after load, and after a million distinct hostile requests -------------------
{
  const n = quick ? 100_000 : 1_000_000;
  const runs = Array.from({ length: quick ? 1 : 3 }, () =>
    JSON.parse(execFileSync(process.execPath, ['--expose-gc', `${here}heap-child.mjs`, String(n)], { cwd: root, encoding: 'utf8' })),
  );
  results.heap = {
    after_load_mb: median(runs.map((r) => r.loadedBytes)) / 2 ** 20,
    // Off the V8 heap (process.memoryUsage().arrayBuffers): the map's head, kept as bytes.
    buffers_after_load_mb: median(runs.map((r) => r.loadedBufferBytes)) / 2 ** 20,
    after_hostile_mb: median(runs.map((r) => r.afterBytes)) / 2 ** 20,
    hostile_requests: n,
  };
}
results.loadAfter = load();

// ---- report ---------------------------------------------------------------------------------
// How much of a cold phase is V8 compiling the package's functions the first time they run
// (lazily): node --log-function-events logs every function's parse and bytecode compilation with
// its duration. Summed for dist/index.js from the first run of guard() (guard() + the first
// call) or of explain(). Logging slows the process a little; the share is what to read.
{
  const dir = mkdtempSync(`${os.tmpdir()}/spg-bench-`);
  const compileMs = (what, from) => {
    const log = `${dir}/${what}.log`;
    child(what, ['--log-function-events', `--logfile=${log}`, '--no-logfile-per-isolate']);
    const rows = readFileSync(log, 'utf8')
      .split('\n')
      .map((l) => l.split(','));
    const script = rows.find((r) => r[0] === 'script-details' && r[2]?.endsWith('/dist/index.js'))?.[1];
    let on = false;
    let ms = 0;
    for (const r of rows) {
      if (r[0] !== 'function' || r[2] !== script) continue;
      if (r[1] === 'first-execution' && r[7] === from) on = true;
      if (on && (r[1] === 'parse-function' || r[1] === 'interpreter')) ms += Number(r[5]);
    }
    return ms;
  };
  const runs = quick ? 3 : 5;
  results.coldStart.compile_ms = {
    guard_and_first_call: median(Array.from({ length: runs }, () => compileMs('guarded', 'guard'))),
    first_explain: median(Array.from({ length: runs }, () => compileMs('explain', 'explain'))),
  };
  rmSync(dir, { recursive: true, force: true });
}

const f = (n, d = 2) => n.toFixed(d);
const ok = (good) => (good ? 'met' : '**missed**');
const c = results.coldStart;
const rows = [
  ['first bare call (stripe alone)', `${f(c.first_bare_call_ms)} ms`, '—', ''],
  ['first guarded call: import + guard() + first check (1 expand)', `${f(c.first_guarded_call_ms)} ms`, '—', ''],
  ['… added over the first bare call', `${f(c.added_ms)} ms`, '≤ 3 ms', ok(c.added_ms <= 3)],
  [
    '… of which import / new Stripe() / guard() / first call',
    `${f(c.phases_ms.import)} / ${f(c.phases_ms.construct)} / ${f(c.phases_ms.guard)} / ${f(c.phases_ms.first_call)} ms`,
    '—',
    '',
  ],
  ['import of the package', `${f(c.import_ms)} ms`, '≤ 5 ms', ok(c.import_ms <= 5)],
  ['… a module that only exports a constant, imported from its file', `${f(c.import_floor_ms)} ms`, 'reported', ''],
  ["… the bundlers' build (the map embedded), for comparison", `${f(c.import_embedded_ms)} ms`, 'reported', ''],
  ['first explain() (1 expand), after import', `${f(c.first_explain_ms)} ms`, '≤ 3 ms', ok(c.first_explain_ms <= 3)],
  [
    "… V8 compiling the package's functions that run for the first time: guard() + first call / first explain()",
    `${f(c.compile_ms.guard_and_first_call)} / ${f(c.compile_ms.first_explain)} ms`,
    'reported',
    '',
  ],
  ...Object.entries(results.check).map(([name, r]) => [
    `check alone: ${name}`,
    `${f(r.p50_us)} µs (p99 ${f(r.p99_us)})`,
    name.startsWith('denied') ? '≤ 20 µs' : '—',
    name.startsWith('denied') ? ok(r.p50_us <= 20) : '',
  ]),
  ...Object.entries(results.steadyState)
    .filter(([, r]) => r.ratio !== undefined)
    .flatMap(([name, r]) => [
      [`steady state, ${name}: bare / guarded`, `${f(r.bare_p50_us)} / ${f(r.guarded_p50_us)} µs`, '—', ''],
      [`steady state, ${name}: guarded ÷ bare`, f(r.ratio, 3), '≤ 1.01', ok(r.ratio <= 1.01)],
    ]),
  ...Object.entries(results.perRequest).map(([name, r]) => [
    `the guard's own time per request, ${name} (around a no-op HttpClient)`,
    `${f(r.added_us, 3)} µs`,
    'reported',
    '',
  ]),
  [
    'denied update, end to end (bare allowed update)',
    `${f(results.steadyState['denied update (rejected before sending)'].guarded_p50_us)} µs (${f(results.steadyState['denied update (rejected before sending)'].bare_p50_us)} µs)`,
    '—',
    '',
  ],
  ['msw: a request through msw alone / with the handlers', `${f(results.msw.alone_p50_us)} / ${f(results.msw.with_handlers_p50_us)} µs`, '—', ''],
  ['msw: added per request by the handlers', `${f(results.msw.added_us)} µs`, 'reported', ''],
  [
    'CLI wall time: node -e 0 / explain / check',
    `${f(results.cli.node_alone_ms, 0)} / ${f(results.cli.explain_ms, 0)} / ${f(results.cli.check_ms, 0)} ms`,
    'reported',
    '',
  ],
  ['retained heap after load', `${f(results.heap.after_load_mb)} MB`, '≤ 2 MB', ok(results.heap.after_load_mb <= 2)],
  ["… and off the heap (the map's head, kept as the bytes read)", `${f(results.heap.buffers_after_load_mb)} MB`, 'reported', ''],
  [
    `retained heap after ${results.heap.hostile_requests.toLocaleString('en')} distinct hostile requests`,
    `${f(results.heap.after_hostile_mb)} MB`,
    'flat, ≤ 2 MB more',
    ok(results.heap.after_hostile_mb - results.heap.after_load_mb <= 2),
  ],
];
console.log(`\nstripe-permission-guard benchmark — ${results.machine}, Node ${results.node}, stripe ${results.stripe}`);
console.log(`load average before ${results.loadBefore}, after ${results.loadAfter}${quick ? ' (--quick: a smoke run)' : ''}\n`);
console.log('| measurement | result | target | |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
console.log(`
Where the time goes (node --cpu-prof and timers; see docs/performance.md):
- import: Node reading, decoding and V8 compiling one file per format, ~${Math.round(indexBytes() / 1024)} KB of code; the
  map (${Math.round(mapBytes() / 1024)} KB, mappings/generated/runtime.jsonl) is not part of it, and nothing is read at import.
- guard(): reads the map's head (~${Math.round(mapHead() / 1024)} KB: the header and the sections every process needs) in one
  read and parses the permission names (one JSON text) to validate the ones given.
- first request: one route group (the routes under its first two path segments, one more read),
  one API version's type index, the expand tables of the types its paths cross (a read each);
  the rest is mostly V8 compiling the functions that run for the first time (the row "V8
  compiling", from node --log-function-events, which slows the process while it logs).
- steady state: the same tuple an HttpClient receives is the same request (its headers copied and
  compared by name and judged value), and a fixed grant's last allowed request is allowed again;
  the row "the guard's own time per request" is all of it.`);
const out = new URL('./results.json', import.meta.url);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out.pathname.replace(root, '')}`);

function indexBytes() {
  return statSync(new URL('../../dist/index.js', import.meta.url)).size;
}

function mapBytes() {
  return statSync(new URL('../../mappings/generated/runtime.jsonl', import.meta.url)).size;
}

function mapHead() {
  return Number(/head: (\d+)/.exec(readFileSync(new URL('../../mappings/generated/runtime.ts', import.meta.url), 'utf8'))?.[1] ?? 0);
}

function machine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model.trim() ?? 'unknown CPU'} ×${cpus.length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`;
}
