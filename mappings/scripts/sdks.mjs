// The stripe packages the map is recorded from: the dev dependency `stripe` (the client the tests
// use) and every `stripe-NN` alias in package.json's devDependencies (`npm:stripe@x.y.z`, the
// newest release of each major, and the newest release overall). Adding a release is adding an
// alias: `npm run mappings:update` does it for the newest one on the registry.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** [{ module: 'stripe' | 'stripe-NN', suffix: '' | '-stripeNN' }], `stripe` first, then by major. */
export function recordedSdks() {
  const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));
  const aliases = Object.keys(pkg.devDependencies ?? {})
    .filter((name) => /^stripe-\d+$/.test(name))
    .sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
  return [{ module: 'stripe', suffix: '' }, ...aliases.map((module) => ({ module, suffix: `-stripe${module.slice(7)}` }))];
}

/** The generated files of one recorded SDK, relative to mappings/. */
export const endpointsFile = (sdk) => `generated/endpoints${sdk.suffix}.json`;
export const objectsFile = (sdk) => `generated/objects${sdk.suffix}.json`;
