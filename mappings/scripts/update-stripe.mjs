#!/usr/bin/env node
// Release step: re-records the map from the newest `stripe` on the registry and shows what changed.
//
//   npm run mappings:update              install the newest stripe as its major's alias, regenerate, show the diff
//   npm run mappings:update -- --check   only say whether the newest release is recorded (exit 1 if not)
//
// The newest release goes in as `stripe-NN: npm:stripe@x.y.z` (NN its major; an older minor of the
// same major is replaced, a new major is added), so every major keeps its newest release recorded.
// The dev dependency `stripe` (the client the tests run) is left alone.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', ...opts });
const readJson = (rel) => JSON.parse(readFileSync(resolve(root, rel), 'utf8'));
const check = process.argv.includes('--check');

const latest = run(npm, ['view', 'stripe', 'version']).trim();
if (!/^\d+\.\d+\.\d+$/.test(latest)) throw new Error(`npm view stripe version answered ${JSON.stringify(latest)}`);
const alias = `stripe-${latest.split('.')[0]}`;
const spec = `npm:stripe@${latest}`;
const devDependencies = readJson('package.json').devDependencies;
const recorded = devDependencies[alias] === spec || devDependencies.stripe === latest;
console.log(`newest stripe on the registry: ${latest}; ${recorded ? 'already recorded' : `recorded: ${devDependencies[alias] ?? 'no release of this major'}`}`);
if (check) process.exit(recorded ? 0 : 1);

const routeStatus = () => new Map(readJson('mappings/generated/routes.json').routes.map((r) => [`${r.verb} ${r.host ?? ''}${r.path}`, r.status]));
const stats = () => run(process.execPath, ['mappings/scripts/stats.mjs']);
const before = { routes: routeStatus(), stats: stats() };

if (!recorded) run(npm, ['install', '--no-audit', '--no-fund', '--save-dev', '--save-exact', `${alias}@${spec}`], { stdio: 'inherit' });
run(npm, ['run', 'mappings', '--silent'], { stdio: 'inherit' });

const after = { routes: routeStatus(), stats: stats() };
console.log('\n--- npm run mappings:stats, before → after');
const [a, b] = [before.stats.split('\n'), after.stats.split('\n')];
for (const line of b) if (!a.includes(line)) console.log(`+ ${line}`);
for (const line of a) if (!b.includes(line)) console.log(`- ${line}`);
console.log('\n--- routes whose status changed');
let changed = 0;
for (const key of new Set([...before.routes.keys(), ...after.routes.keys()])) {
  const [was, is] = [before.routes.get(key), after.routes.get(key)];
  if (was !== is) {
    changed++;
    console.log(`  ${key}: ${was ?? '(new)'} → ${is ?? '(gone)'}`);
  }
}
if (!changed) console.log('  none');
console.log('\n--- files');
console.log(run('git', ['diff', '--stat', '--', 'package.json', 'mappings', 'src/generated']) || '  no change');
console.log(
  [
    'Next: review the diff (new routes are unknown until overrides.json names their family, with a source),',
    'run `npm test` (a new major may need its line in test/map-expandables.test.ts EXCEPTIONS), update the',
    'numbers in docs/mapping.md from `npm run mappings:stats`, and say what changed in CHANGELOG.md.',
  ].join('\n'),
);
