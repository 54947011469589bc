// `node test/bench/code-cache.mjs` (after `npm run build`): would shipping V8's code cache of the
// main entry bring the cold start within its targets? An experiment, not part of `npm run bench`
// or of the package: it bundles dist/index.js as one function in a temporary directory, has a
// process that ran guard(), a first call and explain() write V8's cache of it (the functions
// compiled by then included), then times fresh processes, alternating:
//   import   the package, imported as it ships
//   vm       the same code compiled by node:vm without the cache (what loading it that way costs)
//   eager    the same, V8 compiling every function at once instead of on its first call
//   cache    the same, with the cache (what a cache made on this very Node gives at best)
// and, for each, the load + new Stripe() + guard() + the first call (one expand) over a bare
// client's first call, and a first explain() after the load. Prints medians; asserts nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { median } from './median.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const entry = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const ROUNDS = Number(process.env.ROUNDS ?? 15);

const dir = mkdtempSync(`${os.tmpdir()}/spg-code-cache-`);
try {
  const code = `${dir}/index.cjs`;
  const built = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['stripe', 'minimatch'],
    write: false,
    logLevel: 'error',
    // The map is read relative to the entry's own URL: keep it the installed one.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(entry).href) },
  });
  writeFileSync(code, built.outputFiles[0].text);
  const run = (args) => JSON.parse(execFileSync(process.execPath, args, { cwd: `${here}../..`, encoding: 'utf8' }));
  const child = (mode, what) => run([`${here}code-cache-child.mjs`, mode, what, code, `${dir}/index.cache`]);
  child('make', 'guarded');

  const modes = ['import', 'vm', 'eager', 'cache'];
  const runs = { bare: [], ...Object.fromEntries(modes.flatMap((m) => [[`${m} guarded`, []], [`${m} explain`, []], [`${m} load`, []]])) };
  for (let i = 0; i < ROUNDS; i++) {
    const order = i % 2 ? [...modes].reverse() : modes;
    runs.bare.push(run([`${here}cold-child.mjs`, 'bare']).ms);
    for (const m of order) {
      const g = child(m, 'guarded');
      runs[`${m} guarded`].push(g.ms - runs.bare[i]);
      runs[`${m} load`].push(g.load);
      runs[`${m} explain`].push(child(m, 'explain').ms);
    }
  }
  console.log(`V8 code cache of dist/index.js, ${ROUNDS} rounds of fresh processes (${process.version}, load ${os.loadavg()[0].toFixed(2)}):`);
  console.log(`  first bare call                              ${median(runs.bare).toFixed(2)} ms`);
  for (const m of modes)
    console.log(
      `  ${m.padEnd(6)} load ${median(runs[`${m} load`]).toFixed(2)} ms, first guarded call adds ${median(runs[`${m} guarded`]).toFixed(2)} ms, first explain() ${median(runs[`${m} explain`]).toFixed(2)} ms`,
    );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
