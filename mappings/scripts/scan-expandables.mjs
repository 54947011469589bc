// A second, independent count of a stripe package's expandable IDs: a syntactic scan of its
// .d.ts text, no type checker. A property whose declared type is `string | SomeType …`
// (`customer: string | Stripe.Customer | Stripe.DeletedCustomer | null;`) is an expandable ID.
// extract-objects.mjs records this scan next to the type checker's graph, and the data tests
// compare the two: a property the checker's graph misses (or invents) shows up as a difference.
//
//   node mappings/scripts/scan-expandables.mjs [stripe-14]     prints the count and the keys
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The stripe package's root directory (its `exports` map hides package.json). */
export function stripeDir(stripeModule) {
  const require = createRequire(path.join(ROOT, 'package.json'));
  let dir = path.dirname(require.resolve(stripeModule));
  const isRoot = (d) => fs.existsSync(path.join(d, 'package.json')) && JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8')).name;
  while (!isRoot(dir)) dir = path.dirname(dir);
  return dir;
}

// Request-side declarations (params, resource classes, client options) and event payloads (snapshots: Stripe
// does not expand inside them) are not response objects.
const SKIP_OWNER = /(Params|Resource)$|^(RequestOptions|StripeConfig)$|^(Stripe)?Event|Events?$|EventNotification$|^V2\.Core\.Events?\b/;
const IGNORED_MEMBERS = new Set(['null', 'undefined', 'string', 'number', 'boolean', 'Buffer', 'Uint8Array', 'Date']);
const DECL = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(interface|namespace|class|module)\s+([\w.'"]+)[^{]*\{/;

/**
 * Owner.prop keys of every `prop: string | Type` declaration in one file's text. `prefix` is the
 * namespace a file's folder stands for in stripe >= 22 (resources/Issuing/Cards.d.ts → Issuing).
 */
function scanText(text, out, prefix, inherits) {
  const frames = prefix.map((name) => ({ name, kind: 'namespace' })); // { name } for interface/namespace/class, { name: null } for any other brace
  let pending = null; // a property declaration spanning several lines
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (!line || line.startsWith('*') || line.startsWith('/*')) continue;
    if (pending) {
      pending.type += ` ${line}`;
      if (line.endsWith(';')) {
        finish(pending, frames, out);
        pending = null;
      }
      continue;
    }
    const decl = DECL.exec(line);
    if (decl) {
      const name = decl[1] === 'module' ? null : decl[2];
      frames.push({ name, kind: decl[1] });
      // `interface UpcomingInvoice extends Omit<Invoice, 'id'>`: the properties are Invoice's.
      const base = decl[1] === 'interface' && /\bextends\s+(?:Omit<\s*)?(?:Stripe\.)?([A-Z][\w.]*)/.exec(line);
      if (base) inherits.push([ownerOf(frames), [...ownerOf(frames.slice(0, -1)).split('.').filter(Boolean), base[1]].join('.'), base[1]]);
      if (line.endsWith('}')) frames.pop();
      continue;
    }
    const alias = /^(?:export\s+)?type\s+(\w+)\s*=\s*Omit<\s*(?:Stripe\.)?([A-Z][\w.]*)/.exec(line);
    if (alias) inherits.push([[ownerOf(frames), alias[1]].filter(Boolean).join('.'), [ownerOf(frames), alias[2]].filter(Boolean).join('.'), alias[2]]);
    const prop = /^(?:readonly\s+)?(\w+)\??:\s*(.*)$/.exec(line);
    if (prop && frames.at(-1)?.kind === 'interface') {
      if (prop[2].endsWith(';')) finish({ name: prop[1], type: prop[2] }, frames, out);
      else if (!prop[2].includes('{')) pending = { name: prop[1], type: prop[2] };
      else countBraces(line, frames);
      continue;
    }
    countBraces(line, frames);
  }
}

function countBraces(line, frames) {
  for (const ch of line) {
    if (ch === '{') frames.push({ name: null, kind: 'literal' });
    else if (ch === '}') frames.pop();
  }
}

const ownerOf = (frames) => frames.map((f) => f.name).filter((n) => n && n !== 'Stripe').join('.');

function finish({ name, type }, frames, out) {
  if (frames.some((f) => f.kind === 'literal')) return; // inside an inline object type: no public owner
  const owner = ownerOf(frames);
  if (!owner || SKIP_OWNER.test(owner) || owner.split('.').some((n) => SKIP_OWNER.test(n))) return;
  // `Array<string | Stripe.TaxId>` adds no path segment: its members count as the property's.
  const members = type.replace(/;$/, '').replace(/Array<|>/g, ' ').split('|').map((m) => m.trim()).filter(Boolean);
  if (!members.includes('string')) return;
  const refs = members.filter((m) => /^[A-Z_][\w.]*$/.test(m) && !IGNORED_MEMBERS.has(m));
  if (refs.length) out.add(`${owner}.${name}`);
}

/** Every expandable ID the package's declarations spell out, as sorted `Owner.prop` keys. */
export function scanExpandables(stripeModule = 'stripe') {
  const dir = stripeDir(stripeModule);
  const typesDir = fs.existsSync(path.join(dir, 'types')) ? path.join(dir, 'types') : path.join(dir, 'esm', 'resources');
  const ambient = typesDir.endsWith('types'); // stripe <= 21: namespaces are spelled out in the text
  const out = new Set();
  const inherits = [];
  const walk = (d, prefix) => {
    for (const f of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p, ambient ? prefix : [...prefix, f.name]);
      else if (f.name.endsWith('.d.ts')) scanText(fs.readFileSync(p, 'utf8'), out, prefix, inherits);
    }
  };
  walk(typesDir, []);
  for (const [owner, qualified, bare] of inherits) {
    const from = [...out].some((k) => k.startsWith(`${qualified}.`)) ? qualified : bare;
    for (const k of [...out]) if (k.startsWith(`${from}.`) && !k.slice(from.length + 1).includes('.')) out.add(`${owner}.${k.slice(from.length + 1)}`);
  }
  return [...out].sort();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const keys = scanExpandables(process.argv[2] ?? 'stripe');
  console.log(`${keys.length} expandable IDs declared`);
  if (process.argv.includes('--verbose')) for (const k of keys) console.log(`  ${k}`);
}
