// `npm run bench` (second part): the static analysis' cost, on generated code.
//  1. Typed lint (typescript-eslint projectService) of a ~10k-line project, without and with
//     no-undeclared-permission. Target: the rule adds ≤ 10 %. Each run is a fresh process, so no
//     run reuses another's TypeScript program; runs alternate and the medians are compared. The
//     rule's own time, from ESLint's per-rule stats, is printed too (less noisy than wall clock).
//  2. `scan` of 1000 generated files through the built bin. Target: ≤ 5 s.
// Prints the measured numbers; asserts nothing (not part of npm test).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './median.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROUNDS = 3;

const MANIFEST = {
  id: 'com.example.bench',
  permissions: ['customer_read', 'invoice_read', 'charge_read'].map((permission) => ({ permission, purpose: 'bench' })),
};

/** One generated module: a service using a Stripe client, plus ordinary code around it. */
function moduleSource(i, fillerFunctions) {
  const calls = [
    `await this.stripe.customers.retrieve(id, { expand: ['default_source'] });`,
    `await this.stripe.invoices.list({ customer: id, expand: ['data.customer'] });`,
    `await this.stripe.customers.update(id, { metadata: { n: '${i}' } });`,
    `await stripe.charges.list({ limit: 3, expand: ['data.review'] });`,
    `await stripe.rawRequest('GET', \`/v1/customers/\${id}\`);`,
  ];
  const filler = Array.from(
    { length: fillerFunctions },
    (_, f) => `
export function helper${i}_${f}(items: readonly { id: string; amount: number }[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const item of items) {
    const previous = totals.get(item.id) ?? 0;
    totals.set(item.id, previous + Math.round(item.amount * 100) / 100);
  }
  const sorted = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10);
  return new Map(sorted.map(([k, v]) => [k.toUpperCase(), v]));
}`,
  ).join('\n');
  return `import Stripe from 'stripe';

const stripe = new Stripe('sk_test_bench_${i}');

export class Service${i} {
  constructor(private readonly stripe: Stripe) {}

  async run(id: string): Promise<void> {
    ${calls.join('\n    ')}
  }
}
${filler}
`;
}

function project(files, fillerFunctions) {
  const dir = mkdtempSync(join(tmpdir(), 'spg-bench-static-'));
  // The generated code resolves stripe (its types) from this repository.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(join(ROOT, 'node_modules/stripe'), join(dir, 'node_modules/stripe'), 'dir');
  writeFileSync(join(dir, 'stripe-app.json'), JSON.stringify(MANIFEST));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', strict: true, skipLibCheck: true, noEmit: true, types: [] },
      include: ['src'],
    }),
  );
  mkdirSync(join(dir, 'src'));
  let lines = 0;
  for (let i = 0; i < files; i++) {
    const text = moduleSource(i, fillerFunctions);
    lines += text.split('\n').length;
    writeFileSync(join(dir, 'src', `module-${i}.ts`), text);
  }
  return { dir, lines };
}

// One typed lint in a child process; prints { ms, ruleMs, messages }.
const LINT_CHILD = `
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import plugin from 'stripe-permission-guard/eslint';
const [dir, withRule] = process.argv.slice(1);
const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } } }];
if (withRule === '1') config.push({ files: ['**/*.ts'], ...plugin.configs.recommended });
const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, stats: true });
const t = performance.now();
const results = await eslint.lintFiles(['src']);
const ms = performance.now() - t;
let ruleMs = 0;
for (const r of results) for (const pass of r.stats?.times.passes ?? []) ruleMs += pass.rules?.['stripe-permission-guard/no-undeclared-permission']?.total ?? 0;
console.log(JSON.stringify({ ms, ruleMs, messages: results.reduce((n, r) => n + r.messages.length, 0) }));
`;

function lintOnce(dir, withRule) {
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', LINT_CHILD, dir, withRule ? '1' : '0'], { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

// ---- 1. typed lint, with and without the rule ------------------------------------------
const lintProject = project(50, 18);
const without = [];
const withRule = [];
let ruleOwn = [];
let messages = 0;
for (let round = 0; round < ROUNDS; round++) {
  without.push(lintOnce(lintProject.dir, false).ms);
  const w = lintOnce(lintProject.dir, true);
  withRule.push(w.ms);
  ruleOwn.push(w.ruleMs);
  messages = w.messages;
}
const base = median(without);
const ruled = median(withRule);
const own = median(ruleOwn);
console.log(`typed lint, ${lintProject.lines} lines in 50 files (${ROUNDS} alternating rounds, fresh process each):`);
console.log(`  without the rule  median ${base.toFixed(0)} ms  (runs: ${without.map((x) => x.toFixed(0)).join(', ')})`);
console.log(`  with the rule     median ${ruled.toFixed(0)} ms  (runs: ${withRule.map((x) => x.toFixed(0)).join(', ')}), ${messages} reports`);
console.log(
  `  wall-clock overhead ${(((ruled - base) / base) * 100).toFixed(1)} %   rule's own time (ESLint stats) ${own.toFixed(0)} ms = ${((own / base) * 100).toFixed(1)} % of the lint   target ≤ 10 %`,
);
rmSync(lintProject.dir, { recursive: true, force: true });

// ---- 2. scan of 1000 files ----------------------------------------------------------------
const scanProject = project(1000, 1);
const scanTimes = [];
let sites = 0;
for (let round = 0; round < ROUNDS; round++) {
  const t = performance.now();
  // Exit 1 is expected: the generated code calls customers.update, which the manifest lacks.
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli.js'), 'scan', 'src', '--manifest', 'stripe-app.json', '--json'], {
    cwd: scanProject.dir,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (r.status !== 1) throw new Error(`scan exited ${r.status}: ${r.stderr}`);
  const out = r.stdout;
  scanTimes.push(performance.now() - t);
  sites = JSON.parse(out).sites.length;
}
console.log(`scan, 1000 files (${scanProject.lines} lines), ${sites} call sites, whole process incl. start-up:`);
console.log(`  median ${(median(scanTimes) / 1000).toFixed(2)} s  (runs: ${scanTimes.map((x) => (x / 1000).toFixed(2)).join(', ')})   target ≤ 5 s`);
rmSync(scanProject.dir, { recursive: true, force: true });
