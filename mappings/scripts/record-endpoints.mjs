#!/usr/bin/env node
// Records the HTTP contract of every API method of the installed `stripe` package.
//
// It builds a real client with a recording HttpClient (no network), calls each
// resource method with placeholder path arguments and records the verb, host and
// path template it sends. Works for SDKs with declarative method tables (<= v21)
// and for generated resource classes (>= v22) alike, because it only looks at the
// requests that leave the client.
//
//   node mappings/scripts/record-endpoints.mjs [--out mappings/generated/endpoints.json]
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = resolve(outIndex >= 0 ? args[outIndex + 1] : `${here}/../generated/endpoints.json`);
const fromIndex = args.indexOf('--stripe');
// --stripe lets the compatibility job record another major installed under an alias.
const stripeModule = fromIndex >= 0 ? args[fromIndex + 1] : 'stripe';

const require = createRequire(`${process.cwd()}/`);
const StripeCtor = require(stripeModule);
const Stripe = StripeCtor.default ?? StripeCtor.Stripe ?? StripeCtor;
const version = Stripe.PACKAGE_VERSION ?? new Stripe('sk_test_x').VERSION;

const PLACEHOLDER = (i) => `__P${i}__`;
let last = null;

class RecordingResponse extends Stripe.HttpClientResponse {
  constructor() {
    super(200, { 'request-id': 'req_record' });
  }
  getRawResponse() {
    return {};
  }
  toStream(done) {
    done?.();
    return { pipe() {}, on() {} };
  }
  toJSON() {
    return Promise.resolve({ object: 'list', data: [], has_more: false });
  }
}
class RecordingHttpClient extends Stripe.HttpClient {
  getClientName() {
    return 'recording';
  }
  makeRequest(host, port, path, method) {
    last = { host, path, method };
    return Promise.resolve(new RecordingResponse());
  }
}

const stripe = new Stripe('sk_test_recording', {
  httpClient: new RecordingHttpClient(),
  maxNetworkRetries: 0,
});

/** Names of the leading positional parameters that become path segments. */
function pathArity(fn) {
  const src = Function.prototype.toString.call(fn);
  const m = /^[^(]*\(([^)]*)\)/.exec(src);
  if (!m) return 0;
  const names = m[1].split(',').map((s) => s.trim().replace(/=.*$/, '')).filter(Boolean);
  const i = names.findIndex((n) => /^(params|options|\.\.\.args)$/.test(n));
  return i < 0 ? Math.max(0, names.length - 2) : i;
}

function isResource(value) {
  return value && typeof value === 'object' && typeof value._makeRequest === 'function'
    || (value && typeof value === 'object' && value.basePath !== undefined && value._stripe);
}

// StripeResource plumbing, not API methods (older SDKs keep path interpolators on the prototype).
const NOT_METHODS = new Set(['constructor', 'initialize', 'createFullPath', 'createResourcePathWithSymbols', 'requestDataProcessor', 'basePath', 'path']);

function methodNames(resource) {
  const names = new Set();
  for (let p = Object.getPrototypeOf(resource); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if (p.constructor?.name === 'StripeResource') break;
    for (const n of Object.getOwnPropertyNames(p)) {
      if (NOT_METHODS.has(n) || n.startsWith('_')) continue;
      if (typeof resource[n] === 'function') names.add(n);
    }
  }
  // Older SDKs attach methods built by stripeMethod() as own properties of the prototype object.
  for (const n of Object.keys(Object.getPrototypeOf(resource))) {
    if (!n.startsWith('_') && typeof resource[n] === 'function' && !NOT_METHODS.has(n)) names.add(n);
  }
  return [...names].sort();
}

// Methods that need real arguments before they issue a request.
const CALL_ARGS = {
  'files.create': [{ file: { data: Buffer.from('x'), name: 'x.txt', type: 'text/plain' }, purpose: 'dispute_evidence' }],
  'ephemeralKeys.create': [{}, { apiVersion: '2020-08-27' }],
};

const SKIP_TOP = new Set(['errors', 'webhooks', 'Decimal', 'VERSION', 'on', 'once', 'off']);
// Resource plumbing that holds no sub-resource.
const NOT_RESOURCES = new Set(['basePath', 'path', 'resourcePath', 'requestDataProcessor']);
const resources = [];
const aliases = {};
function walk(obj, prefix, seen) {
  // Plural names first, so that `stripe.account` (an alias of `stripe.accounts`) is recorded as an alias.
  const keys = Object.keys(obj).sort((a, b) => (b.endsWith('s') - a.endsWith('s')) || a.localeCompare(b));
  for (const key of keys) {
    if (key.startsWith('_') || key === 'stripe' || NOT_RESOURCES.has(key) || (prefix.length === 0 && SKIP_TOP.has(key))) continue;
    const value = obj[key];
    if (!value || typeof value !== 'object') continue;
    if (seen.has(value)) {
      const original = resources.find((r) => r.resource === value);
      if (original) aliases[[...prefix, key].join('.')] = original.id;
      continue;
    }
    seen.add(value);
    if (isResource(value)) resources.push({ id: [...prefix, key].join('.'), resource: value });
    // A resource may hold sub-resources of its own (v2.core.accounts.persons): walk it too.
    walk(value, [...prefix, key], seen);
  }
}
walk(stripe, [], new Set());

/** Calls a method with `arity` placeholder path arguments; returns the request it sent, if any. */
async function attempt(resource, fn, methodId, arity) {
  const callArgs = Array.from({ length: arity }, (_, i) => PLACEHOLDER(i));
  // Params only: older SDKs reject an empty options object as an unknown argument.
  const extra = CALL_ARGS[methodId] ?? [{}];
  last = null;
  try {
    const result = fn.call(resource, ...callArgs, ...extra);
    if (result && typeof result.then === 'function') await result.catch(() => {});
  } catch {
    // a synchronous throw still records when the request was issued first
  }
  if (!last) return null;
  let template = last.path.split('?')[0];
  for (let i = 0; i < arity; i++) template = template.replace(PLACEHOLDER(i), `{${i}}`);
  // Every placeholder must land in the path, and nothing else may look like one.
  const used = (template.match(/\{\d+\}/g) ?? []).length;
  if (/__P\d+__/.test(template) || used !== arity) return null;
  return { method: last.method, path: template, host: last.host };
}

const methods = {};
const failures = [];
for (const { id, resource } of resources) {
  for (const name of methodNames(resource)) {
    const fn = resource[name];
    const methodId = `${id}.${name}`;
    // Generated classes (stripe >= 22) name their path parameters; declarative methods
    // (stripe <= 21) take `...args`, so their arity is found by trying.
    const declared = pathArity(fn);
    const arities = [declared, ...[0, 1, 2, 3, 4].filter((a) => a !== declared)];
    let recorded = null;
    for (const arity of arities) if ((recorded = await attempt(resource, fn, methodId, arity))) break;
    if (!recorded) {
      failures.push(methodId);
      continue;
    }
    const host = recorded.host === 'api.stripe.com' ? undefined : recorded.host;
    methods[methodId] = { method: recorded.method, path: recorded.path, ...(host ? { host } : {}) };
  }
}

// Raw placeholder names: the numbers are positional; name them after the segment before them.
function nameParams(path) {
  const segs = path.split('/');
  return segs
    .map((seg, i) => {
      if (!/^\{\d+\}$/.test(seg)) return seg;
      const prev = (segs[i - 1] ?? 'id').replace(/ies$/, 'y').replace(/s$/, '');
      return `{${prev.replace(/[^a-z0-9_]/gi, '_')}}`;
    })
    .join('/');
}
for (const m of Object.values(methods)) m.path = nameParams(m.path);

const sorted = Object.fromEntries(Object.keys(methods).sort().map((k) => [k, methods[k]]));
const doc = {
  $comment: 'Generated by mappings/scripts/record-endpoints.mjs from the installed stripe package — do not edit by hand',
  stripeVersion: version,
  resources: resources.length,
  methods: sorted,
  aliases,
  // Client-side helpers that issue no request of their own (not API methods).
  unrecorded: failures,
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`stripe@${version}: ${Object.keys(methods).length} methods on ${resources.length} resources recorded → ${out}`);
if (failures.length) console.log(`not recorded (${failures.length}): ${failures.join(', ')}`);
