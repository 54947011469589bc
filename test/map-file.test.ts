// The map as each build loads it (npm test builds first). Node resolves the main entry to the
// build that reads mappings/generated/runtime.jsonl on the first lookup; bundlers resolve it (with
// the `module` or `browser` condition) to the build that embeds the same text. A Node build whose
// file is missing, from another build, or changed while it runs fails loudly, naming the fix.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { mapFile } from '../mappings/generated/runtime.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const mapText = readFileSync(join(root, 'mappings/generated/runtime.jsonl'), 'latin1');
// A stretch of the map no code holds: the permissions section's opening.
const mapSample = mapText.split('\n')[2]!.slice(0, 200);
const temp = mkdtempSync(join(tmpdir(), 'spg-map-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const node = (args: string[], cwd = root) => {
  try {
    return { out: execFileSync(process.execPath, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }), err: '' };
  } catch (error) {
    return { out: String((error as { stdout?: unknown }).stdout ?? ''), err: String((error as { stderr?: unknown }).stderr ?? '') };
  }
};
const explainScript = (from: string) =>
  `import(${JSON.stringify(pathToFileURL(from).href)}).then((m) => console.log(JSON.stringify(m.explain('customers.list', { expand: ['data.default_source'] }).requirements)))`;

describe('which build each consumer gets', () => {
  it('Node resolves the main entry to the builds that read the file, ESM and CommonJS, which hold no map text', () => {
    const require = createRequire(join(root, 'package.json'));
    expect(require.resolve('stripe-permission-guard')).toBe(join(root, 'dist/index.cjs'));
    expect(node(['--input-type=module', '-e', "console.log(import.meta.resolve('stripe-permission-guard'))"]).out.trim()).toBe(
      `file://${join(root, 'dist/index.js')}`,
    );
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/cli.js']) expect(readFileSync(join(root, file), 'latin1')).not.toContain(mapSample);
    for (const file of ['dist/embedded/index.js', 'dist/embedded/index.cjs']) expect(readFileSync(join(root, file), 'latin1')).toContain(mapSample);
  });

  it('the published package holds the map file Node reads, beside the builds', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const [pack] = JSON.parse(execFileSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' })) as [
      { files: { path: string }[] },
    ];
    const files = pack.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['mappings/generated/runtime.jsonl', 'dist/index.js', 'dist/index.cjs', 'dist/embedded/index.js', 'dist/embedded/index.cjs']),
    );
  });

  it.each(['node', 'browser'] as const)('a bundle for %s embeds the map and runs away from the package', async (platform) => {
    const dir = join(temp, `bundle-${platform}`);
    mkdirSync(dir, { recursive: true });
    const out = join(dir, 'bundle.mjs');
    // Resolved from the package root, as a user's app resolves its dependency.
    const contents =
      "import { explain } from 'stripe-permission-guard';\nglobalThis.answer = explain('customers.list', { expand: ['data.default_source'] }).requirements;\n";
    await build({ stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, platform, format: 'esm', outfile: out, logLevel: 'silent' });
    expect(readFileSync(out, 'latin1')).toContain(mapSample);
    const run = node(['--input-type=module', '-e', `await import(${JSON.stringify(out)}); console.log(JSON.stringify(globalThis.answer))`], dir);
    expect(run.err).toBe('');
    expect(JSON.parse(run.out)).toEqual([
      { anyOf: ['customer_read', 'customer_write'], because: 'customers.list' },
      { anyOf: ['customer_read', 'customer_write'], because: 'expand data.default_source', expand: 'data.default_source' },
    ]);
  });

  it('the Node build and the embedded build hold the same map: every method, permission and event type', () => {
    // Every recorded method with its first two expandable paths, each permission's info, each event type's permissions.
    const methods = (JSON.parse(readFileSync(join(root, 'mappings/generated/routes.json'), 'utf8')) as { routes: { methods: string[] }[] }).routes.flatMap(
      (r) => r.methods,
    );
    const dump = (file: string) => `
      const m = await import(${JSON.stringify(pathToFileURL(join(root, file)).href)});
      const methods = ${JSON.stringify(methods)};
      console.log(JSON.stringify({
        methods: methods.map((id) => m.explain(id, { expand: ['data.customer', 'customer.default_source'] })),
        permissions: m.listPermissions().map((p) => m.permissionInfo(p)),
        events: m.listEventTypes().map((t) => [t, m.eventPermissions(t)]),
      }));`;
    const fromFile = node(['--input-type=module', '-e', dump('dist/index.js')]);
    const embedded = node(['--input-type=module', '-e', dump('dist/embedded/index.js')]);
    expect(fromFile.err + embedded.err).toBe('');
    const parsed = JSON.parse(fromFile.out) as { methods: unknown[]; permissions: unknown[]; events: unknown[] };
    expect([parsed.methods.length, parsed.permissions.length > 100, parsed.events.length > 100]).toEqual([methods.length, true, true]);
    expect(fromFile.out).toBe(embedded.out);
  });
});

describe('a Node build installed under an awkward path', () => {
  it.each([
    ['ESM', 'dist/index.js'],
    ['CommonJS', 'dist/index.cjs'],
  ])('%s finds its map under a path with a hash, a percent sign and spaces', (_, file) => {
    const dir = join(temp, 'C# 100%25 app', 'node_modules', 'stripe-permission-guard');
    mkdirSync(join(dir, 'dist'), { recursive: true });
    mkdirSync(join(dir, 'mappings/generated'), { recursive: true });
    copyFileSync(join(root, file), join(dir, file));
    copyFileSync(join(root, 'mappings/generated/runtime.jsonl'), join(dir, 'mappings/generated/runtime.jsonl'));
    const fromCopy = node(['--input-type=module', '-e', explainScript(join(dir, file))]);
    const fromPackage = node(['--input-type=module', '-e', explainScript(join(root, file))]);
    expect(fromCopy.err).toBe('');
    expect(fromCopy.out).toBe(fromPackage.out);
  });
});

describe('a Node build without its own map file', () => {
  // A copy of the package's Node build, with (or without) a map beside it as a package has it.
  const copy = (name: string, map?: string) => {
    const dir = join(temp, name);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    copyFileSync(join(root, 'dist/index.js'), join(dir, 'dist/index.js'));
    if (map !== undefined) {
      mkdirSync(join(dir, 'mappings/generated'), { recursive: true });
      writeFileSync(join(dir, 'mappings/generated/runtime.jsonl'), map, 'latin1');
    }
    return dir;
  };

  it('imports (nothing is read at import), then fails on the first lookup naming the file and the fix', () => {
    const dir = copy('missing');
    expect(node(['--input-type=module', '-e', `await import(${JSON.stringify(join(dir, 'dist/index.js'))}); console.log('imported')`]).out.trim()).toBe(
      'imported',
    );
    const run = node(['--input-type=module', '-e', explainScript(join(dir, 'dist/index.js'))]);
    expect(run.out).toBe('');
    expect(run.err).toContain(`[stripe-permission-guard] Cannot read the permission map ${join(dir, 'mappings/generated/runtime.jsonl')} (ENOENT).`);
    expect(run.err).toContain('let the bundler resolve the package with the `module` or `browser` condition');
  });

  it.each(['throw', 'warn'] as const)('lets no request leave in %s mode: it rejects with the same error', (mode) => {
    const dir = copy(`unsent-${mode}`);
    const script = `
      const Stripe = (await import('node:module')).createRequire(${JSON.stringify(join(root, 'package.json'))})('stripe');
      const { guard } = await import(${JSON.stringify(join(dir, 'dist/index.js'))});
      let sent = 0;
      const httpClient = new (class extends Stripe.HttpClient { getClientName() { return 'test'; } makeRequest() { sent++; throw new Error('sent'); } })();
      const stripe = guard(new Stripe('sk_test_map', { httpClient, telemetry: false, maxNetworkRetries: 0 }), { permissions: () => ['customer_read'], mode: ${JSON.stringify(mode)}, logger: { warn() {} } });
      const outcome = await stripe.customers.retrieve('cus_1').then(() => 'resolved', (e) => e.message);
      console.log(JSON.stringify({ sent, outcome }));`;
    const run = node(['--input-type=module', '-e', script]);
    expect(run.err).toBe('');
    const { sent, outcome } = JSON.parse(run.out) as { sent: number; outcome: string };
    expect(sent).toBe(0);
    expect(outcome).toMatch(/^\[stripe-permission-guard\] Cannot read the permission map .* \(ENOENT\)\./);
  });

  it('says what is wrong when the map path is a directory', () => {
    const dir = copy('directory');
    mkdirSync(join(dir, 'mappings/generated/runtime.jsonl'), { recursive: true });
    const run = node(['--input-type=module', '-e', explainScript(join(dir, 'dist/index.js'))]);
    expect(run.out).toBe('');
    expect(run.err).toContain(`[stripe-permission-guard] Cannot read the permission map ${join(dir, 'mappings/generated/runtime.jsonl')} (EISDIR).`);
  });

  it('refuses a map from another build', () => {
    const other = mapText.replace(`"id":"${mapFile.id}"`, `"id":"${'0'.repeat(mapFile.id.length)}"`);
    expect(other).not.toBe(mapText);
    const run = node(['--input-type=module', '-e', explainScript(join(copy('other', other), 'dist/index.js'))]);
    expect(run.out).toBe('');
    expect(run.err).toContain(`The permission map runtime.jsonl does not belong to this build of stripe-permission-guard`);
    expect(run.err).toContain('Reinstall the package.');
  });

  it('refuses a header with this build id but line positions it cannot have', () => {
    const forged = mapText.replace('"starts":[0,', '"starts":[0,99999999999,');
    expect(forged).not.toBe(mapText);
    const run = node(['--input-type=module', '-e', explainScript(join(copy('forged', forged), 'dist/index.js'))]);
    expect(run.out).toBe('');
    expect(run.err).toContain(`does not belong to this build of stripe-permission-guard (its header does not describe a file of ${mapFile.bytes} bytes)`);
  });

  it('refuses a line that is not JSON, without quoting it', () => {
    // Every route group's line, after the head, broken at its first character.
    const broken = mapText
      .split('\n')
      .map((l, n) => (n > 0 && l.startsWith('{"rows":') ? `x${l.slice(1)}` : l))
      .join('\n');
    const run = node(['--input-type=module', '-e', explainScript(join(copy('broken', broken), 'dist/index.js'))]);
    expect(run.out).toBe('');
    expect(run.err).toMatch(/does not belong to this build of stripe-permission-guard \(line \d+ is not JSON\)\. Reinstall the package\./);
    expect(run.err).not.toContain('"rows"');
  });

  it('refuses a line that moved after the head was read (the file was replaced while running)', () => {
    const dir = copy('replaced', mapText);
    const file = join(dir, 'mappings/generated/runtime.jsonl');
    // The head is read by explain(); the file then gains a byte at its end of head, and a route
    // group the process has not read yet is asked for.
    const shifted = join(dir, 'shifted.jsonl');
    writeFileSync(shifted, `${mapText.slice(0, mapFile.head)} ${mapText.slice(mapFile.head)}`, 'latin1');
    const script = `
      const m = await import(${JSON.stringify(join(dir, 'dist/index.js'))});
      m.explain('customers.list');
      (await import('node:fs')).copyFileSync(${JSON.stringify(shifted)}, ${JSON.stringify(file)});
      try { m.explain('invoices.list'); console.log('answered'); } catch (e) { console.log(e.message); }`;
    expect(node(['--input-type=module', '-e', script]).out.trim()).toMatch(
      /^\[stripe-permission-guard\] The permission map runtime\.jsonl does not belong to this build of stripe-permission-guard \(line \d+ is not where its header says: the file was changed after it was first read\)\. Reinstall the package\.$/,
    );
  });
});
