#!/usr/bin/env node
// Prints how much of the installed stripe SDK the map covers:
// methods with an entry, their status, and expandable properties whose target has a known family.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p) => JSON.parse(readFileSync(resolve(root, p), 'utf8'));
const routes = readJson('generated/routes.json');
const expand = readJson('generated/expand.json');
const catalog = readJson('generated/permissions.json');

// The installed SDK's version, to show when the recorded map is older than the install.
const require = createRequire(`${process.cwd()}/`);
const Stripe = require('stripe');
const installed = new (Stripe.default ?? Stripe)('sk_test_stats').VERSION;
const recorded = readJson('generated/endpoints.json');

const byMethod = new Map();
for (const r of routes.routes) for (const m of r.methods) byMethod.set(m, r);
const sdkMethods = Object.keys(recorded.methods);
const withEntry = sdkMethods.filter((m) => byMethod.has(m));
const count = (s) => sdkMethods.filter((m) => byMethod.get(m)?.status === s).length;

let total = 0;
let resolved = 0;
const unresolved = new Map();
for (const [type, props] of Object.entries(expand.types)) {
  for (const [name, p] of Object.entries(props)) {
    if (!p.expand) continue;
    total++;
    const hand = routes.properties[`${type}.${name}`];
    const targets = p.expand === 'included' ? [type] : p.to;
    const ok = hand || targets.some((t) => routes.objects[t]?.family || routes.objects[t]?.permission);
    if (ok) resolved++;
    else unresolved.set(`${type}.${name}`, targets.join('|'));
  }
}

console.log(`stripe (installed ${installed}; map recorded from ${routes.stripeVersions.join(', ')})`);
console.log(`permissions in catalog:        ${Object.keys(catalog.permissions).length} (${Object.keys(catalog.families).length} families, ${Object.keys(catalog.events).length} event types)`);
console.log(`methods with an entry / total: ${withEntry.length} / ${sdkMethods.length}`);
console.log(`  mapped ${count('mapped')}, none ${count('none')}, unknown ${count('unknown')}`);
console.log(`routes (HTTP contracts):       ${routes.routes.length}`);
console.log(`expandable properties resolved / total: ${resolved} / ${total}  (on ${Object.values(expand.types).filter((t) => Object.values(t).some((p) => p.expand)).length} types)`);
if (process.argv.includes('--verbose')) for (const [k, v] of unresolved) console.log(`  unresolved ${k} → ${v}`);
