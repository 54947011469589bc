// One fresh process for code-cache.mjs: `node code-cache-child.mjs <mode> <what> <code> <cache>`.
//   mode  import (the package as it ships) | vm (<code> through node:vm) |
//         eager (vm, V8 compiling every function of it at once: --no-lazy while it compiles) |
//         cache (vm with V8's cache <cache>) | make (vm, then write <cache>)
//   what  guarded: ms of load + new Stripe() + guard() + the first call (one expand), and the
//         load alone; explain: ms of the first explain() after the load (not timed)
// stripe is loaded before any clock starts, as in cold-child.mjs (which times the bare call).
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import { InProcess } from './in-process.mjs';

const require = createRequire(import.meta.url);
const Stripe = require('stripe');
const [mode, what, codeFile, cacheFile] = process.argv.slice(2);
const config = { httpClient: new InProcess(), telemetry: false, maxNetworkRetries: 0 };
const call = (s) => s.customers.retrieve('cus_1', { expand: ['default_source'] });

let script;
async function load() {
  if (mode === 'import') return import('stripe-permission-guard');
  const options = { filename: codeFile };
  if (mode === 'cache') options.cachedData = readFileSync(cacheFile);
  if (mode === 'eager') v8.setFlagsFromString('--no-lazy');
  script = new vm.Script(`(function (exports, require, module) {${readFileSync(codeFile, 'utf8')}\n})`, options);
  if (mode === 'eager') v8.setFlagsFromString('--lazy');
  if (mode === 'cache' && script.cachedDataRejected) throw new Error('V8 rejected the code cache');
  const module = { exports: {} };
  script.runInThisContext()(module.exports, require, module);
  return module.exports;
}

const out = {};
if (what === 'guarded') {
  const t0 = performance.now();
  const { guard, explain } = await load();
  const t1 = performance.now();
  await call(guard(new Stripe('sk_test_bench', config), { permissions: ['customer_read'] }));
  Object.assign(out, { ms: performance.now() - t0, load: t1 - t0 });
  if (mode === 'make') {
    explain('customers.list', { expand: ['data.default_source'] });
    writeFileSync(cacheFile, script.createCachedData());
  }
} else {
  const { explain } = await load();
  const t0 = performance.now();
  explain('customers.list', { expand: ['data.default_source'] });
  out.ms = performance.now() - t0;
}
process.stdout.write(JSON.stringify(out));
