// examples/stripe-app, the template users copy, run as its README says: its own install (Stripe's
// Jest preset and ESLint config need Jest 29, so it has its own package.json and lock), `jest`,
// `eslint .`, `tsc`; and its backend from a production install of the packed package.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const app = join(root, 'examples/stripe-app');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command: string, args: string[], cwd: string, input?: string): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const child = execFile(command, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

beforeAll(() => {
  // Installed once; `npm ci` again after changing the template's package.json.
  if (!existsSync(join(app, 'node_modules/.package-lock.json'))) {
    execFileSync(npm, ['ci', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: app, stdio: 'ignore' });
  }
}, 300_000);

describe('examples/stripe-app', () => {
  it('npm test: Stripe’s Jest preset under jsdom, with the setup file, the matchers and the reporter', async () => {
    const { code, output } = await run(process.execPath, ['node_modules/jest/bin/jest.js', '--ci', '--coverageReporters=none'], app);
    expect(output).toMatch(/Tests:\s+7 passed, 7 total/);
    expect(code).toBe(0);
    expect(output).toContain('Stripe permission coverage — 6 tests, 7 guarded calls');
    expect(output).toContain('✓ invoice_read');
    expect(output).toContain('⊘ invoice_read — invoices.list'); // the user without the permission, asserted
    expect(output).toContain('0 missing permissions, 0 declared permissions unused in tests, 0 unknowns.');
    const report = JSON.parse(readFileSync(join(app, 'stripe-permission-coverage.json'), 'utf8'));
    expect(Object.keys(report.used).sort()).toEqual(['customer_read', 'invoice_read']);
  }, 120_000);

  it('npm run lint passes, and the rule reports a call the manifest does not cover', async () => {
    expect(await run(process.execPath, ['node_modules/eslint/bin/eslint.js', '.'], app)).toEqual({ code: 0, output: '' });
    const server = readFileSync(join(app, 'backend/server.js'), 'utf8').replace('stripe.customers.retrieve(', 'stripe.customers.del(');
    const lint = await run(process.execPath, ['node_modules/eslint/bin/eslint.js', '--stdin', '--stdin-filename', 'backend/server.js'], app, server);
    expect(lint.code).toBe(1);
    expect(lint.output).toContain('customers.del needs customer_write, which stripe-app.json does not declare');
  }, 120_000);

  it('type-checks with its tsconfig (matcher types through "types")', async () => {
    expect(await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], app)).toEqual({ code: 0, output: '' });
  }, 120_000);

  it('the backend runs from a production install (npm install --omit=dev) of the packed package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spg-prod-'));
    const packed = JSON.parse(execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: root, encoding: 'utf8' })) as {
      filename: string;
    }[];
    const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    pkg.dependencies['stripe-permission-guard'] = `file:${join(dir, packed[0]!.filename)}`;
    const project = join(dir, 'app');
    cpSync(join(app, 'backend'), join(project, 'backend'), { recursive: true });
    cpSync(join(app, 'stripe-app.json'), join(project, 'stripe-app.json'));
    writeFileSync(join(project, 'package.json'), JSON.stringify(pkg));
    execFileSync(npm, ['install', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--install-links'], { cwd: project, stdio: 'ignore' });
    expect(existsSync(join(project, 'node_modules/@stripe/ui-extension-tools'))).toBe(false);
    // The handler, with an HttpClient that answers every request: an allowed call is sent, an
    // uncovered one (customer_write) never is.
    const script = `
      const Stripe = require('stripe');
      const sent = [];
      class Res extends Stripe.HttpClientResponse { constructor(b) { super(200, {}); this.b = b; } getRawResponse() { return {}; } toJSON() { return Promise.resolve(this.b); } }
      class Client extends Stripe.HttpClient { getClientName() { return 'fixtures'; } makeRequest(h, p, path, method) { sent.push(method + ' ' + path.split('?')[0]); return Promise.resolve(new Res(path.startsWith('/v1/invoices') ? { object: 'list', data: [], has_more: false, url: '/v1/invoices' } : { id: 'cus_1', object: 'customer' })); } }
      const { createHandler } = require('./backend/server.js');
      const res = { writeHead(s) { this.status = s; }, end(b) { console.log(JSON.stringify({ status: this.status, body: JSON.parse(b), sent })); } };
      createHandler({ httpClient: new Client() })({ method: 'GET', url: '/customers/cus_1/summary', headers: { 'stripe-account': 'acct_1' } }, res);
    `;
    const { code, output } = await run(process.execPath, ['-e', script], project);
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual({ status: 200, body: { id: 'cus_1', invoices: 0 }, sent: ['GET /v1/customers/cus_1', 'GET /v1/invoices'] });
  }, 180_000);
});
