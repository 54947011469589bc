// Override patterns mean the same on every surface: a method-id glob matches every method id and
// alias of a route, in every recorded SDK version, whichever surface saw the request (check(), the
// guard, the msw handlers); and globs are compiled so that matching stays linear in the input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Stripe from 'stripe';
import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { check, guard, GuardOptionsError } from '../src/index.js';
import { stripePermissionHandlers } from '../src/testing/msw.js';
import { compileGlob } from '../src/config/override-glob.js';
import { minimatch } from 'minimatch';

const rows = [
  // [pattern, request the SDK sends, what it says without the override]
  ['account.*', { method: 'GET', path: '/v1/accounts/acct_1' }],
  ['accounts.*', { method: 'GET', path: '/v1/accounts/acct_1' }],
  ['billing.creditBalanceSummary.*', { method: 'GET', path: '/v1/billing/credit_balance_summary' }],
  ['billing.creditBalanceSummaries.*', { method: 'GET', path: '/v1/billing/credit_balance_summary' }],
] as const;

const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

async function viaMsw(overrides: object, call: { method: string; path: string }): Promise<number> {
  server.resetHandlers(
    ...stripePermissionHandlers({ permissions: [], overrides, onUnmapped: 'throw', logger: { warn() {} } }),
    http.all('https://api.stripe.com/*', () => HttpResponse.json({ id: 'x', object: 'thing' })),
  );
  const res = await fetch(`https://api.stripe.com${call.path}`, { method: call.method, headers: { authorization: 'Bearer sk_test_x' } });
  return res.status;
}

async function viaGuard(overrides: object, call: { method: string; path: string }): Promise<number> {
  let sent = 0;
  const httpClient = Stripe.createFetchHttpClient((async () => {
    sent++;
    return new Response('{"id":"x","object":"thing"}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch);
  const stripe = guard(new Stripe('sk_test_x', { httpClient, telemetry: false, maxNetworkRetries: 0 }), {
    permissions: [],
    overrides,
    onUnmapped: 'throw',
    logger: { warn() {} },
  });
  await stripe.rawRequest(call.method, call.path).catch(() => undefined);
  return sent;
}

describe('a method-id pattern matches every id and alias of the route', () => {
  it.each(rows)('%s: "none" allows %j on check(), guard() and msw', async (pattern, call) => {
    const overrides = { routes: { [pattern]: 'none' } };
    expect(check(call, []).verdict).not.toBe('allowed');
    expect(check(call, [], { overrides }).verdict).toBe('allowed');
    expect(await viaGuard(overrides, call)).toBe(1);
    expect(await viaMsw(overrides, call)).toBe(200);
    // Without the override, the guard and the handlers refuse it: the rows can fail.
    expect(await viaGuard({}, call)).toBe(0);
    expect(await viaMsw({}, call)).not.toBe(200);
  });
});

describe('override globs', () => {
  it.each([['GET /v1/+(a|b)'], ['GET /v1/@(customers)/*'], ['GET /v1/!(x)'], ['GET /v1/*(a)'], ['GET /v1/?(a)'], [`GET /v1/${'a'.repeat(600)}`]])(
    'refuse pattern %# at load time, naming the entry and the fix',
    (pattern) => {
      const load = () => check('customers.list', {}, [], { overrides: { routes: { [pattern]: ['customer_read'] } } });
      expect(load).toThrow(GuardOptionsError);
      expect(load).toThrow(`routes[${JSON.stringify(pattern)}]`);
      expect(load).toThrow(/extglobs .* are not supported .* write one entry per alternative|longer than 512 characters; use "\*\*"/);
    },
  );

  it('match a 10 KB id without backtracking (a regular expression of this glob takes exponential time)', () => {
    const pattern = `GET /v1/customers/${'*a'.repeat(12)}c`;
    const overrides = { routes: { [pattern]: ['customer_write'] } };
    // 10 KB: longer paths are refused by the request model before any matching.
    const id = 'a'.repeat(10_000);
    // Not matched (no final "c"): the endpoint keeps the map's requirement.
    expect(check({ method: 'GET', path: `/v1/customers/${id}` }, ['customer_read'], { overrides }).verdict).toBe('allowed');
    expect(check({ method: 'GET', path: `/v1/customers/${id}c` }, ['customer_read'], { overrides }).verdict).toBe('missing');
  });

  // The syntax is minimatch's (as overrides always read it): the same answers on a table of cases.
  const patterns = [
    'a/**',
    'a/*',
    'a/**/b',
    '**',
    '**/b',
    '/v1/**',
    'a/*b*',
    'a/{b,c}/d',
    'a/x*',
    'a/**/*',
    'a/b**',
    'a/?',
    'a/[bc]',
    'a/[!b]',
    'a/{b,{c,d}}',
    '{a,b}/**/c',
    'a/**/**/b',
    'x{,y}',
    'a/\\*',
  ];
  const inputs = [
    'a',
    'a/',
    'a/b',
    'a/c',
    'a/b/c',
    'a/x/y/b',
    'b',
    'x/b',
    '/v1',
    '/v1/x',
    'a/xbyy',
    'a/c/d',
    'a/b/d',
    'a/x',
    'a/b/',
    'a/bxx/y',
    '',
    'a/d',
    'x',
    'xy',
    'b/c',
    'c',
    'a/*',
    'a//b',
  ];
  it.each(patterns)('%s matches as minimatch.makeRe does', (pattern) => {
    const re = minimatch.makeRe(pattern, { dot: true }) as RegExp;
    const glob = compileGlob(pattern);
    expect(inputs.filter((i) => glob.test(i))).toEqual(inputs.filter((i) => re.test(i)));
  });
});
