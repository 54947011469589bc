#!/usr/bin/env node
// Extracts Stripe's expand graph from a stripe package's .d.ts files using the
// TypeScript compiler API (type checker), and writes mappings/generated/objects*.json.
// Run from the repo root:
//   node mappings/scripts/extract-objects.mjs                       (the dev dependency `stripe`)
//   node mappings/scripts/extract-objects.mjs --stripe stripe-14    (an older major under its alias)
// stripe <= 21 declares its types as an ambient `declare module 'stripe'` under types/; stripe >= 22
// ships them next to the code. Both are read the same way: through `import Stripe from 'stripe'`.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanExpandables } from './scan-expandables.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(ROOT, 'package.json'));
const ts = require('typescript'); // the project's own typescript, not a global one
const args = process.argv.slice(2);
const arg = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const stripeModule = arg('--stripe') ?? 'stripe';
const major = stripeModule === 'stripe' ? '' : stripeModule.replace(/^stripe-/, '');
// stripe's `exports` map hides package.json: resolve the entry point and walk up to it.
let stripeDir = path.dirname(require.resolve(stripeModule));
// (cjs/ and esm/ hold package.json files of their own that only set the module type.)
const isPackageRoot = (dir) => fs.existsSync(path.join(dir, 'package.json')) && JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name;
while (!isPackageRoot(stripeDir)) stripeDir = path.dirname(stripeDir);
const stripePkg = JSON.parse(fs.readFileSync(path.join(stripeDir, 'package.json'), 'utf8'));
const stripeVersion = stripePkg.version;
// The API version the SDK pins: Stripe.API_VERSION (>= 18), else the client's default.
const StripeCtor = require(stripeModule);
const StripeClass = StripeCtor.default ?? StripeCtor.Stripe ?? StripeCtor;
const apiVersion = StripeClass.API_VERSION ?? new StripeClass('sk_test_x').getApiField('version');
if (!/^\d{4}-\d{2}-\d{2}/.test(apiVersion ?? '')) throw new Error(`${stripeModule}: no API version found`);
const OUT = path.resolve(ROOT, arg('--out') ?? `mappings/generated/objects${major ? `-stripe${major}` : ''}.json`);
const ENDPOINTS = path.resolve(ROOT, arg('--endpoints') ?? `mappings/generated/endpoints${major ? `-stripe${major}` : ''}.json`);
const endpoints = JSON.parse(fs.readFileSync(ENDPOINTS, 'utf8'));
if (endpoints.stripeVersion !== stripeVersion) throw new Error(`${ENDPOINTS} records stripe ${endpoints.stripeVersion}, not ${stripeVersion}`);
const ambientTypes = stripePkg.types && fs.existsSync(path.join(stripeDir, stripePkg.types)) && stripeModule !== 'stripe'
  ? path.join(stripeDir, stripePkg.types) : undefined;

// ---------------------------------------------------------------------------
// 1. A Program over one virtual file; module resolution finds stripe's typings
//    exactly like a consumer's `import Stripe from 'stripe'` would. For an
//    aliased older major, its ambient `declare module 'stripe'` is a root file
//    and 'stripe' is left unresolved so that the ambient declaration answers.
// ---------------------------------------------------------------------------
const ENTRY = path.join(ROOT, '__extract_objects_entry__.ts');
const ENTRY_SRC = "import Stripe from 'stripe';\ndeclare const s: Stripe;\nexport { s, Stripe };\n";
const options = {
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true, // strictNullChecks keeps `null`/`undefined` as separate union members
  skipLibCheck: true, noEmit: true, types: ['node'],
};
const host = ts.createCompilerHost(options, true);
const { getSourceFile, fileExists, readFile } = host;
host.getSourceFile = (f, lang, ...rest) => f === ENTRY ? ts.createSourceFile(f, ENTRY_SRC, lang, true) : getSourceFile.call(host, f, lang, ...rest);
host.fileExists = (f) => f === ENTRY || fileExists.call(host, f);
host.readFile = (f) => (f === ENTRY ? ENTRY_SRC : readFile.call(host, f));
if (ambientTypes) {
  host.resolveModuleNameLiterals = (literals, containingFile, redirected, opts, sourceFile) =>
    literals.map((lit) => lit.text === 'stripe' ? { resolvedModule: undefined }
      : ts.resolveModuleName(lit.text, containingFile, opts, host, undefined, redirected, ts.getModeForUsageLocation(sourceFile, lit, opts)));
}
const program = ts.createProgram(ambientTypes ? [ENTRY, ambientTypes] : [ENTRY], options, host);
const checker = program.getTypeChecker();
const entry = program.getSourceFile(ENTRY);

const resolve = (sym) => (sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym);
const exportNamed = (name) => resolve(checker.getExportsOfModule(checker.getSymbolAtLocation(entry)).find((e) => e.name === name));
const stripeNs = exportNamed('Stripe'); // merged `class Stripe` + `namespace Stripe`
const clientType = checker.getTypeOfSymbol(exportNamed('s')); // an instance: `new Stripe(...)`
if (!stripeNs || !clientType.getProperty('customers')) throw new Error(`could not load ${stripeModule} typings`);

// ---------------------------------------------------------------------------
// 2. Public qualified names. Declarations live in per-file modules, so the
//    public name (e.g. "Issuing.Card", "Customer.InvoiceSettings") is only
//    known from the `Stripe` namespace's export tree: walk it breadth-first
//    so the shortest public path wins.
// ---------------------------------------------------------------------------
const TYPE_FLAGS = ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias | ts.SymbolFlags.Class;
const isRequestSide = (name) => /(Params|Resource)$/.test(name); // request bodies & resource classes
const nameOf = new Map(); // resolved symbol -> qualified name
for (let queue = [[stripeNs, '']], seen = new Set([stripeNs]); queue.length; ) {
  const [ns, prefix] = queue.shift();
  const members = (ns.exports ? [...ns.exports.values()] : []).map((e) => [e.name, resolve(e)]);
  for (const [name, sym] of members.sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!sym || isRequestSide(name) || name === 'errors') continue;
    const qname = prefix + name;
    if (sym.flags & TYPE_FLAGS && !nameOf.has(sym)) nameOf.set(sym, qname);
    if (sym.flags & ts.SymbolFlags.Namespace && !seen.has(sym)) {
      seen.add(sym);
      queue.push([sym, qname + '.']);
    }
  }
}
const symName = (sym) => sym && nameOf.get(sym);

// ---------------------------------------------------------------------------
// 3. Classifying one property type.
// ---------------------------------------------------------------------------
// V1/V2 event payloads are snapshots: Stripe does not expand inside `data.object`,
// so event types are leaves (they would otherwise add ~500 noise types).
const isEventType = (q) => /(^|\.)Events?(\.|$)|Event(Base|Notification)?$/.test(q);
const isNullish = (t) => t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void);
const isStringish = (t) => t.flags & ts.TypeFlags.StringLike;
// (a union here can only be one kept whole by members(), i.e. an event union)
const isObj = (t) => t.isUnion() || (t.flags & ts.TypeFlags.Object && !checker.isArrayType(t) && !checker.isTupleType(t));
const refName = (t) => (t.flags & ts.TypeFlags.Object && t.objectFlags & ts.ObjectFlags.Reference ? t.target.symbol?.name : undefined);
const typeName = (t) => symName(t.symbol) ?? symName(t.aliasSymbol);
// Union members are listed individually (BalanceTransactionSource -> Charge, Refund, ...),
// except the huge `Event` / `V2.Core.Event` unions: those stay one leaf under their alias.
const members = (t) =>
  (t.isUnion() && !isEventType(symName(t.aliasSymbol) ?? '') ? t.types : [t]).filter((m) => !isNullish(m));
// `{ [currency: string]: X }` maps (Price.currency_options): the key is one free path segment.
const isMap = (t) => isObj(t) && !typeName(t) && checker.getIndexInfosOfType(t).length > 0 && !checker.getPropertiesOfType(t).length;
const LIST_WRAPPERS = ['ApiList', 'V2List'];

// "Included" props (returned only when expanded, e.g. `Customer.tax_ids?`) are optional
// props of API objects (they carry an `object` literal). Optional props of nested
// sub-objects are almost always plain "may be absent" fields, so there only optional
// ApiLists count (`Quote.computed.upfront.line_items`). Type-specific hashes such as
// `PaymentMethod.card?` (named by the object's `type` discriminator) and `deleted?`
// flags are optional for other reasons. API v2 has no `expand` (its `include` is a
// different mechanism), so v2 types never get "included" props.
function isIncluded(prop, owner, d) {
  if (!(prop.flags & ts.SymbolFlags.Optional) || prop.name === 'deleted') return false;
  if ((typeName(owner) ?? '').startsWith('V2.')) return false;
  if (!isResponseObject(owner)) return d.list;
  const typeProp = owner.getProperty('type');
  const discriminants = typeProp ? members(checker.getTypeOfSymbol(typeProp)).filter((m) => m.isStringLiteral()).map((m) => m.value) : [];
  return !discriminants.includes(prop.name);
}

/** Describe a property: { expand?, array, list, map, scalar?, to: [ts.Type] } or null if it can't lead anywhere. */
function describe(prop, owner) {
  let parts = members(checker.getTypeOfSymbol(prop));
  if (!parts.length) return null; // e.g. `deleted?: void`
  const d = { array: false, list: false, map: false };
  // Peel containers: Array<T> adds no path segment, ApiList<T> adds `data`, a map adds a key.
  for (;;) {
    const [t] = parts;
    if (parts.length !== 1) break;
    if (checker.isArrayType(t)) d.array = true;
    else if (LIST_WRAPPERS.includes(refName(t))) d.list = true;
    else if (isMap(t)) d.map = true;
    else break;
    parts = members(isMap(t) ? checker.getIndexInfosOfType(t)[0].type : checker.getTypeArguments(t)[0]);
  }
  const objs = parts.filter(isObj);
  d.to = objs;
  if (objs.length && parts.some(isStringish)) d.expand = 'id'; // `string | Customer | ...`: an expandable ID
  else if (isIncluded(prop, owner, d)) {
    d.expand = 'included';
    if (!objs.length) d.scalar = true; // e.g. Apps.Secret.payload: still a valid expand path
  } else if (!objs.length) return null; // plain scalar
  return d;
}

function objectLiteral(t) {
  const p = t.getProperty('object');
  const pt = p && checker.getTypeOfSymbol(p);
  return pt && pt.isStringLiteral() ? pt.value : undefined;
}
const isResponseObject = (t) => objectLiteral(t) !== undefined && !isEventType(typeName(t) ?? '');

// ---------------------------------------------------------------------------
// 4. Build the graph from roots: every method's return types plus every named
//    top-level API object (so types only reachable via expansion are covered).
// ---------------------------------------------------------------------------
const graph = new Map(); // qname -> { object, synthetic, props: { name -> describe() } }
// Types without a public name (inline object literals, unexported helpers like V2Amount)
// get a name derived from where they are used; flagged so the summary can report them.
const syntheticName = new Map();
function visit(t, usedAt) {
  let q = typeName(t) ?? syntheticName.get(t);
  if (!q) syntheticName.set(t, (q = t.symbol && !t.symbol.name.startsWith('__') ? `~${t.symbol.name}` : `~${usedAt}`));
  if (graph.has(q)) return q;
  const node = { object: objectLiteral(t), props: {} };
  graph.set(q, node);
  if (isEventType(q)) return q;
  for (const prop of checker.getPropertiesOfType(t)) {
    if (prop.name === 'lastResponse') continue;
    const d = describe(prop, t);
    if (d) node.props[prop.name] = { ...d, to: [...new Set(d.to.map((x) => visit(x, `${q}.${prop.name}`)))].sort() };
  }
  return q;
}

// --- method return types ---
const WRAPPERS = { ApiListPromise: 'list', V2ListPromise: 'list', ApiSearchResultPromise: 'search', V2SearchResultPromise: 'search' };
function unwrapReturn(rt) {
  const wrapper = rt.symbol && WRAPPERS[rt.symbol.name];
  if (wrapper) return { shape: wrapper, types: members(checker.getTypeArguments(rt)[0]) };
  if (rt.symbol?.name !== 'Promise') return null;
  let inner = checker.getTypeArguments(rt)[0];
  if (inner.aliasSymbol?.name === 'Response') inner = inner.aliasTypeArguments[0]; // Response<T> = T & { lastResponse }
  if (inner.aliasSymbol?.name === 'StripeStreamResponse' || inner.symbol?.name === 'ReadableStream') return { shape: 'stream', types: [] };
  const listish = members(inner).length === 1 && refName(inner);
  if (listish === 'ApiList' || listish === 'V2List') return { shape: 'list', types: members(checker.getTypeArguments(inner)[0]) };
  if (members(inner).length && members(inner).every(isObj)) return { shape: 'object', types: members(inner) };
  return { shape: 'other', types: [], note: checker.typeToString(inner) };
}
const methods = {};
const unresolved = [];
for (const id of Object.keys(endpoints.methods).sort()) {
  let t = clientType;
  const chain = id.split('.');
  for (const seg of chain) {
    const p = t && t.getProperty(seg);
    t = p && checker.getTypeOfSymbol(p);
  }
  const sigs = t ? t.getCallSignatures() : [];
  const results = sigs.map((s) => unwrapReturn(s.getReturnType())).filter(Boolean);
  if (!results.length) { unresolved.push(id); continue; }
  const returns = new Set(results.flatMap((r) => r.types.map((x) => visit(x, id))));
  methods[id] = { returns: [...returns].sort(), shape: results[0].shape, ...(results[0].note && { note: results[0].note }) };
}
for (const sym of nameOf.keys()) {
  const t = sym.flags & ts.SymbolFlags.Interface && checker.getDeclaredTypeOfSymbol(sym);
  if (t && !t.typeParameters?.length && isResponseObject(t)) visit(t); // generic = list wrappers
}

// ---------------------------------------------------------------------------
// 5. Prune: keep expandable props, and nested props only when their target
//    (transitively) contains something expandable. Fixpoint handles cycles.
// ---------------------------------------------------------------------------
const interesting = new Set();
for (let changed = true; changed; ) {
  changed = false;
  for (const [q, node] of graph) {
    if (interesting.has(q)) continue;
    if (Object.values(node.props).some((p) => p.expand || p.to.some((x) => interesting.has(x)))) {
      interesting.add(q);
      changed = true;
    }
  }
}
const keep = (p) => p.expand || p.to.some((x) => interesting.has(x));

// Emit: interesting API objects, method return types, and every `to` target (closure).
const emit = new Set();
const pending = [...Object.values(methods).flatMap((m) => m.returns),
  ...[...graph].filter(([q, n]) => n.object !== undefined && interesting.has(q)).map(([q]) => q)];
while (pending.length) {
  const q = pending.pop();
  if (emit.has(q)) continue;
  emit.add(q);
  for (const p of Object.values(graph.get(q).props)) if (keep(p)) pending.push(...p.to);
}

const types = {};
const count = { types: 0, id: 0, included: 0 };
for (const q of [...emit].sort()) {
  const node = graph.get(q);
  const props = {};
  for (const [name, p] of Object.entries(node.props)) {
    if (!keep(p)) continue;
    const out = p.expand ? { expand: p.expand } : {};
    if (p.array) out.array = true;
    if (p.list) out.list = true;
    if (p.map) out.map = true;
    if (p.scalar) out.scalar = true;
    out.to = p.to;
    props[name] = out;
  }
  for (const p of Object.values(props)) if (p.expand) count[p.expand]++;
  if (Object.values(props).some((p) => p.expand)) count.types++;
  types[q] = { ...(node.object !== undefined && { object: node.object }), props };
}

// Depth = path segments from an API object to an expandable prop without expanding
// anything on the way (`lines.data.discounts` = 3; ApiList adds `data`, a map adds a key).
// "nested" only walks sub-objects (Customer.InvoiceSettings); "embedded" also walks
// full API objects embedded by value (Invoice.last_finalization_error.payment_intent...).
function depth(q, embedded, stack = new Set()) {
  if (stack.has(q)) return 0;
  stack.add(q);
  let best = 0;
  for (const p of Object.values(types[q].props)) {
    const seg = 1 + (p.list ? 1 : 0) + (p.map ? 1 : 0);
    if (p.expand) best = Math.max(best, seg);
    else for (const t of p.to) {
      if (!embedded && types[t].object !== undefined) continue;
      const d = depth(t, embedded, stack);
      if (d) best = Math.max(best, seg + d);
    }
  }
  stack.delete(q);
  return best;
}
const apiObjects = Object.keys(types).filter((q) => types[q].object !== undefined);
const maxDepth = (embedded) => Math.max(...apiObjects.map((q) => depth(q, embedded)));

// Recursively sorted keys so the output is byte-for-byte deterministic.
const sortDeep = (v) => Array.isArray(v) ? v.map(sortDeep)
  : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep(v[k])])) : v;
// The independent count: a syntactic scan of the same declarations (see scan-expandables.mjs).
const scanned = scanExpandables(stripeModule);
const inGraph = new Set(Object.entries(types).flatMap(([q, t]) => Object.entries(t.props).filter(([, p]) => p.expand === 'id').map(([n]) => `${q}.${n}`)));
const notInGraph = scanned.filter((k) => !inGraph.has(k));
const notScanned = [...inGraph].filter((k) => !scanned.includes(k)).sort();
const output = sortDeep({
  $comment: `Generated by mappings/scripts/extract-objects.mjs from the type declarations of ${stripeModule}@${stripeVersion} — do not edit by hand`,
  apiVersion,
  stripeVersion,
  types,
  methods,
  scan: { expandableIds: scanned.length, graphExpandableIds: inGraph.size, declaredNotInGraph: notInGraph, inGraphNotDeclared: notScanned },
});
fs.writeFileSync(OUT, JSON.stringify(output, null, 2) + '\n');

const total = Object.keys(endpoints.methods).length;
console.log(`wrote ${path.relative(ROOT, OUT)} (${Object.keys(types).length} types)`);
console.log(`types with >=1 expandable prop: ${count.types}`);
console.log(`expandable props: ${count.id + count.included} (id: ${count.id}, included: ${count.included})`);
console.log(`max nesting depth: ${maxDepth(false)} segments through sub-objects, ${maxDepth(true)} also through embedded API objects`);
console.log(`methods mapped: ${Object.keys(methods).length}/${total}`);
console.log(`syntactic scan of the .d.ts text: ${scanned.length} expandable IDs declared, ${inGraph.size} in the graph` +
  `${notInGraph.length ? `; declared but unreachable: ${notInGraph.join(', ')}` : ''}${notScanned.length ? `; not found by the scan: ${notScanned.join(', ')}` : ''}`);
if (unresolved.length) console.log(`unresolved methods: ${unresolved.join(', ')}`);
const synthetic = Object.keys(types).filter((q) => q.startsWith('~'));
if (synthetic.length) console.log(`types without a public name (synthetic "~" names): ${synthetic.join(', ')}`);
