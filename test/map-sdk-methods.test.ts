// Every method of every supported SDK major has an entry, found WITHOUT the recorder: this walks
// a real client's resource tree itself (nested namespaces and sub-resources included).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getCatalog } from '../src/map/catalog.js';
// @ts-expect-error -- a plain .mjs script without declarations
import { recordedSdks } from '../mappings/scripts/sdks.mjs';

const require = createRequire(import.meta.url);
const routesDoc = JSON.parse(readFileSync(new URL('../mappings/generated/routes.json', import.meta.url), 'utf8')) as {
  routes: { verb: string; path: string; host?: string; methods: string[]; status: string; reason: string }[];
  local: Record<string, { status: string; reason: string; source: string }>;
};
const withRoute = new Set(routesDoc.routes.flatMap((r) => r.methods));

type Ctor = (new (key: string) => Record<string, unknown>) & { StripeResource: { prototype: object } };
const load = (module: string): Ctor => {
  const m = require(module) as Ctor & { default?: Ctor; Stripe?: Ctor };
  return m.default ?? m.Stripe ?? m;
};

/** Method ids of every object reachable from the client whose prototype chain holds functions. */
function sdkMethods(module: string): string[] {
  const Stripe = load(module);
  const client = new Stripe('sk_test_x');
  const plumbing = new Set(Object.getOwnPropertyNames(Stripe.StripeResource.prototype));
  const out = new Set<string>();
  const seen = new Set<object>();
  const visit = (obj: Record<string, unknown>, prefix: string[]) => {
    for (const key of Object.keys(obj).sort()) {
      // Client plumbing and helpers that are not resources; `_stripe` points back at the client.
      if (key.startsWith('_') || key === 'stripe' || (prefix.length === 0 && ['errors', 'webhooks', 'Decimal'].includes(key))) continue;
      const value = obj[key];
      if (!value || typeof value !== 'object' || seen.has(value)) continue;
      seen.add(value);
      for (let p = Object.getPrototypeOf(value); p && p !== Object.prototype && p !== Stripe.StripeResource.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) {
          if (name === 'constructor' || name.startsWith('_') || plumbing.has(name)) continue;
          if (typeof (value as Record<string, unknown>)[name] === 'function') out.add([...prefix, key, name].join('.'));
        }
      }
      visit(value as Record<string, unknown>, [...prefix, key]);
    }
  };
  visit(client, []);
  return [...out].sort();
}

// Every recorded stripe (mappings/scripts/sdks.mjs): the dev dependency and each stripe-NN alias.
const MAJORS = (recordedSdks() as { module: string }[]).map(
  ({ module }) => [module, module === 'stripe' || Number(module.slice(7)) >= 20 ? 550 : 450] as const,
);

describe.each(MAJORS)('%s: every method has an entry', (module, min) => {
  const methods = sdkMethods(module);
  const catalog = getCatalog();
  const aliases = Object.entries(
    (JSON.parse(readFileSync(new URL('../mappings/generated/routes.json', import.meta.url), 'utf8')) as { aliases: Record<string, string> }).aliases,
  );
  // stripe 14's `account` is `accounts` under another name (recorded as an alias).
  const canonical = (m: string) => {
    const alias = aliases.find(([a]) => m.startsWith(`${a}.`));
    return alias ? `${alias[1]}${m.slice(alias[0].length)}` : m;
  };

  it(`finds at least ${min} methods on a real client, sub-resources and oauth included`, () => {
    expect(methods.length).toBeGreaterThanOrEqual(min);
    expect(methods).toEqual(
      expect.arrayContaining(['customers.create', 'oauth.token', 'oauth.deauthorize', 'oauth.authorizeUrl', 'checkout.sessions.listLineItems']),
    );
    // v2 events arrived with stripe 17.
    if (module === 'stripe' || Number(module.slice(7)) >= 17) expect(methods).toContain('v2.core.events.retrieve');
    if (module === 'stripe') expect(methods).toContain('v2.core.accounts.persons.create');
  });

  it('maps each one to a route (mapped, none or unknown with a reason) or a no-request entry', () => {
    const missing = methods.filter((m) => !withRoute.has(m) && !withRoute.has(canonical(m)) && !routesDoc.local[m]);
    expect(missing).toEqual([]);
  });

  it('finds them in the runtime catalog too', () => {
    const missing = methods.filter((m) => !catalog.methods.has(m) && !catalog.local.has(m));
    expect(missing).toEqual([]);
  });
});

describe('sub-resources and the Connect OAuth host (issue 10, item 1)', () => {
  const catalog = getCatalog();
  it.each([
    ['v2.core.accounts.persons.create', 'POST', '/v2/core/accounts/{account}/persons', undefined],
    ['v2.core.accounts.persons.del', 'DELETE', '/v2/core/accounts/{account}/persons/{person}', undefined],
    ['v2.core.accounts.persons.list', 'GET', '/v2/core/accounts/{account}/persons', undefined],
    ['v2.core.accounts.persons.retrieve', 'GET', '/v2/core/accounts/{account}/persons/{person}', undefined],
    ['v2.core.accounts.persons.update', 'POST', '/v2/core/accounts/{account}/persons/{person}', undefined],
    ['v2.core.accounts.personTokens.create', 'POST', '/v2/core/accounts/{account}/person_tokens', undefined],
    ['v2.core.accounts.personTokens.retrieve', 'GET', '/v2/core/accounts/{account}/person_tokens/{person_token}', undefined],
    ['oauth.token', 'POST', '/oauth/token', 'connect.stripe.com'],
    ['oauth.deauthorize', 'POST', '/oauth/deauthorize', 'connect.stripe.com'],
  ])('%s → %s %s', (id, verb, path, host) => {
    const entry = catalog.methods.get(id);
    expect(entry).toMatchObject({ verb, path, status: 'unknown' });
    expect(entry?.host).toBe(host);
    expect(entry?.reason).toMatch(/permissions reference/);
    // The route table matches the request as it goes on the wire.
    expect(catalog.routes.match(verb, path.replace(/\{[^}]+\}/g, 'x_1'), host ?? 'api.stripe.com')).toBe(entry);
  });

  it.each(['oauth.authorizeUrl', 'v2.core.events.addFetchRelatedObjectIfNeeded'])('%s sends no request: status none with a reason and a source', (id) => {
    expect(catalog.local.get(id)).toMatchObject({ status: 'none', reason: expect.stringMatching(/\w/), source: expect.stringMatching(/stripe-node/) });
    expect(catalog.methods.has(id)).toBe(false);
  });
});
