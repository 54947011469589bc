// The built package as users load it: ESM and CommonJS, each with its own copy of stripe's
// classes. The rejection must be an instance of the user's StripePermissionError either way.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const run = (type: 'module' | 'commonjs', source: string) =>
  JSON.parse(execFileSync(process.execPath, [`--input-type=${type}`, '-e', source], { cwd: root, encoding: 'utf8' }));

const probe = `
  const stripe = guard(new Stripe('sk_test_consumer', { telemetry: false }), { permissions: ['customer_read'] });
  stripe.customers.create({}).catch((e) => console.log(JSON.stringify({
    own: e instanceof stripe.errors.StripePermissionError,
    base: e instanceof Stripe.errors.StripeError,
    code: e.code, statusCode: e.statusCode, missing: e.missingPermissions,
  })));`;

describe('consumers of the built package (npm test builds first)', () => {
  it('the build exists', () => expect(existsSync(`${root}dist/index.cjs`) && existsSync(`${root}dist/index.js`)).toBe(true));
  it.each([
    ['ESM user, ESM stripe', 'module', `import Stripe from 'stripe'; import { guard } from 'stripe-permission-guard';${probe}`],
    ['CommonJS user, CommonJS stripe', 'commonjs', `const Stripe = require('stripe'); const { guard } = require('stripe-permission-guard');${probe}`],
    [
      'ESM package, CommonJS stripe copy',
      'module',
      `import { createRequire } from 'node:module'; const Stripe = createRequire(process.cwd() + '/')('stripe'); import { guard } from 'stripe-permission-guard';${probe}`,
    ],
  ] as const)('%s: instanceof holds', (_, type, source) => {
    expect(run(type, source)).toEqual({
      own: true,
      base: true,
      code: 'more_permissions_required_for_application',
      statusCode: 403,
      missing: ['customer_write'],
    });
  });
});
